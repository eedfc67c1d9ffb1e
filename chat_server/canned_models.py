"""Records for canned replies and the positive-language assistant, passed between store, services and views."""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("global", "department", "personal")
CATEGORIES = (
    "greeting",
    "clarifying",
    "empathy",
    "waiting",
    "escalation",
    "summarising",
    "closing",
    "apology",
    "other",
)


@dataclass(frozen=True)
class Actor:
    """Who made a change; None in its place means the system (the starter library)."""

    id: str
    name: str


@dataclass(frozen=True)
class CannedDraft:
    """The editable content of a reply: what every version snapshots and what import/export carry."""

    shortcut: str
    title: str
    text: str
    category: str
    language: str
    scope: str
    department: str | None
    owner_id: str | None

    @property
    def scope_key(self) -> str:
        """The uniqueness partition: shortcuts repeat freely across languages, departments and owners."""
        if self.scope == "personal":
            return self.owner_id or ""
        if self.scope == "department":
            return self.department or ""
        return ""

    def same_content(self, other: CannedDraft) -> bool:
        return content_tuple(self) == content_tuple(other)


def content_tuple(d: CannedDraft) -> tuple[str | None, ...]:
    return (d.shortcut, d.title, d.text, d.category, d.language, d.scope, d.department, d.owner_id)


def draft_of(d: CannedDraft) -> CannedDraft:
    """The plain content of a reply or version (drops ids, times and stats)."""
    return CannedDraft(*content_tuple(d))  # type: ignore[arg-type]


@dataclass(frozen=True)
class UsageSummary:
    count: int
    last_used_at: float | None
    average_rating: float | None
    rated_chats: int


NO_USAGE = UsageSummary(0, None, None, 0)


@dataclass(frozen=True)
class CannedResponse(CannedDraft):
    id: str
    version: int
    created_at: float
    updated_at: float
    deleted_at: float | None
    owner_name: str | None
    usage: UsageSummary


@dataclass(frozen=True)
class CannedVersion(CannedDraft):
    canned_response_id: str
    version: int
    action: str
    changed_by: str | None
    changed_by_name: str | None
    changed_at: float
    reverted_from: int | None


@dataclass(frozen=True)
class AgentUsage:
    agent_id: str
    name: str | None
    count: int
    last_used_at: float


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deleted: int


@dataclass(frozen=True)
class RuleDraft:
    language: str
    phrase: str
    reframe: str
    note: str | None


@dataclass(frozen=True)
class AssistantRule(RuleDraft):
    id: str
    updated_at: float


@dataclass(frozen=True)
class FeedbackRow:
    agent_id: str
    agent_name: str | None
    day: str
    shown: int
    accepted: int
    ignored: int
