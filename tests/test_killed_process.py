"""A server process killed with SIGKILL cannot remove its sockets from the Redis presence sets; the
surviving process notices its heartbeat expired, removes them, and runs the usual grace and
requeue logic. Two real ``chat-server run`` processes against the real Redis."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from chat_server.clock import Clock
from chat_server.redis_backend.keys import Keys
from chat_server.services.auth import AuthService
from chat_server.store import create_store

from .conftest import REDIS_URL
from .helpers import Peer, eventually, login
from .processes import ServerProcess


@pytest.fixture
async def doomed_and_survivor(settings, tmp_path):
    store = create_store(settings)
    await store.open()
    agent = await AuthService(store, Clock(), 1).create_agent(
        email="anna@example.com", name="Anna", password="password123", capacity=1)
    await store.close()
    env = {"CHAT_REDIS_URL": REDIS_URL, "CHAT_REDIS_PREFIX": settings.redis_prefix,
           "CHAT_DATA_DIR": settings.data_dir, "CHAT_QUEUE_WHEN_UNSTAFFED": "true",
           "CHAT_PROCESS_TIMEOUT_S": "5", "CHAT_AGENT_DISCONNECT_GRACE_S": "2",
           "CHAT_LIMIT_CONNECTIONS_PER_MINUTE": "1000", "CHAT_DATABASE_URL": settings.database_url}
    servers = [ServerProcess(env, tmp_path / f"server{i}.log") for i in range(2)]
    await asyncio.gather(*(s.start() for s in servers))
    yield servers, agent
    for s in servers:
        s.stop()


@pytest.mark.timeout(120)
async def test_killed_process_sockets_are_cleaned_and_its_agents_chats_requeued(doomed_and_survivor, settings):
    (doomed, survivor), agent = doomed_and_survivor
    keys = Keys(settings.redis_prefix)
    redis = aioredis.from_url(REDIS_URL)
    console = Peer(doomed.url, "/agent")
    served = Peer(survivor.url, "/visitor")
    waiting = Peer(doomed.url, "/visitor")
    try:
        await console.connect({"token": await login(doomed.url, agent.email, "password123")})
        assert (await console.call("status:set", {"status": "online"}))["ok"]
        await served.connect()
        first = await served.call("chat:start", {"text": "served by Anna"})
        assert first["ok"] and first["status"] == "assigned", first
        await waiting.connect()
        second = await waiting.call("chat:start", {"text": "waiting in line"})
        assert second["ok"] and second["status"] == "queued", second
        assert await redis.scard(keys.agent_sockets(agent.id)) == 1
        assert await redis.scard(keys.visitor_sockets(second["conversation_id"])) == 1
        assert await redis.scard(keys.processes) == 2

        doomed.kill()  # SIGKILL: no disconnect handlers run

        async def cleaned() -> bool:
            return (await redis.scard(keys.agent_sockets(agent.id)) == 0
                    and await redis.scard(keys.visitor_sockets(second["conversation_id"])) == 0
                    and await redis.scard(keys.processes) == 1)

        await eventually(cleaned, timeout=60, interval=0.5)
        # The waiting visitor's widget counts as gone (abandonment runs from here)...
        assert await redis.zscore(keys.visitors_gone, second["conversation_id"]) is not None
        # ...and after the grace period Anna's chat goes back to the head of the line, visitor told.
        told = await served.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system"
                                     and "step away" in d["message"]["text"], timeout=60)
        assert told["message"]["conversation_id"] == first["conversation_id"]
        assert await redis.get(keys.agent_status(agent.id)) == b"away"
        assert await redis.zscore(keys.waiting, first["conversation_id"]) is not None
        # Only the survivor's heartbeat and socket index are left.
        assert len([k async for k in redis.scan_iter(f"{settings.redis_prefix}:proc:*")]) == 2
    finally:
        await asyncio.gather(console.close(), served.close(), waiting.close(), return_exceptions=True)
        await redis.aclose()
