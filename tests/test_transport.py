"""The product's Engine.IO sockets (realtime/lean_engineio.py): same protocol as python-engineio's,
waiting without a Task per packet. Both ways in: straight to websocket, and long-polling first then
upgraded (what a browser falls back to behind a proxy that holds websockets back)."""

from __future__ import annotations

import asyncio

import pytest

from chat_server.realtime.lean_engineio import LeanSocket
from chat_server.web.keys import SIO

from .helpers import Peer


@pytest.mark.parametrize("transports", [["websocket"], ["polling", "websocket"], ["polling"]])
async def test_a_chat_works_over_every_transport(live_server, transports):
    visitor = Peer(live_server.url, "/visitor")
    live_server.peers.append(visitor)
    await visitor.connect(transports=transports)
    await visitor.next("session")
    if "websocket" in transports:
        for _ in range(50):  # the upgrade from polling finishes shortly after connect
            if visitor.sio.eio.current_transport == "websocket":
                break
            await asyncio.sleep(0.05)
        assert visitor.sio.eio.current_transport == "websocket"
    started = await visitor.call("chat:start", {"text": "hello"})
    assert started["ok"], started
    conversation_id = started["conversation_id"]
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    await console.wait_for("chat:assigned", lambda d: d["conversation"]["id"] == conversation_id)
    for n in range(20):  # several packets in flight at once go out in order, none lost
        sent = await console.call("message:send", {"conversation_id": conversation_id, "text": f"m{n}",
                                                   "client_id": f"k{n}"})
        assert sent["ok"], sent
    texts = []
    while len(texts) < 20:
        message = (await visitor.next("message:new"))["message"]
        if message["author"]["kind"] == "agent":
            texts.append(message["text"])
    assert texts == [f"m{n}" for n in range(20)]
    sockets = live_server.app[SIO].eio.sockets.values()
    assert sockets and all(isinstance(s, LeanSocket) for s in sockets)


def test_the_server_sends_plain_json_packets():
    """Outgoing packets skip the library's search for binary attachments (fast_json.JsonPacket);
    anything that is not JSON fails loudly instead of going out as an attachment."""
    from socketio import packet

    from chat_server.realtime.fast_json import JsonPacket

    ack = JsonPacket(packet.ACK, namespace="/visitor", id=7, data=[{"ok": True, "text": "héllo"}])
    assert ack.encode() == '3/visitor,7[{"ok":true,"text":"héllo"}]'
    event = JsonPacket(packet.EVENT, namespace="/agent", data=["message:new", {"message": {"seq": 1}}])
    assert event.encode() == '2/agent,["message:new",{"message":{"seq":1}}]'
    with pytest.raises(TypeError):
        JsonPacket(packet.EVENT, data=["x", b"raw"]).encode()
    incoming = JsonPacket(encoded_packet='2/visitor,3["message:send",{"text":"hi"}]')
    assert (incoming.packet_type, incoming.id, incoming.data) == (packet.EVENT, 3, ["message:send", {"text": "hi"}])


async def test_the_live_server_uses_the_json_packet(live_server):
    from chat_server.realtime.fast_json import JsonPacket

    assert live_server.app[SIO].packet_class is JsonPacket
