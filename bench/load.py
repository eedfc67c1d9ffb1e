"""Scenarios every target runs: message throughput/latency between pairs, and idle widgets
(memory per connection, connections accepted per second)."""

from __future__ import annotations

import asyncio
import gc
import math
import random
import time
from typing import Any

import aiohttp

from .procs import rss_bytes
from .sio import RawSocket
from .stats import CpuWindow, ms, percentile
from .targets import Pair, Target, close_all


class Recorder:
    """Send times by client_id; a partner's ``message:new`` closes the round trip."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.measuring = False
        self.latencies: list[float] = []
        self.delivered = 0
        self.errors = 0

    def handler(self, own_kind: str) -> Any:
        def on_new(data: Any) -> None:
            message = data.get("message") or {}
            if (message.get("author") or {}).get("kind") == own_kind:
                return  # the product echoes a sender's own message to its other tabs
            started = self.sent.pop(message.get("client_id"), None)
            if started is not None and self.measuring:
                self.latencies.append(time.perf_counter() - started)
                self.delivered += 1

        return on_new


async def _side(
    sock: RawSocket, conversation_id: str, kind: str, rec: Recorder, stop: asyncio.Event, interval: float,
    tag: str = "",
) -> None:
    """Send, wait for the ack, repeat; with an ``interval``, at most one message per interval.
    ``tag`` keeps client ids unique across runs on the same pairs (the product stores a resend once)."""
    n = 0
    tick = time.perf_counter() + random.uniform(0, interval)  # spread the pairs' phases
    while not stop.is_set():
        if interval:
            await asyncio.sleep(max(0.0, tick - time.perf_counter()))
            tick += interval
            if stop.is_set():
                return
        client_id = f"{conversation_id}:{tag}{kind[0]}{n}"
        n += 1
        rec.sent[client_id] = time.perf_counter()
        try:
            ack = await sock.call("message:send", {"conversation_id": conversation_id, "text": f"message {n}",
                                                   "client_id": client_id})
        except (TimeoutError, RuntimeError):
            rec.errors += 1
            rec.sent.pop(client_id, None)  # counted here, not again as never delivered
            return
        if not (isinstance(ack, dict) and ack.get("ok")):
            rec.errors += 1
            rec.sent.pop(client_id, None)
            await asyncio.sleep(0.01)


async def throughput(
    target: Target, http: aiohttp.ClientSession, pairs: int, per_agent: int, warmup: float, duration: float,
    started_event: asyncio.Event | None = None, rate: float = 0.0,
) -> dict[str, Any]:
    """Both sides of every pair send as fast as their acks come back (or ``rate`` messages per
    second per side); latency is send → the partner's ``message:new``. Counted only inside the
    measuring window."""
    interval = 1 / rate if rate else 0.0
    made: list[Pair] = await target.make_pairs(http, pairs, per_agent)
    rec = Recorder()
    for pair in made:
        pair.visitor.on("message:new", rec.handler("visitor"))
        pair.agent.on("message:new", rec.handler("agent"))
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_side(p.visitor, p.conversation_id, "visitor", rec, stop, interval)) for p in made]
    tasks += [asyncio.create_task(_side(p.agent, p.conversation_id, "agent", rec, stop, interval)) for p in made]
    await asyncio.sleep(warmup)
    cpu = CpuWindow(target.pid).start()
    redis_cpu = await _redis_cpu(target)
    rec.measuring = True
    if started_event is not None:
        started_event.set()
    await asyncio.sleep(duration)
    rec.measuring = False
    usage = cpu.stop()
    cpu_pct = usage["server_cpu_pct"]
    if redis_cpu is not None:
        usage["redis_cpu_pct"] = round((await _redis_cpu(target) - redis_cpu) / cpu.wall * 100, 1)  # type: ignore[operator]
        cpu_pct += usage["redis_cpu_pct"]
    # CPU per message (server + its Redis) holds still when other work on the machine steals the
    # server's core, which msgs/s does not: the fairer number on a shared 2-core box.
    usage["cpu_us_per_msg"] = round(cpu_pct / 100 * cpu.wall / max(rec.delivered, 1) * 1e6, 1)
    stop.set()
    await asyncio.wait(tasks, timeout=30)
    await target.end_pairs(made)
    return {
        "pairs": pairs,
        "offered_per_s": round(2 * pairs * rate, 1) if rate else None,
        "msgs_per_s": round(rec.delivered / cpu.wall, 1),
        "p50_ms": ms(percentile(rec.latencies, 50)),
        "p99_ms": ms(percentile(rec.latencies, 99)),
        "errors": rec.errors,
        **usage,
    }


async def paced_in_turns(
    targets: list[tuple[str, Target]], http: aiohttp.ClientSession, pairs: int, per_agent: int, warmup: float,
    duration: float, rate: float, slice_s: float,
) -> dict[str, dict[str, Any]]:
    """The unsaturated latency run for every target at once, taking turns in short slices.

    At 100 msgs/s a server is idle between messages, and its p99 is a few milliseconds: one run
    after another on a shared machine measured the neighbours as much as the servers (the relay's
    own p99 went from 1.4 to 2.3 ms between two runs a minute apart). Taking turns every
    ``slice_s`` (order reversed each round) gives every target the same minutes of the machine.
    Only one target's clients send at a time; the others' servers sit idle. Every message sent in
    a slice's measured part is counted, including the ones still in flight when it ends."""
    interval = 1 / rate
    made: dict[str, list[Pair]] = {}
    recs: dict[str, Recorder] = {}
    for key, target in targets:
        made[key] = await target.make_pairs(http, pairs, per_agent)
        recs[key] = Recorder()
        for pair in made[key]:
            pair.visitor.on("message:new", recs[key].handler("visitor"))
            pair.agent.on("message:new", recs[key].handler("agent"))
    settle = min(0.25, slice_s / 4)
    totals = {key: {"wall": 0.0, "server": 0.0, "load": 0.0} for key, _ in targets}
    for key, _ in targets:  # warm-up, unmeasured
        await _slice(made[key], recs[key], interval, warmup, 0.0, "w", measure=False)
    for turn in range(max(1, math.ceil(duration / (slice_s - settle)))):  # `duration` measured per target
        for key, target in targets if turn % 2 == 0 else targets[::-1]:
            cpu = await _slice(made[key], recs[key], interval, slice_s, settle, f"t{turn}", measure=True,
                               pid=target.pid)
            assert cpu is not None
            total = totals[key]
            total["wall"] += cpu.wall
            total["server"] += cpu.server * cpu.wall  # % of a core x seconds
            total["load"] += cpu.load * cpu.wall
    out = {}
    for key, target in targets:
        await target.end_pairs(made[key])
        rec, t = recs[key], totals[key]
        wall = max(t["wall"], 1e-9)
        out[key] = {
            "pairs": pairs, "offered_per_s": round(2 * pairs * rate, 1), "in_turns_of_s": slice_s,
            "msgs_per_s": round(rec.delivered / wall, 1),
            "p50_ms": ms(percentile(rec.latencies, 50)), "p99_ms": ms(percentile(rec.latencies, 99)),
            "errors": rec.errors,
            "server_cpu_pct": round(t["server"] / wall, 1), "loadgen_cpu_pct": round(t["load"] / wall, 1),
            "cpu_us_per_msg": round(t["server"] / 100 / max(rec.delivered, 1) * 1e6, 1),
        }
    return out


