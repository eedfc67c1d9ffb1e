"""PostgreSQL through an asyncpg pool, so several server processes (on several machines) share one
database. The stores' SQL uses ``?`` placeholders; they are numbered ``$1..$n`` here once per
statement text and cached. Inside ``transaction()`` every call of the same task, reads included,
goes to the transaction's connection (a context variable), as on SQLite's single connection."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from ..errors import Unavailable
from .database import Connection, IntegrityError, Params, Result, Row
from .dialects import POSTGRES

# Pool bounds per process: connections open on demand; ten cover a busy process without letting a few
# workers exhaust PostgreSQL's default max_connections of 100.
POOL_MIN, POOL_MAX = 1, 10
CONNECT_TIMEOUT_S = 10
PING_TIMEOUT_S = 5

_LITERAL_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?")
# The (database, connection) of the transaction the current task is in. A context variable is
# per-task, so concurrent requests never see each other's transaction.
_CURRENT: ContextVar[tuple[PostgresDatabase, asyncpg.Connection] | None] = ContextVar(
    "chat_postgres_transaction", default=None
)


def number_placeholders(sql: str) -> str:
    """``?`` -> ``$1``, ``$2``...; a ``?`` inside a quoted literal stays."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() != "?":
            return match.group()
        count += 1
        return f"${count}"

    return _LITERAL_OR_MARK.sub(number, sql)


def describe(url: str) -> str:
    """host:port/database as user, without the password, for error messages."""
    parts = urlsplit(url)
    user = f" as {parts.username}" if parts.username else ""
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}{user}"


def _rowcount(status: str) -> int:
    """asyncpg reports 'INSERT 0 1', 'UPDATE 3', 'DELETE 0'; the last number is the row count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


async def _init_connection(conn: asyncpg.Connection) -> None:
    # AVG() and SUM() of integers are NUMERIC; the stores expect floats, as SQLite gives them.
    await conn.set_type_codec("numeric", encoder=str, decoder=float, schema="pg_catalog", format="text")


class PostgresDatabase:
    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None
        self._sql: dict[str, str] = {}

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=POOL_MIN,
                max_size=POOL_MAX,
                init=_init_connection,
                timeout=CONNECT_TIMEOUT_S,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise Unavailable(f"Cannot connect to PostgreSQL at {describe(self.url)}: {exc}") from exc

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise Unavailable("The database is not available.")
        return self._pool

    async def ping(self) -> None:
        await self.pool.fetchval("SELECT 1", timeout=PING_TIMEOUT_S)

    def _target(self) -> Any:
        current = _CURRENT.get()
        return current[1] if current is not None and current[0] is self else self.pool

    def _numbered(self, sql: str) -> str:
        numbered = self._sql.get(sql)
        if numbered is None:
            numbered = self._sql[sql] = number_placeholders(sql)
        return numbered

    async def execute(self, sql: str, params: Params = ()) -> Result:
        try:
            status = await self._target().execute(self._numbered(sql), *params)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc
        return Result(_rowcount(status))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> Sequence[Row]:
        try:
            return await self._target().fetch(self._numbered(sql), *params)  # type: ignore[no-any-return]
        except asyncpg.IntegrityConstraintViolationError as exc:  # an INSERT/UPDATE ... RETURNING
            raise IntegrityError(str(exc)) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as conn, conn.transaction():
            token = _CURRENT.set((self, conn))
            try:
                yield self
            finally:
                _CURRENT.reset(token)
