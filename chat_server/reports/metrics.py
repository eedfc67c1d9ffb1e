"""Every report figure, computed from plain facts (``facts.py``) with no I/O.

Definitions (docs/reports.md has them for readers):
- A conversation belongs to the range in which it *started* (``created_at``).
- handled: an agent took part (every participant of a transferred chat is credited).
- wait: first agent joined − started; credited to that first agent.
- first response: an agent's first message − when that agent joined.
- handle time: from joining until the chat closed or the next agent joined (a transfer).
- ratings credit every participant; response rate = rated / closed (handled chats only: a visitor
  who left the queue was never asked); positive = 4–5, negative = 1–2.
- Averages are arithmetic means; p90 is the nearest-rank 90th percentile. Seconds are rounded to
  0.1, the rating average to 0.01, rates and QA scores as documented on each function.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..services.ratings import is_negative, is_positive
from ..services.survey import SurveyAnswer
from .facts import AgentEvent, ConversationFacts, QaFact, ReportFacts, SurveyQuestionSummary
from .periods import DateRange
from .survey import distribution


def mean(values: Sequence[float], digits: int = 1) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def p90(values: Sequence[float]) -> float | None:
    """Nearest rank: the smallest value with at least 90% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


def timing(values: Sequence[float]) -> dict[str, float | None]:
    return {"avg": mean(values), "p90": p90(values)}


@dataclass
class Tally:
    """Raw numbers gathered for one row (an agent, a department, a day) before summarising."""

    handled: int = 0
    closed: int = 0
    abandoned: int = 0
    waits: list[float] = field(default_factory=list)
    first_responses: list[float] = field(default_factory=list)
    handle_times: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)
    answers: list[SurveyAnswer] = field(default_factory=list)  # the survey's extra question
    resolved: int = 0
    follow_up: int = 0
    qa: list[QaFact] = field(default_factory=list)

    def add_rating(self, c: ConversationFacts) -> None:
        if c.rating is not None:
            self.scores.append(c.rating.score)
            if c.rating.survey is not None:
                self.answers.append(c.rating.survey)

    def add_outcome(self, c: ConversationFacts) -> None:
        self.resolved += c.outcome == "resolved"
        self.follow_up += c.outcome == "follow_up"


def ratings(scores: Sequence[int], closed: int) -> dict[str, Any]:
    """Response rate to 0.001; average on the 1..5 axis to 0.01."""
    return {
        "count": len(scores),
        "average": mean(scores, 2),
        "response_rate": round(len(scores) / closed, 3) if closed else None,
        "positive": sum(1 for s in scores if is_positive(s)),
        "negative": sum(1 for s in scores if is_negative(s)),
    }


def qa_summary(reviews: Sequence[QaFact]) -> dict[str, Any]:
    """score: the mean of each review's points as a percentage of its maximum, to 0.1."""
    percents = [100 * r.points / r.max_points for r in reviews if r.max_points]
    return {"reviewed": len(reviews), "score": mean(percents)}


def _common(t: Tally, questions: Sequence[SurveyQuestionSummary]) -> dict[str, Any]:
    return {
        "wait_s": timing(t.waits),
        "first_response_s": timing(t.first_responses),
        "handle_s": {"avg": mean(t.handle_times)},
        "resolution": {"resolved": t.resolved, "follow_up": t.follow_up},
        "ratings": ratings(t.scores, t.closed),
        "qa": qa_summary(t.qa),
        "survey": distribution(t.answers, questions),
    }


