"""The queue: waiting visitors, agent availability, offers and assignment, all in Redis.

Every state change that two processes could race on is one Lua script (see ``scripts/``), so this
module is testable against a real Redis without any socket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript

from ..departments import Department
from ..redis_backend.keys import Keys
from .places import estimate_wait

SCRIPTS = Path(__file__).parent / "scripts"
SCAN_DEPTH = 500  # waiting visitors one assignment pass looks at


def _script(redis: aioredis.Redis, name: str) -> AsyncScript:
    return redis.register_script((SCRIPTS / f"{name}.lua").read_text())


def _str(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _tags(values: Iterable[str]) -> str:
    values = list(values)
    return "|" + "|".join(values) + "|" if values else ""


@dataclass(frozen=True)
class Assignment:
    conversation_id: str
    agent_id: str
    offered: bool = False  # True: the agent must accept within the department's offer time
    language: str | None = None  # the visitor's, when the queue made the pair


@dataclass(frozen=True)
class QueueStatus:
    position: int  # 1 = next in line for this department
    estimated_wait_s: int
    department: str = ""
    ticket: int | None = None  # place key in the department's line; ``queue:line`` runs count it

    def as_dict(self) -> dict[str, object]:
        return {"position": self.position, "estimated_wait_s": self.estimated_wait_s,
                "department": self.department, "ticket": self.ticket}


@dataclass(frozen=True)
class Slots:
    """A department's online capacity: what the wait estimate is built from."""

    free: int
    total: int
    handle_s: float


@dataclass(frozen=True)
class Waiting:
    conversation_id: str
    department: str
    language: str
    enqueued_ms: int
    ticket: int | None = None


