"""A visitor and an agent chat end to end over real Socket.IO clients."""

from __future__ import annotations

import aiohttp
import pytest

from .helpers import Peer, cid, eventually

pytestmark = pytest.mark.both_databases

XSS = "<img src=x onerror=alert(1)>"


async def start_chat(visitor, text="Hello, I need help with my order", **extra):
    session = await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": text, **extra})
    assert ack["ok"], ack
    return session, ack


async def test_visitor_and_agent_chat_close_and_rate(live_server):
    agent = await live_server.create_agent(name="Anna")
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    session, ack = await start_chat(visitor, name="Maria", email="maria@example.com", page_url="https://shop.test/p/1")
    assert session["conversation"] is None and len(session["visitor_token"]) >= 22
    assert ack["status"] == "assigned" and ack["queue"] is None
    conversation_id = ack["conversation_id"]

    assigned = await console.next("chat:assigned")
    conv = assigned["conversation"]
    assert conv["id"] == conversation_id
    assert conv["visitor"]["name"] == "Maria" and conv["visitor"]["email"] == "maria@example.com"
    assert [m["seq"] for m in conv["messages"]] == [1, 2]
    assert conv["messages"][0]["text"] == "Hello, I need help with my order"
    assert conv["messages"][1]["author"]["kind"] == "system"
    assert "visitor_token" not in str(assigned) and session["visitor_token"] not in str(assigned)
    assert (await visitor.next("chat:assigned"))["agent"] == {"name": "Anna"}

    reply = await console.call("message:send", {"conversation_id": conversation_id, "text": "Hi Maria!", "client_id": cid()})
    assert reply["ok"] and reply["message"]["seq"] == 3
    got = await visitor.wait_for("message:new", lambda d: d["message"]["seq"] == 3)
    assert got["message"]["author"] == {"kind": "agent", "name": "Anna"}

    sent = await visitor.call("message:send", {"conversation_id": conversation_id, "text": XSS, "client_id": cid()})
    assert sent["ok"] and sent["message"]["text"] == XSS
    incoming = await console.wait_for("message:new", lambda d: d["message"]["seq"] == 4)
    assert incoming["message"]["author"]["kind"] == "visitor"

    assert (await visitor.call("typing", {"conversation_id": conversation_id, "typing": True}))["ok"]
    assert (await console.next("typing")) == {"conversation_id": conversation_id, "typing": True}

    assert (await console.call("chat:close", {"conversation_id": conversation_id}))["ok"]
    closed = await visitor.next("chat:closed")
    assert closed == {
        "conversation_id": conversation_id, "closed_by": "agent", "rating_scale": "stars5", "survey_question": None,
    }

    rated = await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": 5, "comment": "Great"})
    assert rated["ok"] and rated["rating"]["score"] == 5
    again = await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": 4})
    assert again["error"]["code"] == "already_rated"

    token = await live_server.token_for(agent)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{live_server.url}/api/conversations/{conversation_id}",
                            headers={"Authorization": f"Bearer {token}"}) as r:
            body = await r.json()
    assert r.status == 200
    assert body["conversation"]["rating"]["score"] == 5
    assert body["conversation"]["status"] == "closed"
    assert [m["text"] for m in body["conversation"]["messages"]][2:] == ["Hi Maria!", XSS]


async def test_client_id_is_idempotent(live_server):
    visitor = await live_server.visitor()
    _, ack = await start_chat(visitor)
    conversation_id = ack["conversation_id"]
    payload = {"conversation_id": conversation_id, "text": "only once", "client_id": "fixed-1"}
    first = await visitor.call("message:send", payload)
    second = await visitor.call("message:send", payload)
    assert first["ok"] and second["ok"]
    assert first["message"] == second["message"]
    messages = await live_server.store.messages_after(conversation_id, 0)
    assert [m.text for m in messages if m.author_kind == "visitor"] == ["Hello, I need help with my order", "only once"]
    # The resend took no seq: the next message follows the first copy directly (SQLite inserts
    # first and gives the seq back on a conflict, sqlite_hot._insert).
    after = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "next", "client_id": cid()})
    assert after["message"]["seq"] == first["message"]["seq"] + 1
    conversation = await live_server.store.get_conversation(conversation_id)
    assert conversation is not None and conversation.last_seq == after["message"]["seq"]


