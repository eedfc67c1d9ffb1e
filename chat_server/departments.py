"""Departments and priority rules, read from config.toml tables.

A department says who may answer (agents list it among their departments), how chats are handed
out (automatic fair pick, or offered to one agent at a time), when it is open, how long a visitor
may wait before the chat is flagged (SLA), and what the visitor is told automatically.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .services.ratings import SCALES
from .services.survey import SurveyConfigError, SurveyQuestion, parse_question

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_KEY = re.compile(r"^[a-z0-9_-]{1,40}$")

DEFAULT_AUTOREPLY = {
    "en": "Thanks, {visitor.name}! Your message reached us; an agent will join in about {wait_minutes} minutes.",
    "ru": "Спасибо, {visitor.name}! Ваше сообщение получено; специалист подключится примерно через"
          " {wait_minutes} мин.",
    "sk": "Ďakujeme, {visitor.name}! Vaša správa k nám dorazila; agent sa pripojí približne o {wait_minutes} min.",
}
DEFAULT_OFFLINE_REPLY = {
    "en": "Thanks, {visitor.name}! We are away right now. Your message is saved and we will answer within"
          " {answer_within_h} hours, here and by email if you left one.",
    "ru": "Спасибо, {visitor.name}! Сейчас мы не в сети. Ваше сообщение сохранено, мы ответим в течение"
          " {answer_within_h} ч. здесь и на email, если вы его оставили.",
    "sk": "Ďakujeme, {visitor.name}! Momentálne nie sme online. Vaša správa je uložená a odpovieme do"
          " {answer_within_h} hodín, tu aj e-mailom, ak ste ho uviedli.",
}


class DepartmentConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Department:
    key: str
    name: str
    show_in_widget: bool = True
    assignment: str = "auto"  # "auto" | "offer"
    offer_timeout_s: int = 30
    language_fallback_s: int = 60
    max_wait_s: int = 300
    sla_broadcast: bool = False
    timezone: str = "UTC"
    hours: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()  # (day, ((start_min, end_min), ...))
    holidays: tuple[str, ...] = ()
    answer_within_h: int = 24
    autoreply: tuple[tuple[str, str], ...] = field(default=tuple(DEFAULT_AUTOREPLY.items()))
    offline_reply: tuple[tuple[str, str], ...] = field(default=tuple(DEFAULT_OFFLINE_REPLY.items()))
    rating_scale: str = ""  # the post-chat survey's scale; "" = the site's rating_scale setting
    # The survey's extra question: None = the site-wide survey_question, False = none in this department.
    survey_question: SurveyQuestion | bool | None = None

    def is_open(self, now: float) -> bool:
        """Inside business hours (no hours configured: always open) and not a holiday."""
        local = dt.datetime.fromtimestamp(now, ZoneInfo(self.timezone))
        if local.date().isoformat() in self.holidays:
            return False
        if not self.hours:
            return True
        spans = dict(self.hours).get(DAYS[local.weekday()], ())
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in spans)

    def text(self, which: str, language: str, default_language: str) -> str:
        texts = dict(self.autoreply if which == "autoreply" else self.offline_reply)
        return texts.get(language) or texts.get(default_language) or next(iter(texts.values()), "")

    def public(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name}


@dataclass(frozen=True)
class PriorityRule:
    """Moves a matching chat ahead; within one priority it is first come, first served."""

    when: str  # "returning_visitor" | "page_url" | "vip"
    priority: int
    pattern: str = ""

    def matches(self, *, returning: bool, page_url: str | None, vip: bool) -> bool:
        if self.when == "returning_visitor":
            return returning
        if self.when == "vip":
            return vip
        return bool(page_url and re.search(self.pattern, page_url))


def _hours(raw: Any, key: str) -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    if not isinstance(raw, dict):
        raise DepartmentConfigError(f"departments.{key}.hours must be a table of day = \"HH:MM-HH:MM\"")
    out = []
    for day, spec in raw.items():
        if day not in DAYS:
            raise DepartmentConfigError(f"departments.{key}.hours: unknown day {day!r}")
        spans = []
        for part in [p.strip() for p in str(spec).split(",") if p.strip()]:
            m = _SPAN.match(part)
            if not m:
                raise DepartmentConfigError(f"departments.{key}.hours.{day}: {part!r} is not HH:MM-HH:MM")
            a, b = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
            if not 0 <= a < b <= 24 * 60:
                raise DepartmentConfigError(f"departments.{key}.hours.{day}: {part!r} is not a valid span")
            spans.append((a, b))
        out.append((day, tuple(spans)))
    return tuple(out)


def _department_question(raw: Any, key: str) -> SurveyQuestion | bool:
    where = f"departments.{key}.survey_question"
    if raw is False:
        return False
    if raw is True:
        raise DepartmentConfigError(f"{where} must be a table, or false to ask no extra question")
    try:
        question = parse_question(raw, where)
    except SurveyConfigError as exc:
        raise DepartmentConfigError(str(exc)) from None
    assert question is not None
    return question


def parse_departments(raw: Any) -> tuple[Department, ...]:
    if raw in (None, {}):
        return (Department("general", "General"),)
    if not isinstance(raw, dict):
        raise DepartmentConfigError("departments must be tables: [departments.support]")
    found = []
    for key, spec in raw.items():
        if not _KEY.match(key) or not isinstance(spec, dict):
            raise DepartmentConfigError(f"department key {key!r} must be lower-case letters, digits, - or _")
        values = dict(spec)
        if "survey_question" in values:
            values["survey_question"] = _department_question(values["survey_question"], key)
        try:
            if "hours" in values:
                values["hours"] = _hours(values["hours"], key)
            if "holidays" in values:
                values["holidays"] = tuple(dt.date.fromisoformat(d).isoformat() for d in values["holidays"])
            for which, default in (("autoreply", DEFAULT_AUTOREPLY), ("offline_reply", DEFAULT_OFFLINE_REPLY)):
                if which in values:
                    values[which] = tuple({**default, **dict(values[which])}.items())
            ZoneInfo(values.get("timezone", "UTC"))
            department = Department(key=key, name=values.pop("name", key.title()), **values)
        except (TypeError, ValueError, ZoneInfoNotFoundError) as exc:
            raise DepartmentConfigError(f"departments.{key}: {exc}") from exc
        if department.assignment not in ("auto", "offer"):
            raise DepartmentConfigError(f"departments.{key}.assignment must be 'auto' or 'offer'")
        if department.rating_scale not in ("", *SCALES):
            raise DepartmentConfigError(f"departments.{key}.rating_scale must be one of: {', '.join(SCALES)}")
        found.append(department)
    return tuple(found)


def parse_priority_rules(raw: Any) -> tuple[PriorityRule, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        raise DepartmentConfigError("priority_rules must be an array of tables: [[priority_rules]]")
    rules = []
    for spec in raw:
        try:
            rule = PriorityRule(**spec)
        except TypeError as exc:
            raise DepartmentConfigError(f"priority_rules: {exc}") from exc
        if rule.when not in ("returning_visitor", "page_url", "vip") or not 1 <= rule.priority <= 9:
            raise DepartmentConfigError("priority_rules: 'when' is returning_visitor|page_url|vip, priority 1..9")
        if rule.when == "page_url":
            re.compile(rule.pattern)
        rules.append(rule)
    return tuple(rules)
