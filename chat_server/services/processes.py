"""Which server processes are alive, and which sockets each one holds in the presence sets.

A process that is stopped removes its sockets from presence as they disconnect; one that is killed
(kill -9, OOM, a lost VM) cannot. So every process keeps a heartbeat key with a TTL and an index of
the presence entries it added. Another process's sweeper that finds a registered process whose
heartbeat expired claims it (SREM from the registry: exactly one claimer wins) and gets its entries
back, so presence can treat each as a disconnect and run the usual grace and requeue logic.
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis

from ..redis_backend.keys import Keys

AGENT, VISITOR = "a", "v"
Entry = tuple[str, str, str]  # (AGENT | VISITOR, agent or conversation id, socket id)


class ProcessRegistry:
    def __init__(self, redis: aioredis.Redis, keys: Keys, timeout_s: int, process_id: str | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.timeout_s = timeout_s
        self.id = process_id or uuid.uuid4().hex[:16]
        self._registered = False

    async def track(self, kind: str, owner: str, sid: str) -> None:
        await self.redis.sadd(self.keys.process_sockets(self.id), f"{kind}|{owner}|{sid}")

    async def untrack(self, kind: str, owner: str, sid: str) -> None:
        await self.redis.srem(self.keys.process_sockets(self.id), f"{kind}|{owner}|{sid}")

    async def heartbeat(self) -> bool:
        """Refresh this process's heartbeat. False when another process had already presumed it
        dead (it stalled past the timeout) and removed its sockets from presence: the caller must
        make its clients reconnect so presence is rebuilt."""
        # Not a transaction: the two keys need no atomicity, and would sit in two Cluster slots.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self.keys.process_alive(self.id), "1", ex=self.timeout_s)
            pipe.sadd(self.keys.processes, self.id)
            _, added = await pipe.execute()
        swept = self._registered and bool(added)
        self._registered = True
        return not swept

    async def claim_dead(self) -> list[str]:
        """Registered processes whose heartbeat expired, each claimed by exactly one caller."""
        claimed = []
        for raw in await self.redis.smembers(self.keys.processes):
            process_id = raw.decode()
            if process_id == self.id or await self.redis.exists(self.keys.process_alive(process_id)):
                continue
            if await self.redis.srem(self.keys.processes, process_id):
                claimed.append(process_id)
        return claimed

    async def take_entries(self, process_id: str) -> list[Entry]:
        """A claimed dead process's presence entries; its index is deleted."""
        key = self.keys.process_sockets(process_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.smembers(key)
            pipe.delete(key)
            members, _ = await pipe.execute()
        entries = []
        for raw in members:
            kind, owner, sid = raw.decode().split("|", 2)
            entries.append((kind, owner, sid))
        return entries

    async def leave(self) -> None:
        """A clean stop: sockets have disconnected; forget this process."""
        async with self.redis.pipeline(transaction=False) as pipe:  # one key per command: Cluster-safe
            pipe.srem(self.keys.processes, self.id)
            pipe.delete(self.keys.process_alive(self.id))
            pipe.delete(self.keys.process_sockets(self.id))
            await pipe.execute()
