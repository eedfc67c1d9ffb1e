"""Storage interfaces for canned replies and the assistant, kept apart from the chat ``Store`` so that
area stays small. The implementations share the main store's database and transactions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..canned_models import (
    Actor,
    AgentUsage,
    AssistantRule,
    CannedDraft,
    CannedResponse,
    CannedVersion,
    FeedbackRow,
    ImportResult,
    RuleDraft,
)
from . import Store


class CannedStore(Protocol):
    async def list(
        self,
        *,
        visible_to: str | None = None,
        language: str | None = None,
        category: str | None = None,
        scope: str | None = None,
    ) -> list[CannedResponse]: ...
    async def get(self, reply_id: str, *, include_deleted: bool = False) -> CannedResponse | None: ...
    async def history(self, reply_id: str) -> list[CannedVersion]: ...
    async def count_all(self) -> int: ...
    async def create(self, draft: CannedDraft, *, by: Actor | None, now: float) -> CannedResponse: ...
    async def update(
        self,
        reply_id: str,
        draft: CannedDraft,
        *,
        by: Actor | None,
        now: float,
        expected_version: int | None = None,
        action: str = "update",
        reverted_from: int | None = None,
    ) -> CannedResponse: ...
    async def delete(self, reply_id: str, *, by: Actor | None, now: float) -> None: ...
    async def import_library(
        self, drafts: Sequence[CannedDraft], *, replace: bool, by: Actor | None, now: float, action: str
    ) -> ImportResult: ...
    async def mark_seeded(self, name: str, now: float) -> bool: ...
    async def record_usage(
        self, reply_id: str, agent_id: str, conversation_id: str | None, now: float
    ) -> None: ...
    async def usage_by_agent(self, reply_id: str) -> list[AgentUsage]: ...


class AssistantStore(Protocol):
    async def list_rules(self, language: str | None = None) -> list[AssistantRule]: ...
    async def get_rule(self, rule_id: str) -> AssistantRule | None: ...
    async def create_rule(self, draft: RuleDraft, *, by: str | None, now: float) -> AssistantRule: ...
    async def update_rule(
        self, rule_id: str, draft: RuleDraft, *, by: str | None, now: float
    ) -> AssistantRule: ...
    async def delete_rule(self, rule_id: str) -> AssistantRule: ...
    async def seed_rules(self, drafts: Sequence[RuleDraft], now: float) -> int: ...
    async def add_feedback(
        self, agent_id: str, day: str, shown: int, accepted: int, ignored: int
    ) -> None: ...
    async def feedback(self, since_day: str, agent_id: str | None = None) -> list[FeedbackRow]: ...


def create_canned_stores(store: Store) -> tuple[CannedStore, AssistantStore]:
    from .sqlite import SqlStore
    from .sqlite_assistant import SqliteAssistantStore
    from .sqlite_canned import SqliteCannedStore

    if not isinstance(store, SqlStore):  # pragma: no cover - every database goes through SqlStore
        raise TypeError(f"no canned-reply storage for {type(store).__name__}")
    return SqliteCannedStore(store), SqliteAssistantStore(store)
