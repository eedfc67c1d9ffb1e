"""Break things on purpose: Redis restarts, a server process killed mid-chat, the database gone,
a client dropping mid-send. Nothing acknowledged is lost; nothing is duplicated."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import aiohttp
import pytest

from chat_server.app import sweep_once
from chat_server.clock import Clock
from chat_server.redis_backend.embedded import redis_executable
from chat_server.services.auth import AuthService
from chat_server.store import create_store

from .conftest import REDIS_URL, delete_prefix
from .helpers import Peer, cid, eventually, login
from .processes import ServerProcess


class OwnRedis:
    """A redis-server of our own (append-only), so a test may kill and restart it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.socket = Path("/tmp") / f"chat-fault-{folder.parent.name[-20:]}.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def start(self) -> None:
        self.proc = subprocess.Popen(
            [redis_executable(), "--port", "0", "--unixsocket", str(self.socket), "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.socket.exists():
                return
            await asyncio.sleep(0.05)
        raise RuntimeError("redis did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.socket.unlink(missing_ok=True)


@pytest.fixture
async def own_redis(tmp_path):
    redis = OwnRedis(tmp_path / "redis")
    await redis.start()
    yield redis
    redis.kill()


async def health(server) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/healthz") as r:
            return r.status, await r.json()


async def test_redis_restart_mid_chat_loses_nothing_and_recovers(settings, server_factory, own_redis):
    server = await server_factory(settings.replace(redis_url=own_redis.url))
    agent = await server.create_agent(capacity=1)
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "before"})
    conversation_id = ack["conversation_id"]
    await console.next("chat:assigned")
    waiting = await server.visitor()
    await waiting.next("session")
    queued = await waiting.call("chat:start", {"text": "in line"})

    own_redis.kill()
    assert (await health(server))[0] == 503
    # Messages still store and reach this process's sockets while Redis is away.
    during = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "during", "client_id": "d-1"})
    assert during["ok"]
    await console.wait_for("message:new", lambda d: d["message"]["text"] == "during")

    await own_redis.start()  # same append-only file: the queue comes back

    async def recovered():
        await sweep_once(server.app)
        status, body = await health(server)
        return status == 200 and body["pubsub"] == "ok"

    await eventually(recovered, timeout=20, interval=0.5)
    assert await server.chat.queue.assigned_agent(conversation_id) == agent.id
    assert await server.chat.queue.position(queued["conversation_id"]) == 1
    after = await console.call("message:send", {"conversation_id": conversation_id, "text": "after", "client_id": cid()})
    assert after["ok"]
    await visitor.wait_for("message:new", lambda d: d["message"]["text"] == "after")
    again = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "during", "client_id": "d-1"})
    assert again["message"]["id"] == during["message"]["id"]
    texts = [m.text for m in await server.store.messages_after(conversation_id, 0) if m.author_kind != "system"]
    assert texts == ["before", "during", "after"]


async def test_redis_that_lost_everything_is_reconciled_from_the_database(settings, server_factory):
    first = await server_factory(settings)
    a = await first.visitor()
    b = await first.visitor()
    token = (await a.next("session"))["visitor_token"]
    await b.next("session")
    ack_a = await a.call("chat:start", {"text": "first"})
    ack_b = await b.call("chat:start", {"text": "second"})
    await first.stop()
    await delete_prefix(REDIS_URL, settings.redis_prefix)  # Redis restarted without persistence

    second = await server_factory(settings)
    assert await second.chat.queue.waiting() == [ack_a["conversation_id"], ack_b["conversation_id"]]
    back = await second.visitor(token)
    assert (await back.next("session"))["conversation"]["queue"]["position"] == 1


@pytest.mark.both_databases
async def test_killing_a_server_process_mid_chat_loses_nothing(settings, tmp_path):
    store = create_store(settings)
    await store.open()
    agent = await AuthService(store, Clock(), 1).create_agent(email="k@example.com", name="Kim", password="password123")
    await store.close()
    env = {"CHAT_REDIS_URL": REDIS_URL, "CHAT_REDIS_PREFIX": settings.redis_prefix, "CHAT_DATA_DIR": settings.data_dir,
           "CHAT_QUEUE_WHEN_UNSTAFFED": "true", "CHAT_DATABASE_URL": settings.database_url}
    a, b = ServerProcess(env, tmp_path / "a.log"), ServerProcess(env, tmp_path / "b.log")
    await asyncio.gather(a.start(), b.start())
    console = Peer(b.url, "/agent")
    visitor = Peer(a.url, "/visitor")
    try:
        await console.connect({"token": await login(b.url, agent.email, "password123")})
        await console.call("status:set", {"status": "online"})
        await visitor.connect()
        token = (await visitor.next("session"))["visitor_token"]
        ack = await visitor.call("chat:start", {"text": "hello from A"})
        conversation_id = ack["conversation_id"]
        await console.next("chat:assigned")
        got = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system")
        last_seq = got["message"]["seq"]

        a.kill()  # the visitor's process dies mid-chat
        for i in range(3):
            sent = await console.call("message:send", {"conversation_id": conversation_id, "text": f"while away {i}",
                                                       "client_id": cid()})
            assert sent["ok"]
        moved = Peer(b.url, "/visitor")  # the widget reconnects; the load balancer sends it to B
        await moved.connect({"visitor_token": token})
        session = await moved.next("session")
        assert session["conversation"]["id"] == conversation_id
        resumed = await moved.call("chat:resume", {"conversation_id": conversation_id, "after_seq": last_seq})
        assert [m["text"] for m in resumed["messages"]] == [f"while away {i}" for i in range(3)]
        # An unacknowledged send is retried with its client_id: stored once.
        for _ in range(2):
            r = await moved.call("message:send", {"conversation_id": conversation_id, "text": "retry", "client_id": "r-1"})
            assert r["ok"]
        await console.wait_for("message:new", lambda d: d["message"]["text"] == "retry")
        await moved.close()
    finally:
        await console.close()
        await visitor.close()
        a.stop()
        b.stop()


@pytest.mark.both_databases
async def test_database_unavailable_is_a_clear_error_and_recovers(live_server):
    visitor = await live_server.visitor()
    await visitor.next("session")
    await live_server.store.close()
    ack = await visitor.call("chat:start", {"text": "hello"})
    assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
    status, body = await health(live_server)
    assert status == 503 and body["database"] == "error"
    await live_server.store.open()
    assert (await visitor.call("chat:start", {"text": "hello"}))["ok"]
    assert (await health(live_server))[0] == 200


@pytest.mark.both_databases
async def test_client_dropping_mid_send_then_resending_stores_once(live_server):
    visitor = await live_server.visitor()
    token = (await visitor.next("session"))["visitor_token"]
    ack = await visitor.call("chat:start", {"text": "hi"})
    conversation_id = ack["conversation_id"]
    await visitor.sio.emit("message:send", {"conversation_id": conversation_id, "text": "lost ack?", "client_id": "x-1"},
                           namespace="/visitor")
    await visitor.close()  # gone before reading any ack
    again = await live_server.visitor(token)
    await again.next("session")
    r = await again.call("message:send", {"conversation_id": conversation_id, "text": "lost ack?", "client_id": "x-1"})
    assert r["ok"]
    texts = [m.text for m in await live_server.store.messages_after(conversation_id, 0) if m.author_kind == "visitor"]
    assert texts == ["hi", "lost ack?"]
