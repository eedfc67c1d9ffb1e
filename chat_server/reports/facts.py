"""Plain records the report store hands to the metrics: one conversation and everything about it
that a figure depends on, already joined, so ``metrics`` needs no database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..services.survey import SurveyAnswer


@dataclass(frozen=True)
class Participation:
    """One agent's part in one conversation (transfers add more than one)."""

    agent_id: str
    joined_at: float
    first_reply_at: float | None  # the agent's first message after joining


@dataclass(frozen=True)
class RatingFact:
    score: int  # 1..5 whatever the scale (services/ratings.py)
    scale: str
    comment: str | None
    created_at: float
    survey: SurveyAnswer | None = None  # the extra question's answer, with its question's snapshot


@dataclass(frozen=True)
class ConversationFacts:
    id: str
    created_at: float
    closed_at: float | None
    closed_by: str | None
    participants: tuple[Participation, ...] = ()  # in joining order
    rating: RatingFact | None = None
    outcome: str | None = None  # "resolved" | "follow_up" (closed by an agent) | "abandoned"
    department: str | None = None

    @property
    def handled(self) -> bool:
        return bool(self.participants)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def abandoned(self) -> bool:
        """The visitor gave up while still waiting in line (or before anyone answered their message)."""
        return self.outcome == "abandoned" or (self.closed_by == "visitor" and not self.participants)

    @property
    def answered_at(self) -> float | None:
        """When the first agent joined: the end of the visitor's wait."""
        return self.participants[0].joined_at if self.participants else None


@dataclass(frozen=True)
class QaFact:
    conversation_id: str
    agent_id: str
    points: int
    max_points: int


@dataclass(frozen=True)
class AgentEvent:
    """Something an agent did (or failed to do) in a conversation: one missed offer, one canned
    reply used."""

    conversation_id: str
    agent_id: str


@dataclass(frozen=True)
class SurveyQuestionSummary:
    """One extra question as reports show it: its latest wording and every answer value seen or
    configured, in order, with its label."""

    key: str
    kind: str
    question: str
    options: tuple[tuple[str, str], ...] = ()  # (value, English label); empty for text questions

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "kind": self.kind, "question": self.question,
                "options": [{"value": v, "label": label} for v, label in self.options]}


@dataclass
class ReportFacts:
    """Everything one report needs for one date range."""

    conversations: list[ConversationFacts]
    qa: list[QaFact] = field(default_factory=list)
    missed: list[AgentEvent] = field(default_factory=list)
    canned: list[AgentEvent] = field(default_factory=list)
    # Assistant suggestions accepted, per agent. Counted per day, not per chat, so they cannot be
    # split by department: None once the facts are narrowed to some conversations.
    suggestions_by_agent: dict[str, int] | None = field(default_factory=dict)
    # The extra survey questions every row reports on, the same for every row so CSV columns line up
    # (reports/survey.py); kept by ``only``.
    questions: tuple[SurveyQuestionSummary, ...] = ()

    def only(self, keep: Callable[[ConversationFacts], bool]) -> ReportFacts:
        """The same facts restricted to some conversations (a department, one agent's days)."""
        conversations = [c for c in self.conversations if keep(c)]
        ids = {c.id for c in conversations}
        return ReportFacts(
            conversations=conversations,
            qa=[r for r in self.qa if r.conversation_id in ids],
            missed=[e for e in self.missed if e.conversation_id in ids],
            canned=[e for e in self.canned if e.conversation_id in ids],
            suggestions_by_agent=None,
            questions=self.questions,
        )