class Queue:
    """Waiting conversations and agent load. Positions are 1-based, per department."""

    def __init__(
        self, redis: aioredis.Redis, keys: Keys, handle_time_s: int, departments: Iterable[Department] = ()
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.handle_time_s = handle_time_s
        self.departments = {d.key: d for d in departments}
        self._dept_spec = ",".join(
            f"{d.key}:{d.language_fallback_s * 1000}:{d.assignment}:{d.offer_timeout_s * 1000}"
            for d in self.departments.values()
        )
        self._scripts = {n: _script(redis, n) for n in (
            "assign", "enqueue", "release", "transfer", "accept", "unoffer", "line", "place", "overdue")}

    # -- the line ------------------------------------------------------------------------------
    async def enqueue(
        self, conversation_id: str, *, department: str = "", language: str = "", priority: int = 1,
        front: bool = False, now_ms: int = 0,
    ) -> int | None:
        """Add to the line (idempotent); returns the overall position, or None if assigned/offered."""
        k = self.keys
        rank = await self._scripts["enqueue"](
            keys=[k.waiting, k.queue_seq, k.assignment, k.meta, k.offers, k.tickets],
            args=[conversation_id, 0 if front else priority, department, language, now_ms],
        )
        return None if int(rank) < 0 else int(rank) + 1

    async def assign(self, stamp_ms: int, limit: int = 100) -> list[Assignment]:
        k = self.keys
        flat = await self._scripts["assign"](
            keys=[k.waiting, k.online, k.load, k.capacity, k.last_assigned, k.assignment, k.ready_at, k.meta,
                  k.agent_depts, k.agent_langs, k.offers, k.offer_exp, k.declined],
            args=[stamp_ms * 1000, limit, stamp_ms, SCAN_DEPTH, self._dept_spec],
        )
        items = [_str(x) for x in flat]
        return [Assignment(items[i + 1], items[i + 2], offered=items[i] == "o", language=items[i + 3])  # type: ignore[arg-type]
                for i in range(0, len(items), 4)]

    async def release(self, conversation_id: str, handled: tuple[str, float] | None = None) -> str | None:
        """Free the slot (assigned or offered) and the place in line a conversation held.
        ``handled``: (department, seconds) of a chat that ends, recorded as ``record_handle_time``
        does, in the same round trip."""
        k = self.keys
        department, seconds = handled or ("", 0.0)
        agent = await self._scripts["release"](
            keys=[k.waiting, k.load, k.assignment, k.meta, k.offers, k.offer_exp, k.declined, k.handle_avg],
            args=[conversation_id, department, repr(float(seconds))],
        )
        return _str(agent) if agent else None

    async def transfer(self, conversation_id: str, from_agent: str, to_agent: str) -> int:
        """1 moved; 0 not the sender's; -1 target not online; -2 target full."""
        k = self.keys
        return int(await self._scripts["transfer"](
            keys=[k.assignment, k.load, k.capacity, k.online], args=[conversation_id, from_agent, to_agent]
        ))

    async def accept(self, conversation_id: str, agent_id: str, *, any_waiting: bool = False) -> int:
        """1 taken; 0 taken by someone else (or never offered to you); -2 no free slot."""
        k = self.keys
        return int(await self._scripts["accept"](
            keys=[k.offers, k.offer_exp, k.assignment, k.waiting, k.load, k.capacity, k.meta],
            args=[conversation_id, agent_id, "any" if any_waiting else "one"],
        ))

    async def unoffer(self, conversation_id: str, agent_id: str) -> bool:
        """Declined or expired: back in line at its place; this agent is skipped for it. Once
        every online agent has passed, the slate is wiped so the chat can ring again."""
        k = self.keys
        done = bool(await self._scripts["unoffer"](
            keys=[k.offers, k.offer_exp, k.load, k.waiting, k.meta, k.declined], args=[conversation_id, agent_id]
        ))
        if done:
            declined = set((_str(await self.redis.hget(k.declined, conversation_id)) or "").strip("|").split("|"))
            online = {_str(a) for a in await self.redis.smembers(k.online)}
            if online <= declined:
                await self.redis.hdel(k.declined, conversation_id)
        return done

    async def expired_offers(self, now_ms: int) -> list[tuple[str, str]]:
        """(conversation, agent) whose offer ran out."""
        k = self.keys
        out = []
        for raw in await self.redis.zrangebyscore(k.offer_exp, "-inf", now_ms):
            agent = _str(await self.redis.hget(k.offers, raw))
            if agent:
                out.append((_str(raw), agent))  # type: ignore[arg-type]
        return out

    async def attach(self, conversation_id: str, agent_id: str) -> None:
        """Count a chat that never waited in line (an answered offline message) against the
        agent's capacity. The database claim already made it this agent's alone."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.assignment, conversation_id, agent_id)
            pipe.hincrby(self.keys.load, agent_id, 1)
            await pipe.execute()

    async def rest(self, agent_id: str, until_ms: int) -> None:
        """Breathing time: no new chat for this agent before ``until_ms``."""
        await self.redis.hset(self.keys.ready_at, agent_id, until_ms)

    # -- reading the line ----------------------------------------------------------------------
    async def position(self, conversation_id: str) -> int | None:
        status = await self.status(conversation_id)
        return status.position if status else None

    async def line(self) -> dict[str, list[tuple[int, int]]]:
        """Each department's waiting tickets as runs (first ticket, how many), in line order."""
        flat = [_str(x) or "" for x in await self._scripts["line"](keys=[self.keys.waiting, self.keys.meta])]
        return {flat[i]: [(int(a), int(b)) for a, b in (run.split(":") for run in flat[i + 1].split(",") if run)]
                for i in range(0, len(flat), 2)}

    async def waiting(self, limit: int = 100_000) -> list[str]:
        return [m.decode() for m in await self.redis.zrange(self.keys.waiting, 0, limit - 1)]

    async def waiting_details(self, limit: int = 100_000) -> list[Waiting]:
        ids = await self.waiting(limit)
        if not ids:
            return []
        metas = await self.redis.hmget(self.keys.meta, ids)
        out = []
        for conversation_id, raw in zip(ids, metas, strict=True):
            dept, lang, enqueued, _, ticket, *_ = ((_str(raw) or "") + "||||").split("|")
            out.append(Waiting(conversation_id, dept, lang, int(enqueued or 0), int(ticket) if ticket else None))
        return out

    async def overdue(self, now_ms: int) -> list[Waiting]:
        """Waiting past their department's ``max_wait_s`` (departments the queue knows) and not
        flagged yet, in line order; the line is walked in Redis, only these come back."""
        k = self.keys
        spec = ",".join(f"{d.key}:{d.max_wait_s * 1000}" for d in self.departments.values())
        if not spec:
            return []
        flat = [_str(x) or "" for x in await self._scripts["overdue"](keys=[k.waiting, k.meta, k.sla_flagged],
                                                                       args=[now_ms, spec])]
        return [Waiting(flat[i], flat[i + 1], "", int(flat[i + 2])) for i in range(0, len(flat), 3)]

    async def waiting_count(self) -> int:
        return int(await self.redis.zcard(self.keys.waiting))

    async def assigned_agent(self, conversation_id: str) -> str | None:
        return _str(await self.redis.hget(self.keys.assignment, conversation_id))

    async def offered_agent(self, conversation_id: str) -> str | None:
        return _str(await self.redis.hget(self.keys.offers, conversation_id))

    # -- agents --------------------------------------------------------------------------------
    async def set_online(
        self, agent_id: str, capacity: int, open_chats: int, departments: Iterable[str] = (),
        languages: Iterable[str] = (),
    ) -> None:
        """Take chats. ``open_chats`` seeds the load only if Redis has none for this agent."""
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(k.capacity, agent_id, capacity)
            pipe.hsetnx(k.load, agent_id, open_chats)
            pipe.hsetnx(k.last_assigned, agent_id, 0)
            pipe.hset(k.agent_depts, agent_id, _tags(departments))
            pipe.hset(k.agent_langs, agent_id, _tags(languages))
            pipe.sadd(k.online, agent_id)
            await pipe.execute()

    async def prepare(self, agent_id: str, capacity: int, open_chats: int) -> None:
        """Know an agent's capacity and load without making them take chats (a manager accepting
        an overdue chat while not online)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.capacity, agent_id, capacity)
            pipe.hsetnx(self.keys.load, agent_id, open_chats)
            await pipe.execute()

    async def set_unavailable(self, agent_id: str) -> None:
        """Away or offline: keeps the open chats, takes no new ones."""
        await self.redis.srem(self.keys.online, agent_id)

    async def is_online(self, agent_id: str) -> bool:
        return bool(await self.redis.sismember(self.keys.online, agent_id))

    async def load(self, agent_id: str) -> int:
        return int(await self.redis.hget(self.keys.load, agent_id) or 0)

    async def online_agents(self) -> list[tuple[str, str, int, int]]:
        """(agent, departments tag, load, capacity) for every online agent."""
        k = self.keys
        return await self._agents_detail(sorted(a.decode() for a in await self.redis.smembers(k.online)))

    async def _agents_detail(self, agents: list[str]) -> list[tuple[str, str, int, int]]:
        if not agents:
            return []
        k = self.keys
        async with self.redis.pipeline(transaction=False) as pipe:  # one round trip, not three
            pipe.hmget(k.agent_depts, agents)
            pipe.hmget(k.load, agents)
            pipe.hmget(k.capacity, agents)
            depts, loads, caps = await pipe.execute()
        return [(a, _str(d) or "", int(v or 0), int(c or 0)) for a, d, v, c in zip(agents, depts, loads, caps, strict=True)]

    async def serves(self, department: str) -> bool:
        """Is any agent who answers this department online?"""
        return any(not tags or f"|{department}|" in tags for _, tags, _, _ in await self.online_agents())

    # -- estimates -----------------------------------------------------------------------------
    async def record_handle_time(self, department: str, seconds: float) -> None:
        """Rolling average (exponential, weight 0.2) of how long a chat takes, per department."""
        current = await self.redis.hget(self.keys.handle_avg, department)
        value = seconds if current is None else 0.8 * float(current) + 0.2 * seconds
        await self.redis.hset(self.keys.handle_avg, department, round(value, 1))

    async def slots(self, departments: Iterable[str]) -> dict[str, Slots]:
        """Free and total slots of the online agents who answer each department, and its average
        handle time."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.smembers(self.keys.online)
            pipe.hgetall(self.keys.handle_avg)
            online, averages = await pipe.execute()
        return self._slots(departments, await self._agents_detail(sorted(_str(a) for a in online)),  # type: ignore[misc]
                           {_str(k): float(v) for k, v in averages.items()})

    def _slots(self, departments: Iterable[str], agents: list[tuple[str, str, int, int]],
               averages: dict[str | None, float]) -> dict[str, Slots]:
        out = {}
        for dept in departments:
            mine = [(v, c) for _, tags, v, c in agents if not tags or f"|{dept}|" in tags]
            out[dept] = Slots(sum(max(0, c - v) for v, c in mine), sum(c for _, c in mine),
                              averages.get(dept, self.handle_time_s))
        return out

    async def statuses(self) -> dict[str, QueueStatus]:
        """Everyone waiting with their position in their department's line and an estimate built
        from that department's online agents, their free slots and its average handle time. Reads
        the whole line: for tests and tools, not for every event (see ``status`` and ``line``)."""
        waiting = await self.waiting_details()
        if not waiting:
            return {}
        slots = await self.slots({w.department for w in waiting})
        seen: dict[str, int] = defaultdict(int)
        out = {}
        for w in waiting:
            seen[w.department] += 1
            s = slots[w.department]
            out[w.conversation_id] = QueueStatus(seen[w.department], estimate_wait(seen[w.department], s.free, s.total,
                                                 s.handle_s), w.department, w.ticket)
        return out

    async def status(self, conversation_id: str) -> QueueStatus | None:
        """One visitor's place: a ZRANK when the queue serves one department (else a count of
        the same department ahead, in Lua), and its department's slots."""
        k = self.keys
        one = "one" if len(self.departments) == 1 else "many"
        found = await self._scripts["place"](keys=[k.waiting, k.meta], args=[conversation_id, one])
        if not found:
            return None
        position, ticket, dept = int(found[0]), _str(found[1]), _str(found[2]) or ""
        s = (await self.slots([dept]))[dept]
        return QueueStatus(position, estimate_wait(position, s.free, s.total, s.handle_s), dept,
                           int(ticket) if ticket else None)
