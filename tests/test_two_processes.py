"""Two real server processes sharing one Redis and one database (the SQLite file in one data
directory, or one PostgreSQL schema)."""

from __future__ import annotations

import asyncio
import random

import pytest

from chat_server.clock import Clock
from chat_server.services.auth import AuthService
from chat_server.store import create_store

from .conftest import REDIS_URL
from .helpers import Peer, cid, login
from .processes import ServerProcess

AGENTS = 8
CAPACITY = 3
VISITORS = 40


@pytest.fixture
async def two_servers(settings, tmp_path):
    store = create_store(settings)
    await store.open()
    auth = AuthService(store, Clock(), 1)
    agents = [
        await auth.create_agent(email=f"agent{i}@example.com", name=f"Agent {i}", password="password123",
                                capacity=CAPACITY)
        for i in range(AGENTS)
    ]
    await store.close()
    env = {"CHAT_REDIS_URL": REDIS_URL, "CHAT_REDIS_PREFIX": settings.redis_prefix,
           "CHAT_DATA_DIR": settings.data_dir, "CHAT_QUEUE_WHEN_UNSTAFFED": "true",
           "CHAT_LIMIT_CHATS_PER_HOUR": "1000", "CHAT_LIMIT_CONNECTIONS_PER_MINUTE": "1000",
           "CHAT_DATABASE_URL": settings.database_url}
    servers = [ServerProcess(env, tmp_path / f"server{i}.log") for i in range(2)]
    await asyncio.gather(*(s.start() for s in servers))
    yield servers, agents
    for s in servers:
        s.stop()


@pytest.mark.both_databases
async def test_racing_processes_never_double_assign_or_lose_a_visitor(two_servers):
    servers, agents = two_servers
    peers: list[Peer] = []
    try:
        consoles = []
        for i, agent in enumerate(agents):
            server = servers[i % 2]
            peer = Peer(server.url, "/agent")
            peers.append(peer)
            await peer.connect({"token": await login(server.url, agent.email, "password123")})
            consoles.append(peer)
        visitors = []
        for i in range(VISITORS):
            peer = Peer(servers[random.randrange(2)].url, "/visitor")
            peers.append(peer)
            await peer.connect()
            visitors.append(peer)
        # Everyone starts at once while the agents come online at once, on both processes.
        starts = [v.call("chat:start", {"text": f"visitor {i}"}) for i, v in enumerate(visitors)]
        onlines = [c.call("status:set", {"status": "online"}) for c in consoles]
        results = await asyncio.gather(*starts, *onlines)
        acks = results[:VISITORS]
        assert all(a["ok"] for a in results), [a for a in results if not a["ok"]]
        conversation_ids = [a["conversation_id"] for a in acks]

        # 24 slots for 40 visitors: exactly 24 get an agent, 16 wait in order.
        async def assigned_count() -> int:
            return sum(1 for c in consoles for e, _ in c.seen if e == "chat:assigned")

        for _ in range(100):
            if await assigned_count() >= AGENTS * CAPACITY:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # a double assignment would show up now
        got = [(i, d["conversation"]["id"]) for i, c in enumerate(consoles) for e, d in c.seen if e == "chat:assigned"]
        ids = [g[1] for g in got]
        assert len(ids) == len(set(ids)) == AGENTS * CAPACITY
        per_agent = {i: sum(1 for g in got if g[0] == i) for i in range(AGENTS)}
        assert set(per_agent.values()) == {CAPACITY}

        # Each assigned visitor heard of it, whichever process holds its socket.
        for v, conversation_id in zip(visitors, conversation_ids, strict=True):
            if conversation_id in ids:
                assert any(e == "chat:assigned" for e, _ in v.seen) or \
                    (await v.wait_for("chat:assigned", lambda d: True, timeout=5))

        # Closing chats on both processes lets every remaining visitor through; none is lost.
        pending = set(conversation_ids) - set(ids)
        assert len(pending) == VISITORS - AGENTS * CAPACITY
        for i, conversation_id in got:
            ack = await consoles[i].call("chat:close", {"conversation_id": conversation_id})
            assert ack["ok"]

        async def all_assigned() -> bool:
            seen = {d["conversation"]["id"] for c in consoles for e, d in c.seen if e == "chat:assigned"}
            return seen == set(conversation_ids)

        for _ in range(100):
            if await all_assigned():
                break
            await asyncio.sleep(0.1)
        assert await all_assigned()
        total = [d["conversation"]["id"] for c in consoles for e, d in c.seen if e == "chat:assigned"]
        assert len(total) == len(set(total)) == VISITORS
    finally:
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)


async def test_messages_cross_processes(two_servers):
    servers, agents = two_servers
    console = Peer(servers[0].url, "/agent")
    visitor = Peer(servers[1].url, "/visitor")
    try:
        await console.connect({"token": await login(servers[0].url, agents[0].email, "password123")})
        await console.call("status:set", {"status": "online"})
        await visitor.connect()
        ack = await visitor.call("chat:start", {"text": "from process B"})
        conversation_id = ack["conversation_id"]
        await console.next("chat:assigned")
        await visitor.next("chat:assigned")
        await console.call("message:send", {"conversation_id": conversation_id, "text": "from A", "client_id": cid()})
        got = await visitor.wait_for("message:new", lambda d: d["message"]["text"] == "from A")
        assert got["message"]["author"]["kind"] == "agent"
        await visitor.call("message:send", {"conversation_id": conversation_id, "text": "back to A", "client_id": cid()})
        back = await console.wait_for("message:new", lambda d: d["message"]["text"] == "back to A")
        assert back["message"]["seq"] == 4
    finally:
        await console.close()
        await visitor.close()
