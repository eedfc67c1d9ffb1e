"""The post-chat survey's optional extra question ("Was your problem solved?").

Configured site-wide (``[survey_question]``) and per department (``[departments.KEY.survey_question]``,
or ``survey_question = false`` to ask nothing there). Off unless configured. An answer is stored with a
snapshot of the question's key, kind and English wording (and the chosen option's English label), so
editing the config later never rewrites what earlier visitors were asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidPayload, OutOfRange, TextTooLong
from ..validation import clean_text

KINDS = ("yes_no", "choice", "text")
_KEY = re.compile(r"^[a-z0-9_]{1,40}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MAX_WORDING = 300
MAX_OPTIONS = 12
MAX_TEXT_ANSWER = 2000
YES_NO = (
    ("yes", (("en", "Yes"), ("ru", "Да"), ("sk", "Áno"))),
    ("no", (("en", "No"), ("ru", "Нет"), ("sk", "Nie"))),
)

Wording = tuple[tuple[str, str], ...]  # (language, text), always with "en"


class SurveyConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SurveyQuestion:
    key: str
    kind: str  # yes_no | choice | text
    text: Wording
    options: tuple[tuple[str, Wording], ...] = ()  # (value, labels); yes_no has yes / no built in
    max_length: int = 500  # longest text answer

    @property
    def english(self) -> str:
        return dict(self.text)["en"]

    def label(self, value: str) -> str | None:
        labels = dict(self.options).get(value)
        return dict(labels)["en"] if labels else None

    def public(self) -> dict[str, Any]:
        """What the widget draws; it picks the visitor's language and falls back to English."""
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "text": dict(self.text)}
        if self.kind == "text":
            out["max_length"] = self.max_length
        else:
            out["options"] = [{"value": v, "text": dict(labels)} for v, labels in self.options]
        return out


@dataclass(frozen=True)
class SurveyAnswer:
    """An answer with the snapshot of its question, as stored next to the rating."""

    key: str
    kind: str
    question: str  # the English wording when answered
    answer: str  # the option's value, or the visitor's text
    label: str | None = None  # the option's English label when answered (None for text)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "question": self.question, "answer": self.answer,
                "label": self.label}


# -- configuration ----------------------------------------------------------------------------------
def _wording(raw: Any, where: str) -> Wording:
    if not isinstance(raw, dict) or not raw:
        raise SurveyConfigError(f"{where} must be a table of language = \"text\", e.g. {{ en = \"...\" }}")
    for language, text in raw.items():
        if not _LANGUAGE.match(language):
            raise SurveyConfigError(f"{where}: {language!r} is not a language code like en or sk")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_WORDING:
            raise SurveyConfigError(f"{where}.{language} must be text of 1 to {MAX_WORDING} characters")
    if "en" not in raw:
        raise SurveyConfigError(f"{where} needs an English (en) text: other languages fall back to it")
    return tuple((language, clean_text(text).strip()) for language, text in raw.items())


def _options(raw: Any, where: str) -> tuple[tuple[str, Wording], ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise SurveyConfigError(f"{where}.options must list 2 to {MAX_OPTIONS} options for kind = \"choice\"")
    out: list[tuple[str, Wording]] = []
    for i, spec in enumerate(raw):
        here = f"{where}.options[{i}]"
        if not isinstance(spec, dict) or set(spec) != {"value", "text"}:
            raise SurveyConfigError(f"{here} must be {{ value = \"...\", text = {{ en = \"...\" }} }}")
        value = spec["value"]
        if not isinstance(value, str) or not _KEY.match(value):
            raise SurveyConfigError(f"{here}.value must be 1 to 40 lower-case letters, digits or _")
        if value in dict(out):
            raise SurveyConfigError(f"{here}.value {value!r} appears twice")
        out.append((value, _wording(spec["text"], f"{here}.text")))
    return tuple(out)


def parse_question(raw: Any, where: str = "survey_question") -> SurveyQuestion | None:
    """A question from its config table; None when absent or ``false`` (no question). Strict: unknown
    keys, a missing English text or options that do not fit the kind stop the server at start-up."""
    if raw is None or raw is False:
        return None
    if not isinstance(raw, dict):
        raise SurveyConfigError(f"{where} must be a table (key, kind, text, ...) or false")
    unknown = set(raw) - {"key", "kind", "text", "options", "max_length"}
    if unknown:
        raise SurveyConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    key, kind = raw.get("key"), raw.get("kind")
    if not isinstance(key, str) or not _KEY.match(key):
        raise SurveyConfigError(f"{where}.key must be 1 to 40 lower-case letters, digits or _ (it names the"
                                " question in reports)")
    if kind not in KINDS:
        raise SurveyConfigError(f"{where}.kind must be one of: {', '.join(KINDS)}")
    text = _wording(raw.get("text"), f"{where}.text")
    if kind != "choice" and "options" in raw:
        raise SurveyConfigError(f"{where}.options is only for kind = \"choice\"")
    if kind != "text" and "max_length" in raw:
        raise SurveyConfigError(f"{where}.max_length is only for kind = \"text\"")
    max_length = raw.get("max_length", 500)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_ANSWER:
        raise SurveyConfigError(f"{where}.max_length must be a whole number from 1 to {MAX_TEXT_ANSWER}")
    options = _options(raw.get("options"), where) if kind == "choice" else YES_NO if kind == "yes_no" else ()
    return SurveyQuestion(key=key, kind=kind, text=text, options=options, max_length=max_length)


# -- answers ----------------------------------------------------------------------------------------
def parse_answer(question: SurveyQuestion | None, data: dict[str, Any], name: str = "answer") -> SurveyAnswer | None:
    """The visitor's answer checked against the question; None when they skipped it (it is optional)."""
    value = data.get(name)
    if value is None:
        return None
    if question is None:
        raise InvalidPayload("This chat's survey has no extra question to answer.", field=name)
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a string.", field=name, kind=question.kind)
    if question.kind == "text":
        if len(value) > 2 * question.max_length:  # refuse a huge string before normalising it
            raise TextTooLong(f"'{name}' is longer than {question.max_length} characters.", field=name,
                              limit=question.max_length)
        text = clean_text(value).strip()
        if len(text) > question.max_length:
            raise TextTooLong(f"'{name}' is longer than {question.max_length} characters.", field=name,
                              limit=question.max_length)
        return SurveyAnswer(question.key, question.kind, question.english, text) if text else None
    allowed = [v for v, _ in question.options]
    if value not in allowed:
        raise OutOfRange(f"'{name}' must be one of: {', '.join(allowed)}.", field=name, options=allowed)
    return SurveyAnswer(question.key, question.kind, question.english, value, question.label(value))
