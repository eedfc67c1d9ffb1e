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
import math
import sqlite3
from collections.abc import Callable
from typing import Any

from .database import SqliteDatabase

Write = Callable[[sqlite3.Connection], Any]


# No write asked for this long: the next one has nothing to share a transaction with.
QUIET_S = 0.002


class GroupCommit:
    def __init__(self, database: SqliteDatabase, quiet_s: float = QUIET_S) -> None:
        self.database = database
        self.quiet_s = quiet_s
        self._pending: list[tuple[Write, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._last_asked = -math.inf

    async def run(self, write: Write) -> Any:
        """``write`` inside a transaction shared with the writes pending at the same time; returns
        its result once that transaction has committed. Writes run in the order they were asked.

        After a quiet spell (no write for ``quiet_s``) a write runs at once, in the caller's own
        turn of the loop: on a quiet server a group would be that one write, and the task and the
        two loop turns around it were a tenth of a message's round trip (docs/performance.md,
        "Session 7"). The writes asked right behind it still group as before."""
        loop = asyncio.get_running_loop()
        now, last = loop.time(), self._last_asked
        self._last_asked = now
        if now - last > self.quiet_s and self._flusher is None:  # no flusher: nothing is pending either
            return await self.database.run_in_transaction(write, here=True)
        future: asyncio.Future[Any] = loop.create_future()
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
