"""Persistent storage behind one narrow interface; SQLite today, PostgreSQL for multi-process deployments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..config import Settings
from ..models import Agent, Conversation, Message, Rating, Visitor
from ..services.survey import SurveyAnswer


class Store(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> None: ...

    async def create_agent(
        self, *, email: str, name: str, role: str, password_hash: str, capacity: int | None, now: float
    ) -> Agent: ...
    async def get_agent(self, agent_id: str) -> Agent | None: ...
    async def get_agent_credentials(self, email: str) -> tuple[Agent, str] | None: ...
    async def count_agents(self) -> int: ...
    async def list_agents(self) -> list[Agent]: ...

    async def create_session(self, token_hash: str, agent_id: str, now: float, expires_at: float) -> None: ...
    async def get_session_agent(self, token_hash: str, now: float) -> Agent | None: ...
    async def delete_session(self, token_hash: str) -> None: ...

    async def create_visitor(self, token_hash: str, now: float) -> Visitor: ...
    async def get_visitor_by_token(self, token_hash: str) -> Visitor | None: ...

    async def create_conversation(
        self,
        *,
        visitor_id: str,
        name: str | None,
        email: str | None,
        page_url: str | None,
        first_text: str,
        client_id: str | None,
        now: float,
    ) -> Conversation: ...
    async def get_conversation(self, conversation_id: str, *, with_messages: bool = False) -> Conversation | None: ...
    async def find_visitor_conversation(self, visitor_id: str) -> Conversation | None: ...
    async def list_open_for_agent(self, agent_id: str) -> list[Conversation]: ...
    async def list_queued_ids(self) -> list[str]: ...
    async def count_open_for_agent(self, agent_id: str) -> int: ...
    async def assign_conversation(self, conversation_id: str, agent_id: str, now: float) -> bool: ...
    async def assign_many(self, pairs: Sequence[tuple[str, str, str]], now: float) -> dict[str, Message]: ...
    async def close_conversation(self, conversation_id: str, closed_by: str, now: float) -> bool: ...

    async def append_message(
        self,
        conversation_id: str,
        *,
        author_kind: str,
        author_id: str | None,
        author_name: str | None,
        text: str,
        client_id: str | None,
        now: float,
    ) -> tuple[Message, bool]: ...
    async def append_message_routed(
        self,
        conversation_id: str,
        *,
        author_kind: str,
        author_id: str | None,
        author_name: str | None,
        text: str,
        client_id: str | None,
        now: float,
    ) -> tuple[Message, bool, str | None]: ...
    async def messages_after(self, conversation_id: str, after_seq: int) -> list[Message]: ...

    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: float, scale: str = "stars5",
        survey: SurveyAnswer | None = None,
    ) -> Rating: ...
    async def get_rating(self, conversation_id: str) -> Rating | None: ...


def create_store(settings: Settings) -> Store:
    """SQLite in the data directory, or PostgreSQL when ``database_url`` is a postgresql:// URL."""
    from .database import SqliteDatabase, create_database
    from .sqlite import SqlStore
    from .sqlite_hot import SqliteStore

    database = create_database(settings)
    return SqliteStore(database) if isinstance(database, SqliteDatabase) else SqlStore(database)
