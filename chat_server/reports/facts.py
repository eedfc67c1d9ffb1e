"""Plain records the report store hands to the metrics: one conversation and everything about it
that a figure depends on, already joined, so ``metrics`` needs no database."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class ConversationFacts:
    id: str
    created_at: float
    closed_at: float | None
    closed_by: str | None
    participants: tuple[Participation, ...] = ()  # in joining order
    rating: RatingFact | None = None
    resolution: str | None = None  # "resolved" | "follow_up" once the outcome is recorded

    @property
    def handled(self) -> bool:
        return bool(self.participants)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def abandoned(self) -> bool:
        """The visitor gave up while still waiting in line."""
        return self.closed_by == "visitor" and not self.participants

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


@dataclass
class ReportFacts:
    """Everything one report needs for one date range."""

    conversations: list[ConversationFacts]
    qa: list[QaFact] = field(default_factory=list)
    missed_by_agent: dict[str, int] = field(default_factory=dict)
    canned_by_agent: dict[str, int] = field(default_factory=dict)
    suggestions_by_agent: dict[str, int] = field(default_factory=dict)
