"""Reports for people: who may see which rows, for which dates, as JSON rows or CSV.

Managers see every agent and the department totals; an agent sees only their own row, their own
days and the comments on chats they took part in (asking for someone else's is a 403).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import Clock, to_iso
from ..errors import Forbidden, InvalidPayload, NotFound
from ..models import Agent
from ..services.ratings import answer
from ..services.survey import SurveyQuestion
from ..store import Store
from ..store.reports import ReportStore
from ..validation import ID_PATTERN
from . import metrics, survey
from .csv import flatten
from .facts import ConversationFacts, ReportFacts
from .periods import DateRange, parse_range

COMMENT_COLUMNS = (
    "conversation_id", "rated_at", "score", "scale", "value", "comment", "question_key", "question", "answer", "agents",
)


class ReportService:
    def __init__(
        self,
        store: Store,
        reports: ReportStore,
        clock: Clock,
        default_tz: str,
        departments: list[tuple[str, str]],
        survey_questions: Iterable[SurveyQuestion] = (),
    ) -> None:
        self.store = store
        self.reports = reports
        self.clock = clock
        self.default_tz = default_tz
        self.department_names = dict(departments)  # key -> name, in config order
        self.survey_questions = tuple(survey_questions)

    def period(self, query: Mapping[str, str]) -> DateRange:
        return parse_range(query, default_tz=self.default_tz, now=self.clock.now())

    async def _facts(self, period: DateRange, query: Mapping[str, str]) -> ReportFacts:
        """The range's facts, limited to ``department=KEY`` when asked."""
        facts = await self.reports.facts(period.start_ts, period.end_ts)
        facts.questions = survey.questions(facts.conversations, self.survey_questions)
        department = query.get("department") or None
        if department is None:
            return facts
        if department not in self.department_names:
            raise InvalidPayload(f"Unknown department {department[:40]!r}.", field="department")
        return facts.only(lambda c: c.department == department)

    async def _subject(self, viewer: Agent, query: Mapping[str, str]) -> Agent | None:
        """The one agent a report is limited to: always the viewer for an agent; for a manager the
        ``agent_id`` asked for, or None for everyone."""
        wanted = query.get("agent_id") or None
        if wanted is not None and (
            len(wanted) > 40 or not ID_PATTERN.match(wanted) or not wanted.startswith("a_")
        ):
            raise InvalidPayload("'agent_id' is not an agent id.", field="agent_id")
        if not viewer.is_manager:
            if wanted is not None and wanted != viewer.id:
                raise Forbidden("Agents can only see their own report.")
            return viewer
        if wanted is None:
            return None
        agent = await self.store.get_agent(wanted)
        if agent is None:
            raise NotFound("No such agent.")
        return agent

    async def agents(self, viewer: Agent, query: Mapping[str, str]) -> dict[str, Any]:
        period = self.period(query)
        subject = await self._subject(viewer, query)
        facts = await self._facts(period, query)
        if subject is not None:
            people = [(subject.id, subject.name)]
        else:
            active = set(metrics.agent_tallies(facts))
            department = query.get("department")
            people = [
                (a.id, a.name)
                for a in await self.store.list_agents()
                if a.id in active
                or (not a.disabled and (not department or not a.departments or department in a.departments))
            ]
        return {**period.as_dict(), **_questions(facts), "agents": metrics.agent_rows(facts, people)}

    async def departments(self, viewer: Agent, query: Mapping[str, str]) -> dict[str, Any]:
        """One row per configured department (and any other key found in the data), then "all"."""
        if not viewer.is_manager:
            raise Forbidden("Department reports are for managers.")
        period = self.period(query)
        facts = await self._facts(period, query)
        names = dict(self.department_names)
        for c in facts.conversations:
            names.setdefault(c.department or "", c.department or "(none)")
        wanted = query.get("department")
        rows = [
            metrics.department_row(key, name, facts.only(in_department(key)))
            for key, name in names.items()
            if not wanted or key == wanted
        ]
        rows.append(metrics.department_row("all", "All departments", facts))
        return {**period.as_dict(), **_questions(facts), "departments": rows}

    async def daily(self, viewer: Agent, query: Mapping[str, str]) -> dict[str, Any]:
        period = self.period(query)
        subject = await self._subject(viewer, query)
        facts = await self._facts(period, query)
        rows = metrics.daily_rows(facts, period, subject.id if subject else None)
        return {**period.as_dict(), "days": rows}

    async def comments(self, viewer: Agent, query: Mapping[str, str]) -> dict[str, Any]:
        """Ratings that came with a comment or a written answer to the extra question, newest first,
        with the agents they credit."""
        period = self.period(query)
        subject = await self._subject(viewer, query)
        facts = await self._facts(period, query)
        names = {a.id: a.name for a in await self.store.list_agents()}
        rows = []
        for c in facts.conversations:
            agent_ids = [p.agent_id for p in c.participants]
            if c.rating is None or (subject and subject.id not in agent_ids):
                continue
            extra = c.rating.survey
            if not c.rating.comment and not (extra and extra.kind == "text"):
                continue
            rows.append(
                {
                    "conversation_id": c.id,
                    "rated_at": to_iso(c.rating.created_at),
                    "score": c.rating.score,
                    "scale": c.rating.scale,
                    "value": answer(c.rating.scale, c.rating.score),
                    "comment": c.rating.comment,
                    "question_key": extra.key if extra else None,
                    "question": extra.question if extra else None,
                    "answer": (extra.label or extra.answer) if extra else None,
                    "agents": [names.get(a, a) for a in agent_ids],
                }
            )
        rows.sort(key=lambda r: r["rated_at"], reverse=True)
        return {**period.as_dict(), "comments": rows}


def in_department(key: str) -> Callable[[ConversationFacts], bool]:
    return lambda c: (c.department or "") == key


def _questions(facts: ReportFacts) -> dict[str, Any]:
    """The extra survey questions the rows' ``survey`` figures are about (labels for the page)."""
    return {"survey_questions": [q.as_dict() for q in facts.questions]}


def columns(table: str, rows: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """CSV header for a table, the same whether or not it has rows, then the survey's columns (the
    same on every row of one report: reports/survey.py)."""
    empty = ReportFacts(conversations=[])
    one_day = DateRange(date(2000, 1, 1), date(2000, 1, 1), ZoneInfo("UTC"))
    template: dict[str, Any] = {
        "agents": lambda: metrics.agent_row("", "", metrics.Tally(), empty),
        "departments": lambda: metrics.department_row("", "", empty),
        "days": lambda: metrics.daily_rows(empty, one_day)[0],
        "comments": lambda: dict.fromkeys(COMMENT_COLUMNS),
    }[table]()
    fixed = list(flatten(template))
    return fixed + [name for name in (flatten(rows[0]) if rows else {}) if name not in fixed]
