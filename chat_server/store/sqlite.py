"""The chat store: one body of SQL over a database adapter (``database.py``), SQLite by default,
PostgreSQL when several server processes share one database. Multi-statement writes run in one
transaction (``_write``); see the adapters for how each database serialises writers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any

from ..errors import AlreadyRated, Conflict
from ..ids import new_id, new_message_id
from ..models import Agent, Appended, Conversation, Message, Rating, Visitor, WriteGuard
from ..services.survey import SurveyAnswer
from .database import Connection, Database, IntegrityError, Row
from .migrations import load_migrations
from .sqlite_assign import AssignStoreMixin
from .sqlite_workflow import CONVERSATION_SELECT, WorkflowStoreMixin

MESSAGES_AFTER = "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq"
MESSAGE_BY_CLIENT_ID = "SELECT * FROM messages WHERE conversation_id = ? AND author_kind = ? AND client_id = ?"
RATING_SELECT = "SELECT * FROM ratings WHERE conversation_id = ?"
INSERT_VISITOR = "INSERT INTO visitors (id, token_hash, created_at) VALUES (?, ?, ?)"
# A message's seq: the conversation's highest plus one (migration 0009). Read only after the
# conversation's row is locked (SEQ_LOCK, or an UPDATE of it), in a statement of its own: on
# PostgreSQL a statement sees what committed before it started, so the MAX must start after the lock
# is granted. SQLite's BEGIN IMMEDIATE already holds the only write lock.
SEQ_LOCK = "SELECT agent_id FROM conversations WHERE id = ?"
NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?"
# What a guarded append checks and returns (models.WriteGuard, Appended): one primary-key row.
GUARD_SELECT = (
    "SELECT status, visitor_id, agent_id, visitor_name, visitor_email, was_offline FROM conversations WHERE id = ?"
)
INSERT_MESSAGE = (
    "INSERT INTO messages (id, conversation_id, seq, client_id, author_kind, author_id,"
    " author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SqlStore(WorkflowStoreMixin, AssignStoreMixin):
    """Transcripts, agents, sessions, visitors and ratings in SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.dialect = database.dialect

    # -- lifecycle -----------------------------------------------------------------------------
    async def open(self) -> None:
        await self.database.open()
        await self.migrate()

    async def close(self) -> None:
        await self.database.close()

    @property
    def db(self) -> Database:
        return self.database

    def _write(self) -> AbstractAsyncContextManager[Connection]:
        return self.database.transaction()

    async def migrate(self) -> list[int]:
        """Apply pending migrations in order; safe when two processes start together."""
        applied: list[int] = []
        async with self._write() as db:
            if self.dialect.migration_lock:
                await db.execute(self.dialect.migration_lock)
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT)"
            )
            done = {row[0] for row in await db.execute_fetchall("SELECT version FROM schema_migrations")}
            for migration in load_migrations(self.dialect.name):
                if migration.version in done:
                    continue
                for statement in migration.statements:
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    (migration.version, migration.name),
                )
                applied.append(migration.version)
        return applied

    async def ping(self) -> None:
        await self.database.ping()

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.db.execute_fetchall(sql, tuple(params))
        return rows[0] if rows else None

    # -- agents --------------------------------------------------------------------------------
    async def create_agent(
        self, *, email: str, name: str, role: str, password_hash: str, capacity: int | None, now: float
    ) -> Agent:
        agent_id = new_id("a")
        try:
            async with self._write() as db:
                await db.execute(
                    "INSERT INTO agents (id, email, name, role, password_hash, capacity, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (agent_id, email, name, role, password_hash, capacity, now),
                )
        except IntegrityError:
            raise Conflict(f"An account with email {email} exists already.") from None
        agent = await self.get_agent(agent_id)
        assert agent is not None
        return agent

    async def get_agent(self, agent_id: str) -> Agent | None:
        row = await self._one("SELECT * FROM agents WHERE id = ?", (agent_id,))
        return _agent(row) if row else None

    async def get_agent_credentials(self, email: str) -> tuple[Agent, str] | None:
        row = await self._one("SELECT * FROM agents WHERE email = ?", (email,))
        return (_agent(row), row["password_hash"]) if row else None

    async def count_agents(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM agents")
        return int(row[0]) if row else 0

    async def list_agents(self) -> list[Agent]:
        rows = await self.db.execute_fetchall("SELECT * FROM agents ORDER BY name")
        return [_agent(r) for r in rows]

    # -- sessions ------------------------------------------------------------------------------
    async def create_session(self, token_hash: str, agent_id: str, now: float, expires_at: float) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash, agent_id, now, expires_at),
            )

    async def get_session_agent(self, token_hash: str, now: float) -> Agent | None:
        row = await self._one(
            "SELECT a.* FROM agent_sessions s JOIN agents a ON a.id = s.agent_id"
            " WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled = 0",
            (token_hash, now),
        )
        return _agent(row) if row else None

    async def delete_session(self, token_hash: str) -> None:
        async with self._write() as db:
            await db.execute("DELETE FROM agent_sessions WHERE token_hash = ?", (token_hash,))

    # -- visitors ------------------------------------------------------------------------------
    async def create_visitor(self, token_hash: str, now: float) -> Visitor:
        visitor_id = new_id("v")
        async with self._write() as db:
            await db.execute(INSERT_VISITOR, (visitor_id, token_hash, now))
        return Visitor(id=visitor_id, name=None, email=None, created_at=now)

    async def get_visitor_by_token(self, token_hash: str) -> Visitor | None:
        row = await self._one("SELECT * FROM visitors WHERE token_hash = ?", (token_hash,))
        if row is None:
            return None
        return Visitor(id=row["id"], name=row["name"], email=row["email"], created_at=row["created_at"])

    # -- conversations -------------------------------------------------------------------------
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
        context: dict[str, Any] | None = None,
    ) -> Conversation:
        """The conversation and its first message land together or not at all. ``context`` carries
        what the widget told us (page title, time zone, browser) and the routing decision
        (department, language, priority, and status 'offline' when nobody can answer now)."""
        conversation_id = new_id("c")
        context = context or {}
        status = context.get("status", "queued")
        async with self._write() as db:
            await db.execute(
                "INSERT INTO conversations (id, visitor_id, status, visitor_name, visitor_email, page_url,"
                " page_title, user_agent, visitor_timezone, department, language, priority, was_offline,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, visitor_id, status, name, email, page_url, context.get("page_title"),
                 context.get("user_agent"), context.get("timezone"), context.get("department"),
                 context.get("language"), context.get("priority", 1), int(status == "offline"), now),
            )
            await db.execute(
                "INSERT INTO messages (id, conversation_id, seq, client_id, author_kind, author_id,"
                " author_name, text, created_at) VALUES (?, ?, 1, ?, 'visitor', ?, ?, ?, ?)",
                (new_message_id(), conversation_id, client_id, visitor_id, name, first_text, now),
            )
            if name or email:
                await db.execute(
                    "UPDATE visitors SET name = COALESCE(?, name), email = COALESCE(?, email) WHERE id = ?",
                    (name, email, visitor_id),
                )
        conversation = await self.get_conversation(conversation_id, with_messages=True)
        assert conversation is not None
        return conversation

    async def get_conversation(self, conversation_id: str, *, with_messages: bool = False) -> Conversation | None:
        row = await self._one(CONVERSATION_SELECT + " WHERE c.id = ?", (conversation_id,))
        if row is None:
            return None
        return await self._conversation(row, with_messages)

    async def _conversation(self, row: Row, with_messages: bool) -> Conversation:
        messages = await self.messages_after(row["id"], 0) if with_messages else []
        return _conversation_row(row, messages, await self.get_rating(row["id"]))

    async def find_visitor_conversation(self, visitor_id: str) -> Conversation | None:
        """The open conversation, else the latest closed one still waiting for its rating."""
        row = await self._one(
            CONVERSATION_SELECT + " WHERE c.visitor_id = ? AND c.status != 'closed'"
            " ORDER BY c.created_at DESC LIMIT 1",
            (visitor_id,),
        )
        if row is None:
            row = await self._one(
                CONVERSATION_SELECT + " LEFT JOIN ratings r ON r.conversation_id = c.id"
                " WHERE c.visitor_id = ? AND c.status = 'closed' AND r.conversation_id IS NULL"
                " ORDER BY c.closed_at DESC LIMIT 1",
                (visitor_id,),
            )
        return await self._conversation(row, True) if row else None

    async def list_open_for_agent(self, agent_id: str) -> list[Conversation]:
        rows = await self.db.execute_fetchall(
            CONVERSATION_SELECT + " WHERE c.agent_id = ? AND c.status = 'assigned' ORDER BY c.assigned_at",
            (agent_id,),
        )
        return [await self._conversation(r, True) for r in rows]

    async def list_queued_ids(self) -> list[str]:
        rows = await self.db.execute_fetchall(
            "SELECT id FROM conversations WHERE status = 'queued' ORDER BY created_at"
        )
        return [r[0] for r in rows]

    async def count_open_for_agent(self, agent_id: str) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM conversations WHERE agent_id = ? AND status = 'assigned'", (agent_id,)
        )
        return int(row[0]) if row else 0

    async def assign_conversation(self, conversation_id: str, agent_id: str, now: float) -> bool:
        """Record the queue's decision; False when the conversation is no longer queued."""
        return await self._take(conversation_id, agent_id, now, from_status="queued")

    async def _take(self, conversation_id: str, agent_id: str, now: float, *, from_status: str) -> bool:
        """Make the conversation this agent's if it is still in ``from_status``; they take part."""
        return await self._hand_to(
            conversation_id, agent_id, now,
            "UPDATE conversations SET agent_id = ?, status = 'assigned', assigned_at = ? WHERE id = ? AND status = ?",
            (from_status,),
        )

    async def _hand_to(
        self, conversation_id: str, agent_id: str, now: float, update: str, extra: tuple[Any, ...]
    ) -> bool:
        """Run ``update`` (parameters: agent, now, conversation, *extra); when it changed the row, the
        agent takes part in the conversation (reports credit everyone who did)."""
        async with self._write() as db:
            cursor = await db.execute(update, (agent_id, now, conversation_id, *extra))
            if cursor.rowcount != 1:
                return False
            await db.execute(
                "INSERT INTO conversation_agents (conversation_id, agent_id, joined_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (conversation_id, agent_id, now),
            )
        return True

    async def close_conversation(
        self, conversation_id: str, closed_by: str, now: float, outcome: str | None = None
    ) -> bool:
        """False when it was closed already (a second close is a no-op, not an error). On SQLite
        it shares one transaction and one hop with the closes, assignments and messages pending
        at the same time (group_commit.py), not three hops (BEGIN, UPDATE, COMMIT) of its own."""
        sql = ("UPDATE conversations SET status = 'closed', closed_at = ?, closed_by = ?, outcome = ?"
               " WHERE id = ? AND status != 'closed'")
        params = (now, closed_by, outcome, conversation_id)
        group = getattr(self, "appends", None)  # SQLite's group commit (sqlite_hot.SqliteStore)
        if group is not None:
            changed: int = await group.run(lambda db: db.execute(sql, params).rowcount)
            return changed == 1
        async with self._write() as db:
            cursor = await db.execute(sql, params)
        return cursor.rowcount == 1

    # -- messages ------------------------------------------------------------------------------
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
    ) -> tuple[Message, bool, str | None]:
        """Store a message with the next seq. Returns (message, created, agent_id); a known client_id
        returns the stored copy with created=False (and no agent). ``agent_id`` is the conversation's
        agent as of the commit, so the message can be broadcast without reading the conversation
        again. Read inside the write transaction, it cannot miss an assignment or transfer: one
        committed before this append is seen here; one committed after it loads a transcript that
        already holds this message."""
        async with self._write() as db:
            if self.dialect.for_update:  # PostgreSQL: one writer per conversation from here on
                await db.execute("SELECT 1 FROM conversations WHERE id = ?" + self.dialect.for_update,
                                 (conversation_id,))
            return await self._append_in(db, conversation_id, author_kind, author_id, author_name, text,
                                         client_id, now)

    async def append_guarded(
        self, conversation_id: str, guard: WriteGuard, *, author_kind: str, author_id: str | None,
        author_name: str | None, text: str, client_id: str | None, now: float,
    ) -> Appended | None:
        """``append_message`` if ``guard`` admits the writer (checked in the same transaction, so
        no separate read of the conversation per message); None, writing nothing, if not. A visitor's
        ``author_name`` of None is the conversation's visitor name."""
        async with self._write() as db:
            rows = await db.execute_fetchall(GUARD_SELECT + self.dialect.for_update, (conversation_id,))
            head = rows[0] if rows else None
            if not guard.admits(head):
                return None
            name = head["visitor_name"] if author_name is None else author_name
            stored = await self._append_in(db, conversation_id, author_kind, author_id, name, text, client_id, now)
        return Appended.of(stored, head)

    async def _append_in(
        self, db: Connection, conversation_id: str, author_kind: str, author_id: str | None,
        author_name: str | None, text: str, client_id: str | None, now: float,
    ) -> tuple[Message, bool, str | None]:
        if client_id is not None:
            existing = await self._find_by_client_id(conversation_id, author_kind, client_id)
            if existing is not None:
                return existing, False, None
        [(agent_id,)] = await db.execute_fetchall(SEQ_LOCK + self.dialect.for_update, (conversation_id,))
        [(seq,)] = await db.execute_fetchall(NEXT_SEQ, (conversation_id,))
        message = new_message(conversation_id, int(seq), client_id, author_kind, author_id, author_name, text, now)
        await db.execute(INSERT_MESSAGE, message_row(message))
        return message, True, agent_id

    async def _find_by_client_id(self, conversation_id: str, author_kind: str, client_id: str) -> Message | None:
        row = await self._one(MESSAGE_BY_CLIENT_ID, (conversation_id, author_kind, client_id))
        return _message(row) if row else None

    async def messages_after(self, conversation_id: str, after_seq: int) -> list[Message]:
        rows = await self.db.execute_fetchall(MESSAGES_AFTER, (conversation_id, after_seq))
        return [_message(r) for r in rows]

    # -- ratings -------------------------------------------------------------------------------
    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: float, scale: str = "stars5",
        survey: SurveyAnswer | None = None,
    ) -> Rating:
        a = survey
        try:
            async with self._write() as db:
                await db.execute(
                    "INSERT INTO ratings (conversation_id, score, comment, created_at, scale, survey_key,"
                    " survey_kind, survey_question, survey_answer, survey_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (conversation_id, score, comment, now, scale, a and a.key, a and a.kind, a and a.question,
                     a and a.answer, a and a.label),
                )
        except IntegrityError:
            raise AlreadyRated("This conversation has been rated already.") from None
        return Rating(conversation_id, score, comment, now, scale, survey)

    async def get_rating(self, conversation_id: str) -> Rating | None:
        row = await self._one(RATING_SELECT, (conversation_id,))
        return rating_from_row(row) if row else None


