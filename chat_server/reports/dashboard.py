"""The live dashboard: who is waiting, for how long, which agents are on and how loaded, today's
chats and rating. Read from Redis (availability, load) and the database (the line, today), pushed
to managers over Socket.IO after every queue change (throttled) and on a periodic refresh."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis.asyncio as aioredis

from ..clock import Clock, to_iso
from ..realtime.events import Events
from ..redis_backend.keys import Keys
from ..store import Store
from ..store.reports import ReportStore
from .periods import local_midnight

log = logging.getLogger(__name__)
UPDATE_EVENT = "dashboard:update"


class DashboardService:
    def __init__(
        self,
        *,
        store: Store,
        reports: ReportStore,
        redis: aioredis.Redis,
        keys: Keys,
        clock: Clock,
        tz: str,
        default_capacity: int,
    ) -> None:
        self.store = store
        self.reports = reports
        self.redis = redis
        self.keys = keys
        self.clock = clock
        self.tz = ZoneInfo(tz)
        self.default_capacity = default_capacity

    async def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        waiting, oldest = await self.reports.queued_summary()
        today = datetime.fromtimestamp(now, self.tz).date()
        start = local_midnight(today, self.tz)
        day = await self.reports.day_summary(start, local_midnight(today + timedelta(days=1), self.tz))
        agents = await self.agents()
        average = day.pop("rating_average")
        return {
            "generated_at": to_iso(now),
            "waiting": waiting,
            "offline_messages": await self.reports.offline_count(),
            "oldest_waiting_since": to_iso(oldest) if oldest is not None else None,
            "longest_wait_s": round(max(0.0, now - oldest)) if oldest is not None else 0,
            "agents_online": sum(1 for a in agents if a["status"] == "online"),
            "agents": agents,
            "today": {
                "date": today.isoformat(),
                "tz": self.tz.key,
                **day,
                "rating_average": round(float(average), 2) if average is not None else None,
            },
        }

    async def agents(self) -> list[dict[str, Any]]:
        """Agents who are online or away, or still hold chats, busiest first."""
        people = [a for a in await self.store.list_agents() if not a.disabled]
        if not people:
            return []
        ids = [a.id for a in people]
        statuses = await self.redis.mget([self.keys.agent_status(i) for i in ids])
        online = {_text(m) for m in await self.redis.smembers(self.keys.online)}
        loads = await self.redis.hmget(self.keys.load, ids)
        out: list[dict[str, Any]] = []
        for agent, status, load in zip(people, statuses, loads, strict=True):
            chosen = _text(status) if status else "offline"
            # "online" in Redis status but not in the online set means no console is connected.
            shown = "online" if agent.id in online else ("away" if chosen == "away" else "offline")
            held = int(load or 0)
            if shown == "offline" and held == 0:
                continue
            out.append(
                {
                    "id": agent.id,
                    "name": agent.name,
                    "status": shown,
                    "load": held,
                    "capacity": agent.capacity or self.default_capacity,
                }
            )
        out.sort(key=lambda a: (a["status"] != "online", -int(a["load"]), str(a["name"])))
        return out


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _stable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The part that only changes when something happens (the wait ticks on the client)."""
    return {k: v for k, v in snapshot.items() if k not in ("generated_at", "longest_wait_s")}


class DashboardPublisher:
    """Coalesces bursts of changes into one push per ``throttle_s``; refreshes every ``refresh_s``
    (only when something changed), which also covers changes made by other server processes."""

    def __init__(
        self, service: DashboardService, events: Events, *, throttle_s: float, refresh_s: float,
        watched: Callable[[], bool] = lambda: True,
    ) -> None:
        self.service = service
        self.events = events
        self.throttle_s = throttle_s
        self.refresh_s = refresh_s
        # Is a dashboard open on this process? A snapshot reads the whole day's conversations; a
        # drain of 10,000 waiting poked it every 0.5 s with nobody looking (docs/performance.md,
        # "Drain, third pass"). A dashboard that connects gets a fresh snapshot on connect.
        self.watched = watched
        self._pending: asyncio.Task[None] | None = None
        self._last: dict[str, Any] | None = None
        self._stopped = asyncio.Event()

    def poke(self) -> None:
        """Something changed: push soon. Cheap and synchronous, for Events.listeners."""
        if self._stopped.is_set() or not self.watched():
            return
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self._later())

    async def _later(self) -> None:
        await asyncio.sleep(self.throttle_s)
        if not self._stopped.is_set():
            await self.publish(force=True)

    async def publish(self, *, force: bool = False) -> None:
        if not self.watched():
            self._last = None  # whoever connects next gets their own snapshot; then compare afresh
            return
        try:
            snapshot = await self.service.snapshot()
        except Exception as exc:  # Redis or the database is down: the next refresh retries
            log.warning("dashboard snapshot failed: %s", exc)
            return
        stable = _stable(snapshot)
        if force or stable != self._last:
            self._last = stable
            await self.events.to_dashboards(UPDATE_EVENT, snapshot)

    async def run(self) -> None:
        """Until ``stop()``. Ends on the flag, not only on cancellation: on Python 3.11 a cancel that
        lands while Redis or the database answers can be swallowed (asyncio.wait_for), and a loop
        relying on it alone would keep the server from shutting down."""
        while not self._stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.refresh_s)
            if not self._stopped.is_set():
                await self.publish()

    async def stop(self, running: asyncio.Task[None] | None = None, grace_s: float = 5.0) -> None:
        """Stop the refresh loop (``running``) and any push still waiting, within ``grace_s``."""
        self._stopped.set()
        tasks = {t for t in (running, self._pending) if t is not None and not t.done()}
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace_s)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=grace_s)