# -- by agent -------------------------------------------------------------------------------------
def agent_tallies(facts: ReportFacts) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for c in facts.conversations:
        for i, p in enumerate(c.participants):
            t = tallies.setdefault(p.agent_id, Tally())
            t.handled += 1
            t.add_outcome(c)
            if i == 0:
                t.waits.append(p.joined_at - c.created_at)
            if p.first_reply_at is not None:
                t.first_responses.append(p.first_reply_at - p.joined_at)
            if c.closed_at is not None:
                t.closed += 1
                until = c.participants[i + 1].joined_at if i + 1 < len(c.participants) else c.closed_at
                t.handle_times.append(max(0.0, min(until, c.closed_at) - p.joined_at))
            t.add_rating(c)
    for review in facts.qa:
        tallies.setdefault(review.agent_id, Tally()).qa.append(review)
    for event in facts.missed:
        tallies.setdefault(event.agent_id, Tally())  # missed offers alone make an agent active
    return tallies


def _count(events: Iterable[AgentEvent], agent_id: str) -> int:
    return sum(1 for e in events if e.agent_id == agent_id)


def agent_row(agent_id: str, name: str, t: Tally, facts: ReportFacts) -> dict[str, Any]:
    return {
        "agent_id": agent_id,
        "name": name,
        "chats_handled": t.handled,
        "chats_missed": _count(facts.missed, agent_id),
        **_common(t, facts.questions),
        "canned_used": _count(facts.canned, agent_id),
        "suggestions_used": (
            None if facts.suggestions_by_agent is None else facts.suggestions_by_agent.get(agent_id, 0)
        ),
    }


def agent_rows(facts: ReportFacts, agents: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """One row per (agent id, name) given, zeros for agents with nothing in the range."""
    tallies = agent_tallies(facts)
    return [agent_row(agent_id, name, tallies.get(agent_id, Tally()), facts) for agent_id, name in agents]


# -- by department ------------------------------------------------------------------------------
def conversation_tally(conversations: Iterable[ConversationFacts], qa: Sequence[QaFact] = ()) -> Tally:
    """Per conversation, not per agent: a transferred chat counts once."""
    t = Tally(qa=list(qa))
    for c in conversations:
        t.abandoned += c.abandoned
        answered = c.answered_at
        if answered is None:
            continue  # nobody handled it: no wait, reply, handle time or rating to credit
        t.handled += 1
        t.add_outcome(c)
        t.closed += c.closed
        t.add_rating(c)
        t.waits.append(answered - c.created_at)
        replies = [p.first_reply_at for p in c.participants if p.first_reply_at is not None]
        if replies:
            t.first_responses.append(min(replies) - answered)
        if c.closed_at is not None:
            t.handle_times.append(max(0.0, c.closed_at - answered))
    return t


def department_row(department_id: str, name: str, facts: ReportFacts) -> dict[str, Any]:
    t = conversation_tally(facts.conversations, facts.qa)
    return {
        "department_id": department_id,
        "name": name,
        "chats": len(facts.conversations),
        "chats_handled": t.handled,
        "chats_missed": len(facts.missed),
        "chats_abandoned": t.abandoned,
        **_common(t, facts.questions),
        "canned_used": len(facts.canned),
        "suggestions_used": (
            None if facts.suggestions_by_agent is None else sum(facts.suggestions_by_agent.values())
        ),
    }


# -- by day (charts) -----------------------------------------------------------------------------
def daily_rows(facts: ReportFacts, period: DateRange, agent_id: str | None = None) -> list[dict[str, Any]]:
    """One row per local day of the range; with ``agent_id`` only that agent's conversations."""
    by_day: dict[str, list[ConversationFacts]] = {d.isoformat(): [] for d in period.days()}
    for c in facts.conversations:
        if agent_id is not None and all(p.agent_id != agent_id for p in c.participants):
            continue
        by_day.setdefault(period.local_date(c.created_at).isoformat(), []).append(c)
    rows = []
    for day, conversations in by_day.items():
        t = conversation_tally(conversations)
        rows.append(
            {
                "date": day,
                "chats": len(conversations),
                "chats_handled": t.handled,
                "chats_abandoned": t.abandoned,
                "wait_s_avg": mean(t.waits),
                "ratings_count": len(t.scores),
                "ratings_average": mean(t.scores, 2),
            }
        )
    return rows
