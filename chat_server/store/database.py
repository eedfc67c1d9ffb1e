"""The database adapter under the stores: the handful of operations they use, for SQLite (aiosqlite)
and PostgreSQL (asyncpg, in postgres.py), so the stores hold one body of SQL for both.

The operations keep aiosqlite's names (``execute`` returning something with ``rowcount``,
``execute_fetchall``) so the stores read as before. Rows support ``row["column"]`` and ``row[0]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite
import asyncpg

from ..config import Settings
from ..errors import Unavailable
from .dialects import SQLITE, Dialect

log = logging.getLogger(__name__)
WAL_ATTEMPTS = 40
CHECKPOINT_INTERVAL_S = 1.0
T = TypeVar("T")
Row = Any  # aiosqlite.Row or asyncpg.Record: both index by name and by position
Params = Iterable[Any]


class IntegrityError(Exception):
    """A unique, foreign-key or check constraint refused a write, whichever database said so."""


# Errors meaning "the database is not answering right now": callers turn them into a 503 / an
# ``unavailable`` ack instead of a crash.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.OperationalError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,  # shutting down, restarting, not accepting connections yet
    asyncpg.TooManyConnectionsError,
    ConnectionError,
    TimeoutError,
)


@dataclass(frozen=True)
class Result:
    rowcount: int


class Connection(Protocol):
    async def execute(self, sql: str, params: Params = ()) -> Result: ...
    async def execute_fetchall(self, sql: str, params: Params = ()) -> Sequence[Row]: ...


class Database(Connection, Protocol):
    """Reads go straight to the database; writes go through ``transaction()``."""

    dialect: Dialect

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> None: ...
    def transaction(self) -> AbstractAsyncContextManager[Connection]: ...


class SqliteDatabase:
    """One connection per process owns every write, serialised by a lock; WAL mode and a busy timeout
    let two server processes on one machine share the file. Transactions run in ``BEGIN IMMEDIATE``
    so the write lock is taken up front and a concurrent writer waits instead of failing half-way."""

    dialect = SQLITE

    def __init__(self, path: Path, checkpoint_interval_s: float = CHECKPOINT_INTERVAL_S) -> None:
        self.path = path
        self.checkpoint_interval_s = checkpoint_interval_s
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._checkpointer: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        self._db.row_factory = aiosqlite.Row
        await self._db.execute("PRAGMA busy_timeout=10000")
        await self._wal()
        await self._db.execute("PRAGMA foreign_keys=ON")
        await self._db.execute("PRAGMA synchronous=NORMAL")
        # Commits append to the WAL without an fsync (synchronous=NORMAL: durable against a crash of
        # the process, as before). Copying the WAL back into the database does fsync, and SQLite's
        # automatic checkpoint does it inside whichever COMMIT crosses 1,000 pages: a message's ack
        # then waited for the disk (p99 4x the bare relay's, docs/performance.md). A passive
        # checkpoint on its own connection does that work beside the writers instead of in front of them.
        await self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._checkpointer = asyncio.create_task(self._checkpoint_every(self.checkpoint_interval_s))

    async def _checkpoint_every(self, interval_s: float) -> None:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout=10000")
            while True:
                await asyncio.sleep(interval_s)
                try:
                    await conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # e.g. the disk is full: the writers keep the WAL meanwhile
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            await conn.close()

    async def _wal(self) -> None:
        """Switch a new file to WAL. Two processes doing it at the same instant deadlock, and SQLite
        then fails one at once instead of waiting (busy_timeout does not apply): try again."""
        for attempt in range(WAL_ATTEMPTS):
            try:
                await self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError:
                if attempt == WAL_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        await cancel_and_wait(self._checkpointer)
        self._checkpointer = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise Unavailable("The database is not available.")
        return self._db

    async def ping(self) -> None:
        await self.db.execute_fetchall("SELECT 1")

    async def execute(self, sql: str, params: Params = ()) -> Result:
        try:
            cursor = await self.db.execute(sql, tuple(params))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        return Result(cursor.rowcount)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Sequence[Row]:
        try:
            return await self.db.execute_fetchall(sql, tuple(params))  # type: ignore[return-value]
        except sqlite3.IntegrityError as exc:  # an INSERT/UPDATE ... RETURNING
            raise IntegrityError(str(exc)) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` with the raw connection on aiosqlite's thread: several statements in one hop, for
        the hot paths (sqlite_hot.py), where each hop costs more CPU than the query. aiosqlite has no
        public call for this; ``_execute`` is the queue its own methods go through (0.17-0.22 at
        least; every message test fails if it goes away)."""
        db = self.db
        return await db._execute(fn, db._conn)

    async def run_in_transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` inside BEGIN IMMEDIATE ... COMMIT, the whole transaction one hop; the lock keeps it
        out of a multi-hop ``transaction()`` in progress. COMMIT has returned when this does."""

        def run(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        async with self._lock:
            try:
                return await self.run(run)
            except sqlite3.IntegrityError as exc:
                raise IntegrityError(str(exc)) from exc

    async def run_all_in_transaction(self, fns: Sequence[Callable[[sqlite3.Connection], T]]) -> list[T]:
        """Every ``fn`` in turn inside one BEGIN IMMEDIATE ... COMMIT, one hop: a group commit
        (group_commit.py). All or none: the first exception rolls the whole group back and is raised."""
        return await self.run_in_transaction(lambda conn: [fn(conn) for fn in fns])


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Stop a background round (checkpoints, search indexing) before its connection goes away."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_database(settings: Settings) -> Database:
    """PostgreSQL for a ``postgresql://`` URL, else the SQLite file (settings validated the URL)."""
    if settings.uses_postgres:
        from .postgres import PostgresDatabase

        return PostgresDatabase(settings.database_url)
    return SqliteDatabase(settings.sqlite_path)
