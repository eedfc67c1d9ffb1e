"""Plain records passed between the store, the services and the transports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .services.survey import SurveyAnswer


@dataclass(frozen=True)
class Agent:
    id: str
    email: str
    name: str
    role: str  # "agent" | "manager"
    capacity: int | None
    disabled: bool
    created_at: float
    departments: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class Visitor:
    id: str
    name: str | None
    email: str | None
    created_at: float


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    client_id: str | None
    author_kind: str  # "visitor" | "agent" | "system"
    author_id: str | None
    author_name: str | None
    text: str
    created_at: float


@dataclass(frozen=True)
class Rating:
    conversation_id: str
    score: int
    comment: str | None
    created_at: float
    scale: str = "stars5"  # what the visitor answered on; score is always 1..5 (services/ratings.py)
    survey: SurveyAnswer | None = None  # the extra question's answer, if one was asked and answered


@dataclass(frozen=True)
class Conversation:
    id: str
    visitor_id: str
    agent_id: str | None
    agent_name: str | None
    status: str  # "queued" | "assigned" | "closed"
    visitor_name: str | None
    visitor_email: str | None
    page_url: str | None
    created_at: float
    assigned_at: float | None
    closed_at: float | None
    closed_by: str | None
    last_seq: int
    page_title: str | None = None
    user_agent: str | None = None
    visitor_timezone: str | None = None
    outcome: str | None = None
    department: str | None = None
    language: str | None = None
    priority: int = 1
    was_offline: bool = False
    sla_breached_at: float | None = None
    messages: list[Message] = field(default_factory=list)
    rating: Rating | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True, slots=True)
class WriteGuard:
    """Who may write to a conversation, checked inside the write's own transaction: its visitor
    (``visitor_id``) or the agent it is assigned to (``agent_id``), and never once it is closed.
    Anything else makes a guarded append write nothing, and the caller takes the full check,
    which says why (not found, closed) and answers resends of messages stored before a close."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("visitor_id", "agent_id")
    column: str  # one of COLUMNS
    value: str

    def admits(self, head: Any) -> bool:
        return head is not None and head["status"] != "closed" and head[self.column] == self.value

    @staticmethod
    def where(column: str) -> str:
        """``admits`` as SQL on ``conversations``, with ``value`` as its one parameter: SQLite's
        message path tests it in the WHERE of its seq update, one statement fewer per message."""
        if column not in WriteGuard.COLUMNS:
            raise ValueError(f"no write guard on {column!r}")
        return f"status != 'closed' AND {column} = ?"


@dataclass(frozen=True, slots=True)
class Appended:
    """A guarded append's result: the message and what the sender needs of the conversation as of
    the commit, so the message path reads the conversation in the same transaction, not before it."""

    message: Message
    created: bool
    agent_id: str | None
    visitor_name: str | None
    visitor_email: str | None
    was_offline: bool

    @classmethod
    def of(cls, stored: tuple[Message, bool, str | None], head: Any) -> Appended:
        """From an append's (message, created, agent_id) and the guard's row of the conversation."""
        message, created, agent_id = stored
        return cls(message, created, agent_id, head["visitor_name"], head["visitor_email"], bool(head["was_offline"]))


@dataclass(frozen=True)
class Note:
    """Internal: agents and managers only, never sent to the visitor."""

    id: str
    conversation_id: str
    author_id: str
    author_name: str
    kind: str  # "note" | "handover" | "whisper"
    text: str
    created_at: float


@dataclass(frozen=True)
class FollowUp:
    id: str
    conversation_id: str
    agent_id: str
    due_date: str  # YYYY-MM-DD
    note: str | None
    created_at: float
    done_at: float | None
    done_by: str | None
    visitor_name: str | None = None
