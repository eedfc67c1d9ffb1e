"""The live dashboard: pushed to managers over /manage when the queue changes."""

from __future__ import annotations

import pytest
import socketio

from chat_server.clock import FakeClock

from .helpers import Peer, eventually
from .report_data import ts
from .test_reports import http_get


async def manager_peer(server, manager):
    peer = Peer(server.url, "/manage")
    server.peers.append(peer)
    return await peer.connect({"token": await server.token_for(manager)})


async def test_the_dashboard_follows_the_queue_live(settings, server_factory):
    clock = FakeClock(ts("2026-03-02T10:00:00"))
    server = await server_factory(settings, clock)
    mia = await server.create_agent(name="Mia", role="manager")
    anna = await server.create_agent(name="Anna", capacity=2)
    wall = await manager_peer(server, mia)
    first = await wall.next("dashboard:update")
    assert first["waiting"] == 0 and first["agents_online"] == 0 and first["today"]["chats"] == 0

    visitor = await server.visitor()
    await visitor.next("session")
    assert (await visitor.call("chat:start", {"text": "Hi, anyone there?"}))["ok"]
    waiting = await wall.wait_for("dashboard:update", lambda d: d["waiting"] == 1)
    assert waiting["oldest_waiting_since"] == "2026-03-02T10:00:00.000Z"
    assert waiting["today"]["chats"] == 1

    clock.advance(95)
    console = await server.agent_peer(anna)  # comes online: takes the waiting chat
    served = await wall.wait_for("dashboard:update", lambda d: d["waiting"] == 0 and d["agents_online"] == 1)
    assert served["longest_wait_s"] == 0
    assert served["agents"] == [{"id": anna.id, "name": "Anna", "status": "online", "load": 1, "capacity": 2}]
    assert served["today"]["active"] == 1

    conversation_id = (await console.next("chat:assigned"))["conversation"]["id"]
    await console.call("chat:close", {"conversation_id": conversation_id})
    await visitor.next("chat:closed")
    assert (await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": 4}))["ok"]
    rated = await wall.wait_for("dashboard:update", lambda d: d["today"]["ratings"] == 1)
    assert rated["today"]["rating_average"] == 4.0 and rated["today"]["closed"] == 1

    # The same snapshot over HTTP, with the longest wait counted from the oldest waiting chat.
    other = await server.visitor()
    await other.next("session")
    await server.presence.set_agent_status(anna, "away")
    assert (await other.call("chat:start", {"text": "Hello?"}))["ok"]
    clock.advance(42)
    status, body = await http_get(server, "/api/dashboard", await server.token_for(mia))
    assert status == 200 and body["waiting"] == 1 and body["longest_wait_s"] == 42
    assert body["agents"][0]["status"] == "away"


async def test_only_managers_may_watch(live_server):
    anna = await live_server.create_agent(name="Anna")
    peer = Peer(live_server.url, "/manage")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await peer.connect({"token": await live_server.token_for(anna)})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await Peer(live_server.url, "/manage").connect({"token": "nonsense"})


async def test_a_wall_screen_does_not_keep_a_manager_taking_chats(live_server):
    mia = await live_server.create_agent(name="Mia", role="manager")
    console = await live_server.agent_peer(mia)  # online in the console
    wall = await manager_peer(live_server, mia)
    await wall.next("dashboard:update")
    await console.close()  # closing the console makes Mia unavailable despite the wall screen
    await eventually(lambda: _not_online(live_server, mia.id))


async def _not_online(server, agent_id):
    return not await server.chat.queue.is_online(agent_id)
