"""``python -m bench soak``: many visitors and agents chatting against ``chat-server run`` for minutes.

Not a speed test: it proves, at a realistic and bounded rate, that nothing acknowledged is lost or
duplicated while visitors reload and leave and agents' sockets drop, and that the server's memory
stays flat. The server runs as a real process on loopback; results are read back from its database
after it stops.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from .procs import Pinning, cpu_seconds, rss_bytes
from .runner import _cpu_model, raise_fd_limit
from .soak_clients import Agent, Ledger, Pace, Visitor
from .targets import Product

Log = Callable[[str], None]
SAMPLE_EVERY_S = 10.0
MB = 2**20


@dataclass(frozen=True)
class SoakConfig:
    visitors: int = 1000
    agents: int = 50
    seconds: float = 300.0
    capacity: int = 3
    redis: str = "embedded"  # or "external": 127.0.0.1:6379 (BENCH_REDIS_URL) under a unique prefix
    pin: bool = True
    seed: int = 1
    pace: Pace = field(default_factory=Pace)
    chats_within_s: float | None = None  # None: 75% of the run

    @property
    def sample_every_s(self) -> float:
        """Every 10 s; more often in short runs so the slope still has points."""
        return min(SAMPLE_EVERY_S, max(1.0, self.seconds / 30))

    @property
    def warmup_s(self) -> float:
        """Memory slope is fitted after this: the line fills and first chats open meanwhile."""
        return min(60.0, self.seconds / 3)

    @property
    def arrivals_s(self) -> float:
        """Widgets open spread over this window, not all in the first second."""
        return min(30.0, self.seconds / 4)

    @property
    def chats_until_s(self) -> float:
        """First chats start spread over this much of the run (after the widget opened): about the
        rate 50 agents of capacity 3 can serve, so the line stays bounded."""
        return self.seconds * 0.75 if self.chats_within_s is None else self.chats_within_s


async def sample_memory(pid: int, every: float, stop: asyncio.Event, out: list[tuple[float, int]]) -> None:
    started = time.monotonic()
    while True:
        out.append((time.monotonic() - started, rss_bytes(pid)))
        try:
            await asyncio.wait_for(stop.wait(), every)
            out.append((time.monotonic() - started, rss_bytes(pid)))
            return
        except TimeoutError:
            pass


def slope_mb_per_min(samples: list[tuple[float, int]], after_s: float) -> float | None:
    """Least-squares slope of RSS over time, after the warm-up."""
    points = [(t, rss) for t, rss in samples if t >= after_s]
    if len(points) < 3:
        return None
    mean_t = sum(t for t, _ in points) / len(points)
    mean_r = sum(r for _, r in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    cov = sum((t - mean_t) * (r - mean_r) for t, r in points)
    return round(cov / var * 60 / MB, 2) if var else None


async def transcripts(product: Product, conversation_ids: set[str]) -> dict[str, list[Any]]:
    """Every conversation's stored messages, read from the product's database after it stopped."""
    from chat_server.store import create_store

    store = create_store(product.settings())
    await store.open()
    try:
        out = {}
        for conversation_id in conversation_ids:
            conversation = await store.get_conversation(conversation_id, with_messages=True)
            out[conversation_id] = list(conversation.messages) if conversation else []
        return out
    finally:
        await store.close()


def audit(ledger: Ledger, stored: dict[str, list[Any]], taken: set[str]) -> dict[str, Any]:
    """Lost: acknowledged but not stored with its seq, or never reached the other side (a chat still
    waiting for an agent at the end has no other side yet: ``taken`` lists those agents took).
    Duplicated: one client_id stored twice, a seq gap or repeat, a resend answered with a new seq,
    or one socket pushed the same message twice."""
    found: dict[str, Any] = {"lost_from_transcript": 0, "not_delivered": 0, "duplicated_in_transcript": 0,
                             "seq_gaps": 0, "resend_new_seq": ledger.resend_mismatch,
                             "pushed_twice": ledger.live_duplicates, "examples": []}
    for conversation_id, messages in stored.items():
        seqs = [m.seq for m in messages]
        if seqs != list(range(1, len(seqs) + 1)):
            found["seq_gaps"] += 1
        keys = [(m.author_kind, m.client_id) for m in messages if m.client_id]
        found["duplicated_in_transcript"] += len(keys) - len(set(keys))
    by_key: dict[tuple[str, str], int] = {}  # the first stored copy: what the first ack answered
    for conversation_id, messages in stored.items():
        for m in messages:
            if m.client_id:
                by_key.setdefault((conversation_id, m.client_id), m.seq)
    for (conversation_id, client_id), (seq, kind) in ledger.acked.items():
        problem = None
        if by_key.get((conversation_id, client_id)) != seq:
            found["lost_from_transcript"] += 1
            problem = "not in transcript"
        partner = "agent" if kind == "visitor" else "visitor"
        if conversation_id in taken and seq not in ledger.received[partner][conversation_id]:
            found["not_delivered"] += 1
            problem = f"not delivered to the {partner}"
        if problem and len(found["examples"]) < 10:
            found["examples"].append(f"{conversation_id} seq {seq} by {kind} ({client_id}): {problem}")
    found["lost"] = found["lost_from_transcript"] + found["not_delivered"]
    found["duplicated"] = (found["duplicated_in_transcript"] + found["seq_gaps"] + found["resend_new_seq"]
                           + found["pushed_twice"])
    return found


async def run(config: SoakConfig, workdir: Path, log: Log) -> dict[str, Any]:
    raise_fd_limit()
    random.seed(config.seed)
    pinning = Pinning.detect(config.pin)
    pinning.pin_load_generator()
    product = Product(workdir, pinning, config.redis, config.agents, config.capacity)
    load_before = os.getloadavg()
    log(f"starting the product ({config.redis} Redis), {pinning.describe()}")
    await product.start()
    cpu_start = cpu_seconds(product.pid)
    ledger, stop, samples = Ledger(), asyncio.Event(), []
    visitors: list[Visitor] = []
    agents: list[Agent] = []
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            sampler = asyncio.create_task(sample_memory(product.pid, config.sample_every_s, stop, samples))
            for i in range(config.agents):
                agents.append(Agent(http, product.url, ledger, config.pace, f"a{i}", stop,
                                    login=lambda i=i: product.token(http, product.emails[i])))  # type: ignore[misc]
            droppers = set(random.sample(range(config.agents), max(1, config.agents // 10)))
            people = [asyncio.create_task(a.live(_drops(config) if i in droppers else []))
                      for i, a in enumerate(agents)]
            await asyncio.sleep(0.5)
            for i in range(config.visitors):
                visitors.append(Visitor(http, product.url, ledger, config.pace, f"v{i}", stop))
            people += [asyncio.create_task(v.live(random.uniform(0, config.arrivals_s),
                                                  random.uniform(0, config.chats_until_s)))
                       for v in visitors]
            await _until(started + config.seconds, people, log, ledger)
            stop.set()
            await asyncio.wait(people, timeout=60)
            await _catch_up(visitors, agents)
            rss_end = rss_bytes(product.pid)
            cpu_pct = round((cpu_seconds(product.pid) - cpu_start) / (time.monotonic() - started) * 100, 1)
            await sampler
            load_after = os.getloadavg()
            await _close(visitors, agents)
            crashed = [t.exception() for t in people if t.done() and not t.cancelled() and t.exception()]
            for t in people:
                t.cancel()
    finally:
        await product.stop()
    stored = await transcripts(product, set(ledger.received["visitor"]) | set(ledger.received["agent"]))
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {_cpu_model()}", "pinning": pinning.describe(),
        "config": {"visitors": config.visitors, "agents": config.agents, "seconds": config.seconds,
                   "capacity": config.capacity, "redis": config.redis, "chats_within_s": config.chats_until_s,
                   "again": config.pace.again},
        "wall_s": round(time.monotonic() - started, 1), "server_cpu_pct": cpu_pct,
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
        "conversations": len(stored), "messages_stored": sum(len(m) for m in stored.values()),
        "counts": dict(sorted(ledger.counts.items())), "via_resume": dict(ledger.via_resume),
        "errors": dict(sorted(ledger.errors.items())), "crashed_clients": [repr(e) for e in crashed][:5],
        "audit": audit(ledger, stored, {c for a in agents for c in a.chats}),
        "memory": _memory(samples, rss_end, config.warmup_s),
    }


def _drops(config: SoakConfig) -> list[float]:
    """One or two drops at random moments between 20% and 80% of the run."""
    return [random.uniform(0.2, 0.8) * config.seconds for _ in range(random.randint(1, 2))]


async def _until(deadline: float, people: list[asyncio.Task[None]], log: Log, ledger: Ledger) -> None:
    while (left := deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(30.0, left))
        log(f"  {int(deadline - time.monotonic())} s left: {dict(ledger.counts)} errors {dict(ledger.errors)}")
        crashed = [t for t in people if t.done() and not t.cancelled() and t.exception()]
        if crashed:
            raise RuntimeError(f"{len(crashed)} simulated clients crashed") from crashed[0].exception()


async def _catch_up(visitors: list[Visitor], agents: list[Agent]) -> None:
    """The run is over: every open page catches up once, as a client does after a pause."""
    await asyncio.sleep(2)
    calls = [v.resume(v.conversation_id) for v in visitors if v.online.is_set() and v.conversation_id]
    calls += [a.resume(chat_id) for a in agents if a.online.is_set() for chat_id in a.chats]
    gate = asyncio.Semaphore(100)

    async def one(call: Any) -> None:
        async with gate:
            await call

    await asyncio.gather(*(one(c) for c in calls))


async def _close(visitors: list[Visitor], agents: list[Agent]) -> None:
    for person in [*visitors, *agents]:
        if person.sock is not None and not person.sock.closed:
            await person.sock.close()
    for agent in agents:
        for task in agent.tasks:
            task.cancel()


def _memory(samples: list[tuple[float, int]], rss_end: int, warmup_s: float) -> dict[str, Any]:
    return {
        "samples": len(samples),
        "start_mb": round(samples[0][1] / MB, 1) if samples else None,
        "end_mb": round(rss_end / MB, 1),
        "peak_mb": round(max(r for _, r in samples) / MB, 1) if samples else None,
        "after_warmup_mb": round(next((r for t, r in samples if t >= warmup_s), rss_end) / MB, 1),
        "slope_mb_per_min": slope_mb_per_min(samples, warmup_s),
        "warmup_s": warmup_s,
        "series_mb": [(round(t), round(r / MB, 1)) for t, r in samples],
    }


def checks(result: dict[str, Any], flat_mb_per_min: float) -> list[tuple[str, bool, str]]:
    """(what, passed, shown value). Memory is flat when RSS grows slower than ``flat_mb_per_min``."""
    found, memory = result["audit"], result["memory"]
    slope = memory["slope_mb_per_min"]
    return [
        ("zero lost", found["lost"] == 0, str(found["lost"])),
        ("zero duplicated", found["duplicated"] == 0, str(found["duplicated"])),
        ("memory flat after warm-up", slope is not None and slope < flat_mb_per_min,
         f"{slope} MB/min (limit {flat_mb_per_min})"),
        ("no client crashed", not result["crashed_clients"], str(len(result["crashed_clients"]))),
    ]


def markdown(result: dict[str, Any], flat_mb_per_min: float) -> str:
    memory, counts, found = result["memory"], result["counts"], result["audit"]
    cfg = result["config"]
    rows = [
        ("date", result["date"]), ("machine", result["machine"]), ("pinning", result["pinning"]),
        ("load average before / after (1, 5, 15 min)",
         f"{' '.join(map(str, result['loadavg_before']))} / {' '.join(map(str, result['loadavg_after']))}"),
        ("visitors / agents / minutes / capacity / Redis",
         f"{cfg['visitors']} / {cfg['agents']} / {cfg['seconds'] / 60:g} / {cfg['capacity']} / {cfg['redis']}"),
        ("conversations / messages stored", f"{result['conversations']} / {result['messages_stored']}"),
        ("server CPU, average over the run (% of one core)", str(result["server_cpu_pct"])),
        *((k, str(v)) for k, v in counts.items()),
        ("messages first seen through a resume (visitor / agent side)",
         f"{result['via_resume'].get('visitor', 0)} / {result['via_resume'].get('agent', 0)}"),
        ("lost: not in transcript / not delivered", f"{found['lost_from_transcript']} / {found['not_delivered']}"),
        ("duplicated: transcript / seq gaps / resend new seq / pushed twice",
         (f"{found['duplicated_in_transcript']} / {found['seq_gaps']} / {found['resend_new_seq']} / "
          f"{found['pushed_twice']}")),
        ("server RSS start / after warm-up / end / peak (MB)",
         f"{memory['start_mb']} / {memory['after_warmup_mb']} / {memory['end_mb']} / {memory['peak_mb']}"),
        (f"RSS slope after {memory['warmup_s']:g} s warm-up", f"{memory['slope_mb_per_min']} MB/min"),
        ("errors by code", ", ".join(f"{k}: {v}" for k, v in result["errors"].items()) or "none"),
    ]
    lines = ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]
    lines += [f"- {'PASS' if ok else 'FAIL'} {what}: {shown}" for what, ok, shown in checks(result, flat_mb_per_min)]
    lines += [f"- problem: {example}" for example in found["examples"]]
    return "\n".join(lines)