async def _slice(
    made: list[Pair], rec: Recorder, interval: float, seconds: float, settle: float, tag: str, *, measure: bool,
    pid: int | None = None, grace: float = 0.5,
) -> CpuWindow | None:
    """One target's clients send for ``seconds``; measured after ``settle``. In-flight messages get
    ``grace`` to arrive; a round trip longer than that is counted as an error, not dropped."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_side(p.visitor, p.conversation_id, "visitor", rec, stop, interval, tag))
             for p in made]
    tasks += [asyncio.create_task(_side(p.agent, p.conversation_id, "agent", rec, stop, interval, tag))
              for p in made]
    await asyncio.sleep(settle)
    cpu = CpuWindow(pid).start() if measure and pid is not None else None
    rec.measuring = measure
    await asyncio.sleep(seconds - settle)
    if cpu is not None:
        cpu.stop()
    stop.set()
    deadline = time.perf_counter() + grace
    while rec.sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    rec.measuring = False
    if measure:
        rec.errors += len(rec.sent)
    rec.sent.clear()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return cpu


async def _redis_cpu(target: Target) -> float | None:
    """Redis's own CPU seconds: the product's work is split between its process and Redis."""
    if not target.is_product:
        return None
    client = target.redis()  # type: ignore[attr-defined]
    try:
        info = await client.info("cpu")
        return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
    finally:
        await client.aclose()


async def idle(
    target: Target, http: aiohttp.ClientSession, count: int, concurrency: int, settle: float = 2.0
) -> dict[str, Any]:
    """Connect ``count`` widgets that then sit idle: accept rate, and RSS growth per connection."""
    await asyncio.sleep(settle / 2)
    before = rss_bytes(target.pid)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    sockets: list[RawSocket] = []
    failures = 0

    async def one() -> None:
        nonlocal failures
        async with gate:
            started = time.perf_counter()
            try:
                sockets.append(await target.connect_idle(http))
            except Exception:
                failures += 1
                return
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(settle)  # let the server settle (GC, buffers) before reading its RSS
    gc.collect()
    after = rss_bytes(target.pid)
    connected = len(sockets)
    await close_all(sockets)
    await asyncio.sleep(settle / 4)
    return {
        "connections": connected,
        "failures": failures,
        "accepted_per_s": round(connected / elapsed, 1),
        "connect_p50_ms": ms(percentile(latencies, 50)),
        "connect_p99_ms": ms(percentile(latencies, 99)),
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "kb_per_connection": round((after - before) / max(connected, 1) / 1024, 1),
    }
