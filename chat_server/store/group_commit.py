"""Group commit for SQLite: writes asked for in the same turn of the event loop, or while the
previous group is committing, share one transaction.

Under load most of a SQLite append's CPU is the BEGIN/COMMIT around the statements (and, on
aiosqlite's thread, the hop there), not the statements (docs/performance.md, "Message path work").
A group runs on the event loop's own connection when the write lock is free, else in one hop to
the thread (``SqliteDatabase.run_in_transaction(here=True)``). Each caller
still gets its result only after the COMMIT that holds its write has returned, so nothing is
acknowledged before it is durable. A write that raises rolls back its group; the group is then run
again one write per transaction, so only the failing write fails (and a failing COMMIT fails
exactly the writes of that group).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

from .database import SqliteDatabase

Write = Callable[[sqlite3.Connection], Any]


class GroupCommit:
    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database
        self._pending: list[tuple[Write, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def run(self, write: Write) -> Any:
        """``write`` inside a transaction shared with the writes pending at the same time; returns
        its result once that transaction has committed. Writes run in the order they were asked."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((write, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        group: list[tuple[Write, asyncio.Future[Any]]] = []
        try:
            while self._pending:
                group, self._pending = self._pending, []
                await self._commit(group)
        finally:
            self._flusher = None
            # Only when cancelled (shutdown): the callers left waiting learn that, not silence.
            for _, future in group + self._pending:
                _settle(future, error=asyncio.CancelledError())
            self._pending = []

    async def _commit(self, group: list[tuple[Write, asyncio.Future[Any]]]) -> None:
        try:
            results = await self.database.run_all_in_transaction([write for write, _ in group], here=True)
        except Exception as exc:  # noqa: BLE001 - find the write(s) at fault, one transaction each
            if len(group) == 1:
                _settle(group[0][1], error=exc)
                return
            for write, future in group:
                try:
                    _settle(future, await self.database.run_in_transaction(write, here=True))
                except Exception as one:  # noqa: BLE001 - it belongs to this write's caller
                    _settle(future, error=one)
            return
        for (_, future), result in zip(group, results, strict=True):
            _settle(future, result)


def _settle(future: asyncio.Future[Any], result: Any = None, *, error: BaseException | None = None) -> None:
    if future.done():  # the caller went away; its write stands
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
