"""Field checks for canned replies and assistant rules, shared by the REST API, import and the seed loader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import validation
from ..canned_models import CATEGORIES, SCOPES, CannedDraft, RuleDraft
from ..errors import InvalidPayload, MissingField
from . import placeholders

SHORTCUT_MAX = 32
TITLE_MAX = 120
DEPARTMENT_MAX = 80
NOTE_MAX = 500
PHRASE_MAX = 120
_SHORTCUT = re.compile(r"^\w[\w.-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Limits:
    """What a reply may contain: text length, and the department keys that exist (empty: any)."""

    text_max: int
    departments: tuple[str, ...] = ()


def language(data: dict[str, Any], name: str = "language", *, required: bool = True) -> str | None:
    value = validation.text(data, name, max_length=16, required=required)
    if value is None:
        return None
    value = value.lower().replace("_", "-")
    if not _LANGUAGE.match(value):
        raise InvalidPayload(f"'{name}' must be a language code such as en, ru or sk.", field=name)
    return value


def shortcut(data: dict[str, Any]) -> str:
    value = validation.text(data, "shortcut", max_length=SHORTCUT_MAX + 1)
    assert value is not None
    value = value.removeprefix("/").lower()
    if not value or len(value) > SHORTCUT_MAX or not _SHORTCUT.match(value):
        raise InvalidPayload(
            f"'shortcut' must be 1-{SHORTCUT_MAX} letters, digits, '-', '_' or '.', with no spaces (e.g. greet).",
            field="shortcut",
        )
    return value


def one_of(data: dict[str, Any], name: str, options: tuple[str, ...]) -> str:
    value = data.get(name)
    if value is None or value == "":
        raise MissingField(f"'{name}' is required.", field=name)
    if not isinstance(value, str) or value not in options:
        raise InvalidPayload(f"'{name}' must be one of: {', '.join(options)}.", field=name)
    return value


def reply_text(data: dict[str, Any], limits: Limits, name: str = "text") -> str:
    value = validation.text(data, name, max_length=limits.text_max)
    assert value is not None
    placeholders.check(value, name)
    return value


def draft(data: dict[str, Any], limits: Limits, *, owner_id: str | None) -> CannedDraft:
    """A complete reply from a JSON object (create, import). The scope decides which of department and
    owner is kept, so a global reply never carries a stale owner."""
    scope = one_of(data, "scope", SCOPES)
    department = None
    if scope == "department":
        department = validation.text(data, "department", max_length=DEPARTMENT_MAX)
        if limits.departments and department not in limits.departments:
            raise InvalidPayload(
                f"Unknown department {department!r}; departments: {', '.join(limits.departments)}.",
                field="department",
            )
    title = validation.text(data, "title", max_length=TITLE_MAX)
    assert title is not None
    return CannedDraft(
        shortcut=shortcut(data),
        title=title,
        text=reply_text(data, limits),
        category=one_of(data, "category", CATEGORIES),
        language=language(data) or "",
        scope=scope,
        department=department,
        owner_id=owner_id if scope == "personal" else None,
    )


def merged(current: CannedDraft, changes: dict[str, Any]) -> dict[str, Any]:
    """An update may send only the fields it changes; the rest keep their value."""
    base: dict[str, Any] = {
        "shortcut": current.shortcut,
        "title": current.title,
        "text": current.text,
        "category": current.category,
        "language": current.language,
        "scope": current.scope,
        "department": current.department,
    }
    for key in base:
        if key in changes:
            base[key] = changes[key]
    return base


def rule(data: dict[str, Any]) -> RuleDraft:
    phrase = validation.text(data, "phrase", max_length=PHRASE_MAX)
    reframe = validation.text(data, "reframe", max_length=1000)
    note = validation.text(data, "note", max_length=NOTE_MAX, required=False)
    assert phrase is not None and reframe is not None
    if not any(ch.isalnum() for ch in phrase):
        raise InvalidPayload("'phrase' must contain at least one letter or digit.", field="phrase")
    return RuleDraft(
        language=language(data) or "", phrase=" ".join(phrase.split()), reframe=reframe, note=note
    )
