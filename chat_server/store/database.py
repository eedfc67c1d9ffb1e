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
# Past this many pages (4 KB each) the checkpointer stops waiting for a quiet moment (SqliteDatabase.checkpoint).
WAL_RESTART_PAGES = 16_384
# Passive rounds that may follow the first while the WAL is that big, and what they stop at.
CATCH_UP_ROUNDS = 3
CATCH_UP_PAGES = 1_024
PAGE_BYTES = 4096  # SQLite's default page size, which the database keeps
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


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLite said "busy" or "locked" (another connection holds the lock), not a real failure."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteDatabase:
    """One connection per process owns every write, serialised by a lock; WAL mode and a busy timeout
    let two server processes on one machine share the file. Transactions run in ``BEGIN IMMEDIATE``
    so the write lock is taken up front and a concurrent writer waits instead of failing half-way.

    The hot paths (a chat's messages, closes and assignments, group-committed; the reads of one
    conversation or one dispatch pass) run on a second connection, owned by the event loop, in
    place: a hop to aiosqlite's thread and back cost ~135 us of CPU against ~16 us for the query
    itself (docs/performance.md, "Drain, fourth pass"). That connection never waits (busy_timeout
    0): when another connection holds the write lock, or a multi-hop ``transaction()`` is in
    progress, the work goes to the thread as before, whose connection waits its turn. In WAL mode a
    reader never waits for a writer, and a write transaction here is a few statements with no await
    inside, so nothing can hold the loop for longer than the statements take."""

    dialect = SQLITE

    def __init__(self, path: Path, checkpoint_interval_s: float = CHECKPOINT_INTERVAL_S,
                 wal_restart_pages: int = WAL_RESTART_PAGES) -> None:
        self.path = path
        self.checkpoint_interval_s = checkpoint_interval_s
        self.wal_restart_pages = wal_restart_pages
        self._db: aiosqlite.Connection | None = None
        self._here: sqlite3.Connection | None = None  # the event loop's own connection
        self._lock = asyncio.Lock()
        self._checkpointer: asyncio.Task[None] | None = None
        # Set by the store: reads the pages its hot paths walk, on the loop's connection (rewarm).
        self.warm_up: Callable[[sqlite3.Connection], None] | None = None

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
        # Opened on the thread, where it may wait for a migration in progress; used on the loop.
        self._here = await self._db._execute(self._connect_here)
        self._checkpointer = asyncio.create_task(self._checkpoint_every(self.checkpoint_interval_s))

    def _connect_here(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        # Per connection; wal_autocheckpoint=0 keeps fsyncs off the loop, busy_timeout=0 (last) waits.
        for pragma in ("foreign_keys=ON", "synchronous=NORMAL", "wal_autocheckpoint=0", "busy_timeout=0"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    async def _checkpoint_every(self, interval_s: float) -> None:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout=10000")
            await conn.execute("PRAGMA synchronous=NORMAL")  # as the writers: its one write waits for no fsync
            # What the WAL file is cut back to when it starts over: one busy hour keeps no disk space.
            await conn.execute(f"PRAGMA journal_size_limit={self.wal_restart_pages * PAGE_BYTES}")
            while True:
                await asyncio.sleep(interval_s)
                try:
                    await self.checkpoint(conn)
                except sqlite3.Error as exc:  # e.g. the disk is full: the writers keep the WAL meanwhile
                    log.warning("WAL checkpoint failed: %s", exc)
        finally:
            await conn.close()

    async def checkpoint(self, conn: aiosqlite.Connection) -> None:
        """One checkpoint round on ``conn`` (the checkpointer's own connection, not the loop's).

        Passive copies run beside the writers. Writers that never pause outrun them, though: frames
        land behind every copy, so the WAL never starts over and grows by every page written (1 GB
        in 14 s of the 50-pair benchmark), and commits slow down as the file grows (8 -> 60 us a
        message, docs/performance.md, "Session 6"). Past ``wal_restart_pages``, a few more passive
        rounds each copy what landed during the one before, and then this process's writers wait on
        the write lock (they queue on ``_lock``, as behind a ``transaction()``, rather than poll
        SQLite's busy handler) while the last few pages are copied and the WAL starts over."""
        frames, copied = await on_thread(conn, _passive_checkpoint)
        for _ in range(CATCH_UP_ROUNDS):
            if frames <= self.wal_restart_pages or frames - copied <= CATCH_UP_PAGES:
                break
            frames, copied = await on_thread(conn, _passive_checkpoint)
        if frames > self.wal_restart_pages:
            async with self._lock:
                await on_thread(conn, _restart_checkpoint)
        elif frames == copied:
            await on_thread(conn, _start_wal_over)
        else:
            return
        self.rewarm()

    def rewarm(self) -> None:
        """Refill the loop connection's page cache after another connection wrote.

        SQLite drops a connection's whole page cache when it finds that another connection has
        written since its last transaction: the checkpointer's write that starts the WAL over, a
        search-index round on aiosqlite's thread. The next message's transaction then read every
        page it walks again, 220 against 75 us alone on one core (docs/performance.md, "Session
        8"). Reading the pages that every lookup shares here, right after that write, takes most
        of that off the message path. Skipped when the connection is busy: the cache is refilled
        by whatever uses it next, as before."""
        here, warm_up = self._here, self.warm_up
        if here is None or warm_up is None or here.in_transaction:
            return
        try:
            warm_up(here)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise

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
        if self._here is not None:
            self._here.close()
            self._here = None
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
        the hot paths (sqlite_hot.py), where each hop costs more CPU than the query."""
        return await on_thread(self.db, fn)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn``, which only reads and only a little (one conversation, one dispatch pass), on
        the loop's connection in place; on the thread only when SQLite is busy there."""
        here = self._here
        if here is not None:
            try:
                return fn(here)
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
        return await self.run(fn)

    async def run_in_transaction(self, fn: Callable[[sqlite3.Connection], T], *, here: bool = False) -> T:
        """``fn`` inside BEGIN IMMEDIATE ... COMMIT, the whole transaction one hop; the lock keeps it
        out of a multi-hop ``transaction()`` in progress. COMMIT has returned when this does.
        ``here``: a short transaction (no long loops, no big reads) that may run on the loop's
        connection in place when the write lock is free."""
        try:
            if here and self._here is not None and not self._lock.locked():
                try:
                    return _transaction(self._here, fn)
                except sqlite3.OperationalError as exc:
                    if not _busy(exc):
                        raise
            async with self._lock:
                return await self.run(lambda conn: _transaction(conn, fn))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def run_all_in_transaction(self, fns: Sequence[Callable[[sqlite3.Connection], T]], *,
                                     here: bool = False) -> list[T]:
        """Every ``fn`` in turn inside one BEGIN IMMEDIATE ... COMMIT, one hop: a group commit
        (group_commit.py). All or none: the first exception rolls the whole group back and is raised."""
        return await self.run_in_transaction(lambda conn: [fn(conn) for fn in fns], here=here)


async def on_thread(conn: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """``fn`` with ``conn``'s raw connection, in one hop to its thread. aiosqlite has no public call
    for this; ``_execute`` is the queue its own methods go through (0.17-0.22 at least; every
    message test fails if it goes away)."""
    return await conn._execute(fn, conn._conn)


def _passive_checkpoint(conn: sqlite3.Connection) -> tuple[int, int]:
    """Pages in the WAL, and how many of them are now in the database file."""
    _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(frames), int(copied)


def _start_wal_over(conn: sqlite3.Connection) -> None:
    """Make the first write after a complete checkpoint here, on the checkpointer's thread.

    That write starts the WAL over from its beginning, and SQLite fsyncs the new WAL header as it
    does so: 0.4-1.6 ms on this project's machines, paid inside whichever message's COMMIT came
    first. At 100 messages/s with a checkpoint every second that was the whole p99 of a message's
    round trip (docs/performance.md, "Session 6"). Rewriting the database header's ``user_version``
    with its own value is the smallest write there is. If the WAL is empty, or a writer came first,
    this only appends one page."""
    [(version,)] = conn.execute("PRAGMA user_version").fetchall()
    conn.execute(f"PRAGMA user_version = {int(version)}")


def _restart_checkpoint(conn: sqlite3.Connection) -> None:
    """Copy what is left with writers held back (RESTART waits for the write lock), then start over."""
    _, frames, copied = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    if frames == copied:
        _start_wal_over(conn)


def _transaction(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """BEGIN IMMEDIATE, ``fn``, COMMIT; anything raised after BEGIN rolls back first. A "busy" at
    BEGIN has done nothing, so the caller may run ``fn`` again elsewhere."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


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
