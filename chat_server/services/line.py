"""How the line stands, told to everyone waiting at a cost that does not grow with the line.

Each waiting conversation holds a ticket, its place key within its department (``enqueue.lua``).
At most every ``interval_s`` after something changed, one ``queue:line`` per department goes to
that department's room: the waiting tickets as runs of consecutive numbers, plus the department's
free and total slots and average handle time. Each widget counts its own place in the runs and
computes the same estimate as ``estimate_wait``. So an assignment costs no per-visitor message at
all, and a tick costs one Lua walk of the line and one emit per department, however long the line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ..realtime.events import Events
from ..routing.queue import Queue

log = logging.getLogger(__name__)

LINE_INTERVAL_S = 0.5  # a displayed place is at most this (plus the emit) behind the truth
LONG_LINE = 1_000  # beyond this many waiting, tick every 2 x interval: each tick writes to every socket
MIN_GAP = 0.2  # of the interval: the least rest between ticks, however long the last one took


class LineBroadcaster:
    def __init__(self, queue: Queue, events: Events, interval_s: float = LINE_INTERVAL_S) -> None:
        self.queue = queue
        self.events = events
        self.interval_s = interval_s
        self._changed = asyncio.Event()
        self._departments: set[str] = set()  # those told of a non-empty line last time
        self._waiting = 0  # how many were in line at the last tick
        self._last: dict[str, dict[str, object]] = {}  # what each department's room heard last
        self._force = False

    def touch(self, *, force: bool = False) -> None:
        """The line or the agents changed: publish on the next tick (many changes, one tick).
        ``force``: a chat came back to a place it held before (a declined offer), so a line that
        looks merely longer may not be (see ``_only_joined``)."""
        self._force = self._force or force
        self._changed.set()

    async def publish(self) -> dict[str, dict[str, object]]:
        """Tell every department's room how its line stands now; returns what was sent."""
        self._changed.clear()
        force, self._force = self._force, False
        line = await self.queue.line()
        departments = set(line) | self._departments  # a line that just emptied is told so once
        slots = await self.queue.slots(departments)
        sent: dict[str, dict[str, object]] = {}
        for department in sorted(departments):
            s = slots[department]
            payload: dict[str, object] = {
                "department": department, "runs": [list(run) for run in line.get(department, [])],
                "free": s.free, "slots": s.total, "handle_s": s.handle_s,
            }
            if not force and _only_joined(self._last.get(department), payload):
                continue
            self._last[department] = sent[department] = payload
            await self.events.to_line(department, "queue:line", payload)
        self._departments = set(line)
        self._waiting = sum(count for runs in line.values() for _, count in runs)
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        """Publish after changes, at most once per interval, until ``stop`` is set. The interval
        runs from one tick's start to the next (a tick that took long is not followed by a whole
        interval more), so a displayed place lags the truth by at most the period plus one tick."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            waiter = asyncio.ensure_future(self._changed.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in (waiter, stopper):
                task.cancel()
            if stop.is_set():
                break
            started = loop.time()
            try:
                await self.publish()
            except Exception as exc:  # noqa: BLE001 - keep going: Redis may come back
                log.warning("publishing the line failed: %s", exc)
            period = self.interval_s * (2 if self._waiting > LONG_LINE else 1)
            rest = max(self.interval_s * MIN_GAP, period - (loop.time() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), rest)


def _only_joined(before: dict[str, object] | None, now: dict[str, object]) -> bool:
    """Nobody's place or estimate changed since ``before``: the same slots, and the line only grew
    at its very end (its last run got longer). Those who joined got their place in their
    ``chat:start`` answer and nobody came in ahead of them, so a tick would tell no one anything:
    filling a long line costs no messages."""
    if before is None or any(before[k] != now[k] for k in ("free", "slots", "handle_s")):
        return False
    old, new = before["runs"], now["runs"]
    assert isinstance(old, list) and isinstance(new, list)
    return (len(old) == len(new) > 0 and old[:-1] == new[:-1] and old[-1][0] == new[-1][0]
            and old[-1][1] <= new[-1][1])
