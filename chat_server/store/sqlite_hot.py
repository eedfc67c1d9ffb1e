"""SQLite's hot paths as one synchronous call each, not a statement per adapter call.

Every chat message, every new browser's first connect and every conversation read go through these.
Through the adapter each statement is a hop to aiosqlite's thread and back (a queue put, a self-pipe
wake-up, a GIL hand-off), which cost more CPU than the queries: a message took five hops for its
transaction and three for the reads (docs/performance.md, "Message path work"). Each call here runs
on the event loop's own connection when SQLite is free, else in one hop to the thread
(``SqliteDatabase.read`` / ``run_in_transaction(here=True)``). The SQL is the shared store's; only
the way it reaches SQLite differs. PostgreSQL uses SqlStore's versions unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from ..ids import new_id
from ..models import Appended, Conversation, Message, Visitor, WriteGuard
from .database import SqliteDatabase, cancel_and_wait
from .group_commit import GroupCommit
from .sqlite import (
    INSERT_MESSAGE,
    INSERT_VISITOR,
    MESSAGE_BY_CLIENT_ID,
    MESSAGES_AFTER,
    RATING_SELECT,
    SqlStore,
    _conversation_row,
    _message,
    message_row,
    new_message,
    rating_from_row,
)
from .sqlite_workflow import CONVERSATION_SELECT

log = logging.getLogger(__name__)
# The next seq (sqlite.NEXT_SEQ, inside the write lock) beside the columns Appended needs, by a
# guarded append's check (WriteGuard: no row when the sender may not write) or by id alone.
SEQ_HEAD = ("SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = c.id) AS seq,"
            " agent_id, visitor_name, visitor_email, was_offline FROM conversations c WHERE id = ?")
GUARDED_HEAD = {column: f"{SEQ_HEAD} AND {WriteGuard.where(column)}" for column in WriteGuard.COLUMNS}
# Only messages_client can conflict (a resend): the seq is new.
INSERT_MESSAGE_ONCE = INSERT_MESSAGE + " ON CONFLICT DO NOTHING"
# The b-trees a message's transaction walks (GUARDED_HEAD, INSERT_MESSAGE_ONCE), each from its root
# to a leaf, in one read transaction (SqliteDatabase.rewarm). Conversation ids and client ids are
# random: a random key walks the interior pages every lookup shares. Rowids grow: new rows land on
# the last leaf, and the chats still talking are the newest.
WARM_UP = (
    "SELECT 1 FROM conversations WHERE id = ?",
    "SELECT 1 FROM messages WHERE conversation_id = ? AND seq = 0",
    "SELECT 1 FROM messages WHERE conversation_id = ? AND author_kind = 'visitor' AND client_id = ''",
)
WARM_UP_LAST = ("SELECT MAX(rowid) FROM conversations", "SELECT MAX(rowid) FROM messages")


def warm_up(db: sqlite3.Connection) -> None:
    key = new_id("c")
    db.execute("BEGIN")
    try:
        for sql in WARM_UP:
            db.execute(sql, (key,)).fetchall()
        for sql in WARM_UP_LAST:
            db.execute(sql).fetchall()
    finally:
        db.execute("COMMIT")


INDEX_INTERVAL_S = 5.0
CATCH_UP = (
    "INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ?"
)


class SqliteStore(SqlStore):
    def __init__(self, database: SqliteDatabase, index_interval_s: float = INDEX_INTERVAL_S) -> None:
        super().__init__(database)
        self.sqlite = database
        database.warm_up = warm_up
        self.appends = GroupCommit(database)
        self.index_interval_s = index_interval_s
        self._indexer: asyncio.Task[None] | None = None

    async def open(self) -> None:
        await super().open()
        self._indexer = asyncio.create_task(self._index_every(self.index_interval_s))

    async def close(self) -> None:
        await cancel_and_wait(self._indexer)
        self._indexer = None
        await super().close()

    async def index_messages(self) -> int:
        """Bring the full-text index up to the newest message (migration 0008); returns how many
        were added. Run before every search, so a search always sees every stored message, and in
        the background so that catch-up stays small."""

        def catch_up(db: sqlite3.Connection) -> int:
            [(through,)] = db.execute("SELECT indexed_through FROM fts_progress").fetchall()
            [(top,)] = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM messages").fetchall()
            if top <= through:
                return 0
            db.execute(CATCH_UP, (through, top))
            db.execute("UPDATE fts_progress SET indexed_through = ?", (top,))
            return int(top - through)

        added: int = await self.sqlite.run_in_transaction(catch_up)
        if added:  # written on the thread's connection: the loop's dropped its cache
            self.sqlite.rewarm()
        return added

    async def _index_every(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.index_messages()
            except Exception as exc:  # noqa: BLE001 - the next search or round catches up
                log.warning("indexing messages for search failed: %s", exc)

    async def search_conversations(self, **kwargs: Any) -> list[Conversation]:
        if kwargs.get("q"):
            await self.index_messages()
        return await super().search_conversations(**kwargs)

    async def create_visitor(self, token_hash: str, now: float) -> Visitor:
        visitor_id = new_id("v")
        # A burst of new browsers (a campaign, a reconnect storm) shares commits like messages do.
        await self.appends.run(lambda db: db.execute(INSERT_VISITOR, (visitor_id, token_hash, now)))
        return Visitor(id=visitor_id, name=None, email=None, created_at=now)

    async def get_conversation(self, conversation_id: str, *, with_messages: bool = False) -> Conversation | None:
        def read(db: sqlite3.Connection) -> Conversation | None:
            row = db.execute(CONVERSATION_SELECT + " WHERE c.id = ?", (conversation_id,)).fetchone()
            if row is None:
                return None
            messages = [_message(r) for r in db.execute(MESSAGES_AFTER, (conversation_id, 0))] if with_messages else []
            rating = db.execute(RATING_SELECT, (conversation_id,)).fetchone()
            return _conversation_row(row, messages, rating_from_row(rating) if rating else None)

        return await self.sqlite.read(read)

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
        def write(db: sqlite3.Connection) -> tuple[Message, bool, str | None]:
            return _append(db, conversation_id, author_kind, author_id, author_name, text, client_id, now)

        # Shares its transaction with the appends pending at the same time (group_commit.py).
        result: tuple[Message, bool, str | None] = await self.appends.run(write)
        return result

    async def append_guarded(
        self, conversation_id: str, guard: WriteGuard, *, author_kind: str, author_id: str | None,
        author_name: str | None, text: str, client_id: str | None, now: float,
    ) -> Appended | None:
        sql = GUARDED_HEAD[guard.column]

        def write(db: sqlite3.Connection) -> Appended | None:
            head = db.execute(sql, (conversation_id, guard.value)).fetchone()
            if head is None:  # not theirs, closed or unknown: nothing written, nothing to undo
                return None
            name = head["visitor_name"] if author_name is None else author_name
            stored = _insert(db, conversation_id, int(head["seq"]), head["agent_id"], author_kind, author_id,
                             name, text, client_id, now)
            return Appended.of(stored, head)

        result: Appended | None = await self.appends.run(write)
        return result


def _append(
    db: sqlite3.Connection, conversation_id: str, author_kind: str, author_id: str | None,
    author_name: str | None, text: str, client_id: str | None, now: float,
) -> tuple[Message, bool, str | None]:
    """SqlStore._append_in as one synchronous call (inside a group commit's transaction)."""
    [head] = db.execute(SEQ_HEAD, (conversation_id,)).fetchall()  # done before COMMIT
    seq, agent_id = head["seq"], head["agent_id"]
    return _insert(db, conversation_id, int(seq), agent_id, author_kind, author_id, author_name, text, client_id, now)


def _insert(
    db: sqlite3.Connection, conversation_id: str, seq: int, agent_id: str | None, author_kind: str,
    author_id: str | None, author_name: str | None, text: str, client_id: str | None, now: float,
) -> tuple[Message, bool, str | None]:
    """The message at ``seq``, the conversation's next; a resend (its ``client_id`` is stored)
    writes nothing and returns the first copy. Inserting first and looking only on a conflict
    spares every new message a lookup: each statement is tens of microseconds when the server is
    quiet, the case whose p99 the benchmark measures (docs/performance.md, "Session 7")."""
    message = new_message(conversation_id, seq, client_id, author_kind, author_id, author_name, text, now)
    if db.execute(INSERT_MESSAGE_ONCE, message_row(message)).rowcount:
        return message, True, agent_id
    row = db.execute(MESSAGE_BY_CLIENT_ID, (conversation_id, author_kind, client_id)).fetchone()
    if row is None:  # pragma: no cover - only messages_client can conflict: the seq is new
        raise sqlite3.IntegrityError("message conflicts with no stored copy")
    return _message(row), False, None