def rating_from_row(row: Row) -> Rating:
    return Rating(row["conversation_id"], row["score"], row["comment"], row["created_at"], row["scale"],
                  survey_answer(row))


def new_message(
    conversation_id: str, seq: int, client_id: str | None, author_kind: str, author_id: str | None,
    author_name: str | None, text: str, now: float,
) -> Message:
    return Message(id=new_message_id(), conversation_id=conversation_id, seq=seq, client_id=client_id,
                   author_kind=author_kind, author_id=author_id, author_name=author_name, text=text, created_at=now)


def message_row(m: Message) -> tuple[Any, ...]:
    """INSERT_MESSAGE's parameters."""
    return (m.id, m.conversation_id, m.seq, m.client_id, m.author_kind, m.author_id, m.author_name, m.text,
            m.created_at)


def survey_answer(row: Row) -> SurveyAnswer | None:
    """The survey_* columns of a ratings row (migration 0007) as an answer, or None."""
    if row["survey_key"] is None:
        return None
    return SurveyAnswer(row["survey_key"], row["survey_kind"], row["survey_question"], row["survey_answer"],
                        row["survey_label"])


def _agent(row: Row) -> Agent:
    return Agent(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=row["role"],
        capacity=row["capacity"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        departments=tuple(json.loads(row["departments"])),
        languages=tuple(json.loads(row["languages"])),
    )


def _message(row: Row) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        seq=row["seq"],
        client_id=row["client_id"],
        author_kind=row["author_kind"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        text=row["text"],
        created_at=row["created_at"],
    )


def _conversation_row(row: Row, messages: list[Message], rating: Rating | None) -> Conversation:
    return Conversation(
        id=row["id"],
        visitor_id=row["visitor_id"],
        agent_id=row["agent_id"],
        agent_name=row["agent_name"],
        status=row["status"],
        visitor_name=row["visitor_name"],
        visitor_email=row["visitor_email"],
        page_url=row["page_url"],
        created_at=row["created_at"],
        assigned_at=row["assigned_at"],
        closed_at=row["closed_at"],
        closed_by=row["closed_by"],
        last_seq=row["last_seq"],
        page_title=row["page_title"],
        user_agent=row["user_agent"],
        visitor_timezone=row["visitor_timezone"],
        outcome=row["outcome"],
        department=row["department"],
        language=row["language"],
        priority=row["priority"],
        was_offline=bool(row["was_offline"]),
        sla_breached_at=row["sla_breached_at"],
        messages=messages,
        rating=rating,
    )
