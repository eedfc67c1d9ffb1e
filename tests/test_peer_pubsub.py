"""A process alone on its Redis emits without publishing; a second process joining makes it publish
before the newcomer accepts a single connection (realtime/redis_manager.py)."""

from __future__ import annotations

import json

from chat_server.realtime.redis_manager import PeerAwareRedisManager
from chat_server.web.keys import SIO

from .conftest import REDIS_URL
from .helpers import Peer, cid, eventually
from .processes import ServerProcess


def manager_of(server) -> PeerAwareRedisManager:  # type: ignore[no-untyped-def]
    manager = server.app[SIO].manager
    assert isinstance(manager, PeerAwareRedisManager)
    return manager


def process_env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"CHAT_REDIS_URL": REDIS_URL, "CHAT_REDIS_PREFIX": settings.redis_prefix,
            "CHAT_DATA_DIR": settings.data_dir, "CHAT_QUEUE_WHEN_UNSTAFFED": "true",
            "CHAT_LIMIT_CONNECTIONS_PER_MINUTE": "1000", "CHAT_LIMIT_MESSAGES_PER_MINUTE": "1000"}


async def test_a_lone_process_knows_it_is_alone(live_server):
    manager = manager_of(live_server)
    assert manager.subscribed and manager.others == 0 and manager.alone
    assert await manager.count_others() == 0


async def test_a_message_emitted_right_after_a_second_process_starts_arrives(live_server, settings, tmp_path):
    first = live_server
    manager = manager_of(first)
    assert manager.alone
    agent = await first.create_agent()
    console = await first.agent_peer(agent)
    visitor = await first.visitor()
    token = (await visitor.next("session"))["visitor_token"]
    conversation_id = (await visitor.call("chat:start", {"text": "hello"}))["conversation_id"]
    await console.next("chat:assigned")

    second = ServerProcess(process_env(settings), tmp_path / "second.log")
    await second.start()
    tab = Peer(second.url, "/visitor")  # the same visitor opens a tab served by the new process
    try:
        # No waiting: the new process answered /healthz only after this one acknowledged it.
        assert not manager.alone
        await tab.connect({"visitor_token": token})
        assert (await tab.next("session"))["conversation"]["id"] == conversation_id
        # A chat message that looks like the handshake is still a chat message.
        text = json.dumps({"method": "chat_hello", "host_id": "x"})
        ack = await console.call("message:send", {"conversation_id": conversation_id, "text": text, "client_id": cid()})
        assert ack["ok"], ack
        got = await tab.wait_for("message:new", lambda d: d["message"]["text"] == text)
        assert got["message"]["author"]["kind"] == "agent"
        # ... and the other way: the newcomer publishes to the process that was there first.
        await tab.call("message:send", {"conversation_id": conversation_id, "text": "from B", "client_id": cid()})
        await console.wait_for("message:new", lambda d: d["message"]["text"] == "from B")
    finally:
        await tab.close()
        second.stop()

    # Once the second process is gone, the next sweeps' PUBSUB NUMSUB make this one alone again.
    async def alone_again() -> bool:
        await manager.count_others()
        return manager.alone

    assert await eventually(alone_again, timeout=10)
    await console.call("message:send", {"conversation_id": conversation_id, "text": "alone", "client_id": cid()})
    await visitor.wait_for("message:new", lambda d: d["message"]["text"] == "alone")
