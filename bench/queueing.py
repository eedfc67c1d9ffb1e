"""Product-only scenarios: how fast chats are assigned, and what a long queue costs.

``assignment_latency``: visitors loop chat:start → chat:assigned → chat:end while agents have free
slots. ``drain``: thousands of visitors wait with no agent online; then agents come online and
close every chat the moment it is assigned, so slots free continuously. We count assignments per
second, the queue-position messages (``queue:update`` and ``queue:line``) that costs, and check that every waiting visitor's displayed
position is right within 2 s (against the true order read from Redis).
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from chat_server.routing.places import place_in

from .sio import RawSocket
from .stats import CpuWindow, ms, percentile
from .targets import Product, close_all

POSITION_DEADLINE_S = 2.0


async def assignment_latency(
    product: Product, http: aiohttp.ClientSession, agents: int, visitors: int, duration: float
) -> dict[str, Any]:
    agent_socks = [await product.connect_agent(http, k) for k in range(agents)]
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration

    async def visitor_loop() -> None:
        nonlocal errors
        sock = await product.connect_idle(http)
        waiter: list[asyncio.Future[Any]] = []
        sock.on("chat:assigned", lambda data: waiter and not waiter[0].done() and waiter[0].set_result(data))
        try:
            while time.perf_counter() < stop:
                waiter[:] = [asyncio.get_running_loop().create_future()]
                started = time.perf_counter()
                ack = await sock.call("chat:start", {"text": "Hello"})
                if not ack.get("ok"):
                    errors += 1
                    await asyncio.sleep(0.05)
                    continue
                await asyncio.wait_for(waiter[0], 30)
                latencies.append(time.perf_counter() - started)
                await sock.call("chat:end", {"conversation_id": ack["conversation_id"]})
        finally:
            await sock.close()

    cpu = CpuWindow(product.pid).start()
    await asyncio.gather(*(visitor_loop() for _ in range(visitors)))
    usage = cpu.stop()
    await close_all(agent_socks)
    return {
        "agents": agents,
        "concurrent_visitors": visitors,
        "assignments": len(latencies),
        "assignments_per_s": round(len(latencies) / cpu.wall, 1),
        "p50_ms": ms(percentile(latencies, 50)),
        "p99_ms": ms(percentile(latencies, 99)),
        "errors": errors,
        **usage,
    }


@dataclass
class Waiter:
    """One waiting visitor as its widget sees things."""

    sock: RawSocket
    conversation_id: str = ""
    shown: int | None = None  # the position the widget displays
    ticket: int | None = None  # its place key in the department's line (queue:line runs)
    updates: int = 0  # queue-position messages received (queue:update and queue:line)
    assigned_at: float | None = None


@dataclass
class PositionCheck:
    checked: int = 0
    wrong: int = 0
    worst_lag: int = 0  # how many places behind the truth of 2 s earlier a display was
    samples: list[str] = field(default_factory=list)

    def judge(self, waiter: Waiter, truth: int, exact: bool) -> None:
        self.checked += 1
        shown = waiter.shown if waiter.shown is not None else 0
        bad = shown != truth if exact else shown > truth
        if bad:
            self.wrong += 1
            self.worst_lag = max(self.worst_lag, abs(shown - truth))
            if len(self.samples) < 3:
                self.samples.append(f"shows {shown}, should be {'' if exact else '<= '}{truth}")


async def _ranks(product: Product) -> dict[str, int]:
    client = product.redis()
    try:
        members = await client.zrange(product.waiting_key(), 0, -1)
    finally:
        await client.aclose()
    return {m.decode(): i for i, m in enumerate(members, start=1)}


async def _queue_visitors(
    product: Product, http: aiohttp.ClientSession, count: int
) -> tuple[dict[str, Waiter], int]:
    """Returns the waiting visitors by conversation, and how many could not get in line in time
    (a swamped server on a busy machine; their conversations may still be in the line)."""
    gate = asyncio.Semaphore(100)
    waiters: dict[str, Waiter] = {}
    failed = 0

    async def one() -> None:
        nonlocal failed
        async with gate:
            sock = None
            try:
                sock = await product.connect_idle(http, timeout=120)
                await start(sock)
            except (TimeoutError, RuntimeError, aiohttp.ClientError):
                failed += 1
                if sock is not None:
                    await sock.close()

    async def start(sock: RawSocket) -> None:
        waiter = Waiter(sock)

        def on_update(data: Any, w: Waiter = waiter) -> None:
            w.shown, w.ticket = data["position"], data.get("ticket")
            w.updates += 1

        def on_line(data: Any, w: Waiter = waiter) -> None:
            # What widget.js does: count its own place in the department's runs of tickets.
            w.updates += 1
            place = place_in(data["runs"], w.ticket) if w.ticket is not None and w.assigned_at is None else 0
            if place:
                w.shown = place

        sock.on("queue:update", on_update)
        sock.on("queue:line", on_line)
        sock.on("chat:assigned", lambda data, w=waiter: setattr(w, "assigned_at", time.perf_counter()))
        ack = await sock.call("chat:start", {"text": "Hello, anyone there?"}, timeout=120)
        if not ack.get("ok") or ack["status"] != "queued":
            raise RuntimeError(f"expected to wait in line: {ack}")
        waiter.conversation_id = ack["conversation_id"]
        if waiter.shown is None:
            waiter.shown = ack["queue"]["position"]
        if waiter.ticket is None:
            waiter.ticket = ack["queue"].get("ticket")
        waiters[waiter.conversation_id] = waiter

    await asyncio.gather(*(one() for _ in range(count)))
    return waiters, failed


async def drain(
    product: Product, http: aiohttp.ClientSession, waiting: int, agents: int, max_seconds: float,
    started_event: asyncio.Event | None = None,
) -> dict[str, Any]:
    """Fill the line, then let agents free slots continuously until half of it is served.
    ``started_event`` is set when the agents come in (the profiler starts sampling then)."""
    started = time.perf_counter()
    waiters, failed = await _queue_visitors(product, http, waiting)
    queued_in = time.perf_counter() - started
    gc.freeze()  # the 10,000 clients live to the end: no full collection of ours walks them meanwhile
    await asyncio.sleep(POSITION_DEADLINE_S)
    at_rest = PositionCheck()
    for cid, rank in (await _ranks(product)).items():
        if cid in waiters:
            at_rest.judge(waiters[cid], rank, exact=True)

    closers: set[asyncio.Task[Any]] = set()
    slow_closes = 0

    async def close(sock: RawSocket, conversation_id: str) -> None:
        nonlocal slow_closes
        try:
            await sock.call("chat:close", {"conversation_id": conversation_id}, timeout=120)
        except Exception:
            slow_closes += 1

    def close_at_once(sock: RawSocket) -> None:
        def on_assigned(data: Any) -> None:
            task = asyncio.ensure_future(close(sock, data["conversation"]["id"]))
            closers.add(task)
            task.add_done_callback(closers.discard)

        sock.on("chat:assigned", on_assigned)

    for k in range(agents):  # sign in first: each sign-in is an argon2 check on the server
        await product.token(http, product.emails[k])
    for w in waiters.values():
        w.updates = 0
    moving = PositionCheck()
    target = waiting // 2
    cpu = CpuWindow(product.pid).start()
    t0 = time.perf_counter()
    if started_event is not None:
        started_event.set()
    # Long timeouts: while the line drains, the server is slow to answer an agent's connect too.
    connecting = asyncio.gather(
        *(product.connect_agent(http, k, setup=close_at_once, timeout=180) for k in range(agents)),
        return_exceptions=True,
    )
    agents_in: list[float] = []  # when the last agent's connect was answered
    connecting.add_done_callback(lambda _: agents_in.append(time.perf_counter()))
    pending: list[tuple[float, dict[str, int]]] = []
    while True:
        await asyncio.sleep(0.25)
        now = time.perf_counter()
        served = sum(1 for w in waiters.values() if w.assigned_at is not None)
        if served >= target or now - t0 > max_seconds:
            break
        if not pending or now - pending[-1][0] >= 1.0:
            pending.append((now, await _ranks(product)))
        if pending and now - pending[0][0] >= POSITION_DEADLINE_S:
            _, snapshot = pending.pop(0)
            still = await _ranks(product)
            for cid, rank in snapshot.items():
                if cid in still and cid in waiters:
                    moving.judge(waiters[cid], rank, exact=False)
    elapsed = time.perf_counter() - t0
    usage = cpu.stop()
    served = sum(1 for w in waiters.values() if w.assigned_at is not None)
    updates = sum(w.updates for w in waiters.values())

    connected = await connecting
    socks = [s for s in connected if isinstance(s, RawSocket)]
    # A swamped server may take long to answer; the numbers above are already taken.
    await asyncio.gather(*(s.call("status:set", {"status": "away"}, timeout=120) for s in socks),
                         return_exceptions=True)
    if closers:
        await asyncio.wait(list(closers), timeout=120)
    await asyncio.sleep(POSITION_DEADLINE_S)
    frozen = PositionCheck()
    for cid, rank in (await _ranks(product)).items():
        if cid in waiters:
            frozen.judge(waiters[cid], rank, exact=True)
    await close_all(socks)
    await close_all([w.sock for w in waiters.values()])
    gc.unfreeze()
    return {
        "waiting": waiting,
        "agents": agents,
        "capacity": product.capacity,
        "queued_per_s": round(len(waiters) / queued_in, 1),
        "failed_to_queue": failed,
        "assigned": served,
        "seconds": round(elapsed, 1),
        "assignments_per_s": round(served / elapsed, 1),
        "queue_updates": updates,
        "unanswered_closes": slow_closes,
        "agents_failed_to_connect": len(connected) - len(socks),
        "agent_connect_s": round(agents_in[0] - t0, 1),
        "updates_per_assignment": round(updates / max(served, 1), 1),
        "positions_at_rest": _check(at_rest),
        "positions_moving": _check(moving),
        "positions_after_stop": _check(frozen),
        **usage,
    }


def _check(check: PositionCheck) -> dict[str, Any]:
    return {"checked": check.checked, "wrong": check.wrong, "worst_off_by": check.worst_lag,
            "examples": check.samples}