async def test_agent_resend_is_idempotent_and_only_the_assigned_agent_writes(live_server):
    anna, ben = await live_server.create_agent(), await live_server.create_agent(name="Ben")
    console = await live_server.agent_peer(anna)
    visitor = await live_server.visitor()
    _, ack = await start_chat(visitor)
    conversation_id = ack["conversation_id"]
    await console.next("chat:assigned")
    payload = {"conversation_id": conversation_id, "text": "Happy to help!", "client_id": "agent-1"}
    first, second = await console.call("message:send", payload), await console.call("message:send", payload)
    assert first["ok"] and first["message"] == second["message"]
    other = await live_server.agent_peer(ben)
    refused = await other.call("message:send", {"conversation_id": conversation_id, "text": "not mine",
                                                "client_id": cid()})
    assert refused["ok"] is False
    texts = [m.text for m in await live_server.store.messages_after(conversation_id, 0) if m.author_kind == "agent"]
    assert texts == ["Happy to help!"]
    after = await console.call("message:send", {"conversation_id": conversation_id, "text": "more", "client_id": cid()})
    assert after["message"]["seq"] == first["message"]["seq"] + 1


async def test_resume_after_reconnect_returns_exactly_the_missed_messages(live_server):
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    session, ack = await start_chat(visitor)
    conversation_id = ack["conversation_id"]
    await console.next("chat:assigned")
    await visitor.wait_for("message:new", lambda d: d["message"]["seq"] == 2)
    await visitor.close()

    for i in range(3):
        r = await console.call("message:send", {"conversation_id": conversation_id, "text": f"m{i}", "client_id": cid()})
        assert r["ok"]

    again = await live_server.visitor(session["visitor_token"])
    resumed_session = await again.next("session")
    assert resumed_session["visitor_token"] == session["visitor_token"]
    assert resumed_session["conversation"]["id"] == conversation_id
    assert resumed_session["conversation"]["agent"] == {"name": "Anna"}
    resumed = await again.call("chat:resume", {"conversation_id": conversation_id, "after_seq": 2})
    assert resumed["ok"]
    assert [(m["seq"], m["text"]) for m in resumed["messages"]] == [(3, "m0"), (4, "m1"), (5, "m2")]
    # Still subscribed: the next agent message arrives live.
    await console.call("message:send", {"conversation_id": conversation_id, "text": "live", "client_id": cid()})
    live = await again.wait_for("message:new", lambda d: d["message"]["seq"] == 6)
    assert live["message"]["text"] == "live"


async def test_visitor_can_end_chat_and_agent_is_told(live_server):
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    _, ack = await start_chat(visitor)
    await console.next("chat:assigned")
    assert (await visitor.call("chat:end", {"conversation_id": ack["conversation_id"]}))["ok"]
    assert (await console.next("chat:closed"))["closed_by"] == "visitor"
    late = await visitor.call("message:send", {"conversation_id": ack["conversation_id"], "text": "x", "client_id": cid()})
    assert late["error"]["code"] == "conversation_closed"
    # The freed slot means the agent's load is back to zero.
    assert await live_server.chat.queue.load(agent.id) == 0


async def test_agent_reload_restores_open_chats_and_status(live_server):
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    _, ack = await start_chat(visitor)
    await console.next("chat:assigned")
    await console.close()

    async def offline():
        return not await live_server.chat.queue.is_online(agent.id)

    await eventually(offline)
    again = Peer(live_server.url, "/agent")
    live_server.peers.append(again)
    await again.connect({"token": await live_server.token_for(agent)})
    state = await again.next("agent:state")
    assert state["agent"]["status"] == "online"
    assert [c["id"] for c in state["conversations"]] == [ack["conversation_id"]]
    assert await live_server.chat.queue.is_online(agent.id)


