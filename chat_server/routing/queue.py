"""The queue: waiting visitors, agent availability and assignment, all in Redis.

Every state change that two processes could race on is one Lua script (see ``scripts/``), so this
module is testable against a real Redis without any socket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript

from ..redis_backend.keys import Keys

SCRIPTS = Path(__file__).parent / "scripts"


def _script(redis: aioredis.Redis, name: str) -> AsyncScript:
    return redis.register_script((SCRIPTS / f"{name}.lua").read_text())


@dataclass(frozen=True)
class Assignment:
    conversation_id: str
    agent_id: str


@dataclass(frozen=True)
class QueueStatus:
    position: int  # 1 = next in line
    estimated_wait_s: int

    def as_dict(self) -> dict[str, int]:
        return {"position": self.position, "estimated_wait_s": self.estimated_wait_s}


def estimate_wait(position: int, free_slots: int, total_slots: int, handle_time_s: int) -> int:
    """An honest estimate: never zero, and grows with each full 'wave' ahead of the visitor.

    Those within the free slots are served at once (we still say 30 s: a person has to read and
    answer). Beyond that, each wave of ``total_slots`` chats takes about one handle time.
    """
    if position <= free_slots:
        return 30
    if total_slots <= 0:
        return max(60, position * handle_time_s)
    waves = math.ceil((position - free_slots) / total_slots)
    return max(30, waves * handle_time_s)


class Queue:
    """Waiting conversations and agent load. Positions are 1-based."""

    def __init__(self, redis: aioredis.Redis, keys: Keys, handle_time_s: int) -> None:
        self.redis = redis
        self.keys = keys
        self.handle_time_s = handle_time_s
        self._assign = _script(redis, "assign")
        self._enqueue = _script(redis, "enqueue")
        self._release = _script(redis, "release")
        self._transfer = _script(redis, "transfer")

    async def enqueue(self, conversation_id: str, *, front: bool = False) -> int | None:
        """Add to the line (idempotent); returns the position, or None if already assigned."""
        k = self.keys
        rank = await self._enqueue(
            keys=[k.waiting, k.queue_seq, k.assignment], args=[conversation_id, "front" if front else "back"]
        )
        return None if int(rank) < 0 else int(rank) + 1

    async def assign(self, stamp_ms: int, limit: int = 100) -> list[Assignment]:
        k = self.keys
        flat = await self._assign(
            keys=[k.waiting, k.online, k.load, k.capacity, k.last_assigned, k.assignment, k.ready_at],
            args=[stamp_ms * 1000, limit, stamp_ms],
        )
        items = [x.decode() if isinstance(x, bytes) else x for x in flat]
        return [Assignment(items[i], items[i + 1]) for i in range(0, len(items), 2)]

    async def release(self, conversation_id: str) -> str | None:
        """Free the slot (and the place in line) a conversation held; returns the agent it had."""
        k = self.keys
        agent = await self._release(keys=[k.waiting, k.load, k.assignment], args=[conversation_id])
        if not agent:
            return None
        return agent.decode() if isinstance(agent, bytes) else str(agent)

    async def transfer(self, conversation_id: str, from_agent: str, to_agent: str) -> int:
        """1 moved; 0 not the sender's; -1 target not online; -2 target full."""
        k = self.keys
        return int(await self._transfer(
            keys=[k.assignment, k.load, k.capacity, k.online], args=[conversation_id, from_agent, to_agent]
        ))

    async def rest(self, agent_id: str, until_ms: int) -> None:
        """Breathing time: no new chat for this agent before ``until_ms``."""
        await self.redis.hset(self.keys.ready_at, agent_id, until_ms)

    async def position(self, conversation_id: str) -> int | None:
        rank = await self.redis.zrank(self.keys.waiting, conversation_id)
        return None if rank is None else int(rank) + 1

    async def waiting(self, limit: int = 1000) -> list[str]:
        return [m.decode() for m in await self.redis.zrange(self.keys.waiting, 0, limit - 1)]

    async def waiting_count(self) -> int:
        return int(await self.redis.zcard(self.keys.waiting))

    async def assigned_agent(self, conversation_id: str) -> str | None:
        agent = await self.redis.hget(self.keys.assignment, conversation_id)
        return agent.decode() if agent else None

    async def set_online(self, agent_id: str, capacity: int, open_chats: int) -> None:
        """Take chats. ``open_chats`` seeds the load only if Redis has none for this agent."""
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(k.capacity, agent_id, capacity)
            pipe.hsetnx(k.load, agent_id, open_chats)
            pipe.hsetnx(k.last_assigned, agent_id, 0)
            pipe.sadd(k.online, agent_id)
            await pipe.execute()

    async def set_unavailable(self, agent_id: str) -> None:
        """Away or offline: keeps the open chats, takes no new ones."""
        await self.redis.srem(self.keys.online, agent_id)

    async def is_online(self, agent_id: str) -> bool:
        return bool(await self.redis.sismember(self.keys.online, agent_id))

    async def load(self, agent_id: str) -> int:
        return int(await self.redis.hget(self.keys.load, agent_id) or 0)

    async def slots(self) -> tuple[int, int]:
        """(free, total) chat slots across online agents."""
        k = self.keys
        agents = [a.decode() for a in await self.redis.smembers(k.online)]
        if not agents:
            return 0, 0
        caps = await self.redis.hmget(k.capacity, agents)
        loads = await self.redis.hmget(k.load, agents)
        total = sum(int(c or 0) for c in caps)
        free = sum(max(0, int(c or 0) - int(v or 0)) for c, v in zip(caps, loads, strict=True))
        return free, total

    async def status(self, conversation_id: str) -> QueueStatus | None:
        position = await self.position(conversation_id)
        if position is None:
            return None
        free, total = await self.slots()
        return QueueStatus(position, estimate_wait(position, free, total, self.handle_time_s))

    async def statuses(self, limit: int = 1000) -> dict[str, QueueStatus]:
        """Everyone waiting with their position and estimate, from one read of the line."""
        free, total = await self.slots()
        return {
            conversation_id: QueueStatus(i, estimate_wait(i, free, total, self.handle_time_s))
            for i, conversation_id in enumerate(await self.waiting(limit), start=1)
        }