async def test_visitor_reload_keeps_queue_place(live_server):
    visitor = await live_server.visitor()
    session, ack = await start_chat(visitor)
    assert ack["status"] == "queued" and ack["queue"]["position"] == 1
    assert ack["queue"]["estimated_wait_s"] > 0
    await visitor.close()
    again = await live_server.visitor(session["visitor_token"])
    restored = (await again.next("session"))["conversation"]
    assert restored["status"] == "queued" and restored["queue"]["position"] == 1
    agent = await live_server.create_agent()
    await live_server.agent_peer(agent)
    assigned = await again.next("chat:assigned")
    assert assigned["conversation_id"] == ack["conversation_id"]


async def test_sender_gets_its_message_in_the_ack_and_its_other_tabs_live(live_server):
    """The sending socket is not sent its own ``message:new`` (the ack carries it); the same
    visitor's or agent's other tabs are, so they stay in step."""
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    other_console = await live_server.agent_peer(agent, online=False)
    visitor = await live_server.visitor()
    session, ack = await start_chat(visitor)
    conversation_id = ack["conversation_id"]
    await console.next("chat:assigned")
    await visitor.wait_for("message:new", lambda d: d["message"]["seq"] == 2)
    other_tab = await live_server.visitor(session["visitor_token"])
    assert (await other_tab.next("session"))["conversation"]["id"] == conversation_id

    sent = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "from tab 1", "client_id": cid()})
    assert sent["ok"] and sent["message"]["seq"] == 3
    assert (await other_tab.wait_for("message:new", lambda d: d["message"]["seq"] == 3))["message"]["text"] == "from tab 1"
    await console.wait_for("message:new", lambda d: d["message"]["seq"] == 3)
    await other_console.wait_for("message:new", lambda d: d["message"]["seq"] == 3)

    reply = await console.call("message:send", {"conversation_id": conversation_id, "text": "from console 1", "client_id": cid()})
    assert reply["ok"] and reply["message"]["seq"] == 4
    assert (await other_console.wait_for("message:new", lambda d: d["message"]["seq"] == 4))["message"]["text"] == "from console 1"
    # A socket's events arrive in order: once seq 4 is in, an echo of seq 3 would be too.
    assert (await visitor.wait_for("message:new", lambda d: d["message"]["seq"] == 4))["message"]["text"] == "from console 1"
    assert (await other_tab.wait_for("message:new", lambda d: d["message"]["seq"] == 4))
    assert (await visitor.call("message:send", {"conversation_id": conversation_id, "text": "last", "client_id": cid()}))["ok"]
    await console.wait_for("message:new", lambda d: d["message"]["seq"] == 5)
    assert not [e for e, d in visitor.seen if e == "message:new" and d["message"]["seq"] == 3]
    assert not [e for e, d in console.seen if e == "message:new" and d["message"]["seq"] == 4]


async def test_the_console_that_closes_a_chat_learns_it_from_its_ack_and_the_agents_other_tabs_hear_it(live_server):
    agent = await live_server.create_agent()
    closing = await live_server.agent_peer(agent)
    other_tab = await live_server.agent_peer(agent, online=False)
    visitor = await live_server.visitor()
    conversation_id = (await visitor.call("chat:start", {"text": "hello"}))["conversation_id"]
    await closing.next("chat:assigned")
    assert (await closing.call("chat:close", {"conversation_id": conversation_id}))["ok"]
    assert (await other_tab.next("chat:closed"))["conversation_id"] == conversation_id
    assert (await visitor.next("chat:closed"))["closed_by"] == "agent"
    assert not closing.drain("chat:closed")  # one frame fewer per chat: the ack said it
