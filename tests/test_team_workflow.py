"""Notes, transfers, close outcomes, follow-ups, the agent-disconnect grace, search and accounts."""

from __future__ import annotations

import aiohttp
import pytest

from chat_server.clock import FakeClock

from .helpers import Peer, cid, eventually


async def open_chat(server, agent, text="My parcel is late", **extra):
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": text, **extra})
    assert ack["ok"]
    await console.next("chat:assigned")
    return console, visitor, ack["conversation_id"]


async def api(server, agent, method, path, body=None):
    token = await server.token_for(agent)
    async with aiohttp.ClientSession() as http:
        async with http.request(method, server.url + path, json=body,
                                headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status, await r.json()


@pytest.mark.both_databases
async def test_notes_reach_staff_and_never_the_visitor(live_server):
    agent = await live_server.create_agent(name="Anna")
    manager = await live_server.create_agent(name="Boss", role="manager")
    console, visitor, conversation_id = await open_chat(live_server, agent)
    boss = await live_server.agent_peer(manager, online=False)
    watched = await boss.call("chat:watch", {"conversation_id": conversation_id})
    assert watched["ok"] and watched["conversation"]["id"] == conversation_id

    ack = await console.call("note:add", {"conversation_id": conversation_id, "text": "VIP customer"})
    assert ack["ok"] and ack["note"]["kind"] == "note"
    for peer in (console, boss):
        got = await peer.next("note:new")
        assert got["note"]["text"] == "VIP customer"
    whisper = await boss.call("note:add", {"conversation_id": conversation_id, "text": "Offer a refund"})
    assert whisper["ok"] and whisper["note"]["kind"] == "whisper"
    assert (await console.wait_for("note:new", lambda d: d["note"]["kind"] == "whisper"))["note"]["text"] == "Offer a refund"

    # The visitor keeps chatting and sees messages, but nothing about notes ever.
    await console.call("message:send", {"conversation_id": conversation_id, "text": "On it!", "client_id": cid()})
    await visitor.wait_for("message:new", lambda d: d["message"]["text"] == "On it!")
    assert all("note" not in event for event, _ in visitor.seen)
    assert "VIP customer" not in str(visitor.seen) and "Offer a refund" not in str(visitor.seen)
    resumed = await visitor.call("chat:resume", {"conversation_id": conversation_id, "after_seq": 0})
    assert "VIP" not in str(resumed)
    # The manager watching sees the live transcript too.
    await boss.wait_for("message:new", lambda d: d["message"]["text"] == "On it!")


@pytest.mark.both_databases
async def test_transfer_carries_transcript_and_handover_note(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    console, visitor, conversation_id = await open_chat(live_server, anna)
    ben_console = await live_server.agent_peer(ben)
    await console.call("message:send", {"conversation_id": conversation_id, "text": "Let me check", "client_id": cid()})

    ack = await console.call("chat:transfer", {"conversation_id": conversation_id, "to_agent_id": ben.id,
                                               "note": "Wants a refund for order 1234"})
    assert ack["ok"] and ack["agent"]["name"] == "Ben"
    got = await ben_console.next("chat:assigned")
    conv = got["conversation"]
    assert conv["id"] == conversation_id and got["transferred_from"] == "Anna"
    assert [m["text"] for m in conv["messages"]][:3] == ["My parcel is late", "Anna joined the chat.", "Let me check"]
    assert conv["notes"][0]["kind"] == "handover" and conv["notes"][0]["text"] == "Wants a refund for order 1234"
    assert (await console.next("chat:removed"))["conversation_id"] == conversation_id
    line = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system"
                                  and "Ben" in d["message"]["text"])
    assert line["message"]["text"] == "Ben has joined the chat."
    assert "refund" not in str(visitor.seen)
    assert (await visitor.wait_for("chat:assigned", lambda d: d["agent"]["name"] == "Ben"))

    # Ben now owns it; Anna can read but no longer write.
    assert (await ben_console.call("message:send", {"conversation_id": conversation_id, "text": "Hi, Ben here", "client_id": cid()}))["ok"]
    denied = await console.call("message:send", {"conversation_id": conversation_id, "text": "x", "client_id": cid()})
    assert denied["error"]["code"] == "not_found"
    assert (await console.call("chat:detail", {"conversation_id": conversation_id}))["ok"]
    assert await live_server.chat.queue.load(anna.id) == 0 and await live_server.chat.queue.load(ben.id) == 1


async def test_transfer_errors(live_server):
    anna = await live_server.create_agent(name="Anna")
    away = await live_server.create_agent(name="Away")
    console, _, conversation_id = await open_chat(live_server, anna)
    await live_server.agent_peer(away, online=False)
    cases = [
        ({"to_agent_id": away.id}, "conflict"),
        ({"to_agent_id": "a_ffffffffffffffff"}, "not_found"),
        ({"to_agent_id": "nonsense"}, "not_found"),
        ({"to_agent_id": {"$ne": 1}}, "invalid_payload"),
        ({}, "invalid_payload"),
        ({"to_agent_id": anna.id}, "invalid_payload"),
    ]
    for payload, code in cases:
        ack = await console.call("chat:transfer", {"conversation_id": conversation_id, **payload})
        assert ack["error"]["code"] == code, (payload, ack)
    assert (await live_server.store.get_conversation(conversation_id)).agent_id == anna.id


@pytest.mark.both_databases
async def test_close_with_follow_up_then_mark_done(live_server):
    agent = await live_server.create_agent(name="Anna")
    console, visitor, conversation_id = await open_chat(live_server, agent, name="Maria")
    bad = await console.call("chat:close", {"conversation_id": conversation_id, "outcome": "follow_up"})
    assert bad["error"]["code"] == "invalid_payload"
    bad = await console.call("chat:close", {"conversation_id": conversation_id, "outcome": "follow_up", "due_date": "31/12/2026"})
    assert bad["error"]["code"] == "invalid_payload"
    bad = await console.call("chat:close", {"conversation_id": conversation_id, "outcome": "maybe"})
    assert bad["error"]["code"] == "invalid_payload"
    assert (await live_server.store.get_conversation(conversation_id)).status == "assigned"

    ack = await console.call("chat:close", {"conversation_id": conversation_id, "outcome": "follow_up",
                                            "due_date": "2026-12-01", "note": "Call back with tracking"})
    assert ack["ok"] and ack["follow_up"]["due_date"] == "2026-12-01"
    await visitor.next("chat:closed")
    status, body = await api(live_server, agent, "GET", "/api/follow-ups")
    assert status == 200 and [f["note"] for f in body["items"]] == ["Call back with tracking"]
    assert body["items"][0]["visitor_name"] == "Maria"
    follow_up_id = body["items"][0]["id"]

    other = await live_server.create_agent(name="Other")
    assert (await api(live_server, other, "POST", f"/api/follow-ups/{follow_up_id}/done"))[0] == 404
    status, body = await api(live_server, agent, "POST", f"/api/follow-ups/{follow_up_id}/done")
    assert status == 200 and body["follow_up"]["done_by"] == agent.id and body["follow_up"]["done_at"]
    assert (await api(live_server, agent, "POST", f"/api/follow-ups/{follow_up_id}/done"))[0] == 409
    assert (await api(live_server, agent, "GET", "/api/follow-ups"))[1]["items"] == []
    conv = (await api(live_server, agent, "GET", f"/api/conversations/{conversation_id}"))[1]["conversation"]
    assert conv["outcome"] == "follow_up"


async def test_console_gone_past_grace_requeues_chats_at_the_head(settings, server_factory):
    clock = FakeClock(start=1_900_000_000)
    server = await server_factory(settings.replace(agent_disconnect_grace_s=30), clock=clock)
    anna = await server.create_agent(name="Anna")
    console, visitor, conversation_id = await open_chat(server, anna)
    waiting = await server.visitor()
    await waiting.next("session")
    assert (await waiting.call("chat:start", {"text": "me too"}))["ok"]  # Anna has room: assigned
    third = await server.visitor()
    await third.next("session")
    await console.close()

    async def gone():
        return not await server.chat.queue.is_online(anna.id)

    await eventually(gone)
    clock.advance(10)
    assert await server.presence.sweep_gone_agents() == []  # still within grace
    clock.advance(25)
    assert await server.presence.sweep_gone_agents() == [anna.id]
    assert await server.presence.agent_status(anna) == "away"
    conv = await server.store.get_conversation(conversation_id, with_messages=True)
    assert conv.status == "queued" and conv.agent_id is None
    assert "step away" in conv.messages[-1].text
    assert await server.chat.queue.position(conversation_id) in (1, 2)
    # A visitor who arrives now queues behind the returned chats.
    assert (await third.call("chat:start", {"text": "new"}))["queue"]["position"] == 3
    note = await visitor.wait_for("message:new", lambda d: "step away" in d["message"]["text"])
    assert note["message"]["author"]["kind"] == "system"

    ben = await server.create_agent(name="Ben")
    ben_console = await server.agent_peer(ben)
    got = await ben_console.wait_for("chat:assigned", lambda d: d["conversation"]["id"] == conversation_id)
    assert got["conversation"]["messages"][0]["text"] == "My parcel is late"


async def test_reconnect_within_grace_keeps_everything(settings, server_factory):
    clock = FakeClock(start=1_900_000_000)
    server = await server_factory(settings, clock=clock)
    anna = await server.create_agent(name="Anna")
    console, _, conversation_id = await open_chat(server, anna)
    await console.close()
    clock.advance(10)
    again = Peer(server.url, "/agent")
    server.peers.append(again)
    await again.connect({"token": await server.token_for(anna)})
    assert (await again.next("agent:state"))["agent"]["status"] == "online"
    clock.advance(60)
    assert await server.presence.sweep_gone_agents() == []
    assert (await server.store.get_conversation(conversation_id)).agent_id == anna.id


async def test_breathing_time_delays_the_next_chat(settings, server_factory):
    clock = FakeClock(start=1_900_000_000)
    server = await server_factory(settings.replace(breathing_time_s=20, agent_capacity=1), clock=clock)
    anna = await server.create_agent(name="Anna")
    console, _, conversation_id = await open_chat(server, anna)
    nxt = await server.visitor()
    await nxt.next("session")
    queued = await nxt.call("chat:start", {"text": "next"})
    assert queued["status"] == "queued"
    await console.call("chat:close", {"conversation_id": conversation_id})
    assert await server.router.dispatch() == []
    clock.advance(21)
    assert [a.conversation_id for a in await server.router.dispatch()] == [queued["conversation_id"]]


@pytest.mark.both_databases
async def test_visitor_context_and_history(live_server):
    agent = await live_server.create_agent(name="Anna")
    console, visitor, first = await open_chat(live_server, agent, email="maria@example.com",
                                              page_title="Order status", timezone="Europe/Bratislava")
    await console.call("chat:close", {"conversation_id": first})
    await visitor.call("chat:rate", {"conversation_id": first, "score": 4})
    # Same email from another browser: the agent still sees the earlier chat.
    other = await live_server.visitor()
    await other.next("session")
    ack = await other.call("chat:start", {"text": "Hello again", "email": "maria@example.com"})
    got = await console.wait_for("chat:assigned", lambda d: d["conversation"]["id"] == ack["conversation_id"])
    detail = await console.call("chat:detail", {"conversation_id": got["conversation"]["id"]})
    history = detail["conversation"]["history"]
    assert [h["id"] for h in history] == [first]
    assert history[0]["rating"]["score"] == 4
    status, body = await api(live_server, agent, "GET", f"/api/conversations/{first}")
    visitor_info = body["conversation"]["visitor"]
    assert visitor_info["page_title"] == "Order status" and visitor_info["timezone"] == "Europe/Bratislava"
    assert "python" in visitor_info["user_agent"].lower()


@pytest.mark.both_databases
async def test_search_by_text_name_email_and_visibility(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    manager = await live_server.create_agent(name="Boss", role="manager")
    console, _, c1 = await open_chat(live_server, anna, text="My refrigerator is broken", name="Zoe",
                                     email="zoe@example.com")
    await console.call("chat:close", {"conversation_id": c1})
    status, body = await api(live_server, anna, "GET", "/api/conversations?q=refrig")
    assert status == 200 and [c["id"] for c in body["items"]] == [c1]
    assert [c["id"] for c in (await api(live_server, anna, "GET", "/api/conversations?q=zoe"))[1]["items"]] == [c1]
    assert [c["id"] for c in (await api(live_server, anna, "GET", "/api/conversations?visitor_email=zoe@example.com"))[1]["items"]] == [c1]
    assert (await api(live_server, ben, "GET", "/api/conversations?q=refrigerator"))[1]["items"] == []
    assert [c["id"] for c in (await api(live_server, manager, "GET", "/api/conversations?q=refrigerator"))[1]["items"]] == [c1]
    assert (await api(live_server, ben, "GET", f"/api/conversations?agent_id={anna.id}"))[0] == 403
    # FTS syntax in the query is just text.
    assert (await api(live_server, anna, "GET", '/api/conversations?q="AND OR NEAR(*'))[0] == 200
    assert (await api(live_server, anna, "GET", "/api/conversations?from=2026-13-01"))[0] == 400
    assert (await api(live_server, anna, "GET", "/api/conversations?from=2000-01-01&to=2000-01-02"))[1]["items"] == []


@pytest.mark.both_databases
async def test_accounts_are_for_managers_and_disabling_closes_consoles(live_server):
    manager = await live_server.create_agent(name="Boss", role="manager")
    agent = await live_server.create_agent(name="Anna")
    assert (await api(live_server, agent, "GET", "/api/admin/agents"))[0] == 403
    assert (await api(live_server, agent, "POST", "/api/admin/agents", {"email": "x@y.z", "name": "X", "password": "password123"}))[0] == 403
    status, body = await api(live_server, manager, "POST", "/api/admin/agents", {
        "email": "new@example.com", "name": "Newbie", "password": "password123", "capacity": 2,
        "departments": ["Sales"], "languages": ["en", "sk"]})
    assert status == 201 and body["agent"]["departments"] == ["Sales"] and body["agent"]["capacity"] == 2
    assert (await api(live_server, manager, "POST", "/api/admin/agents", {
        "email": "new@example.com", "name": "Dup", "password": "password123"}))[0] == 409
    for bad in [{"email": "nope", "name": "X", "password": "password123"},
                {"email": "a@b.cd", "name": "X", "password": "short"},
                {"email": "a@b.cd", "name": "X", "password": "password123", "role": "god"},
                {"email": "a@b.cd", "name": "X", "password": "password123", "capacity": 0},
                {"email": "a@b.cd", "name": {"x": 1}, "password": "password123"},
                {"email": "a@b.cd", "name": "X", "password": "password123", "departments": "Sales"}]:
        assert (await api(live_server, manager, "POST", "/api/admin/agents", bad))[0] == 400, bad

    console = await live_server.agent_peer(agent)
    status, body = await api(live_server, manager, "PATCH", f"/api/admin/agents/{agent.id}", {"disabled": True})
    assert status == 200 and body["agent"]["disabled"] is True

    async def disconnected():
        return not console.sio.connected

    await eventually(disconnected)
    async with aiohttp.ClientSession() as http:
        async with http.post(live_server.url + "/api/auth/login", json={"email": agent.email, "password": "password123"}) as r:
            assert r.status == 401
    assert (await api(live_server, manager, "PATCH", f"/api/admin/agents/{manager.id}", {"disabled": True}))[0] == 403
    status, _ = await api(live_server, manager, "PATCH", f"/api/admin/agents/{agent.id}", {"disabled": False})
    assert status == 200
    status, _ = await api(live_server, manager, "POST", f"/api/admin/agents/{agent.id}/password", {"password": "brand-new-pass"})
    assert status == 200
    assert await live_server.token_for(agent, "brand-new-pass")


async def test_agents_list_for_transfer(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    await live_server.agent_peer(ben)
    status, body = await api(live_server, anna, "GET", "/api/agents")
    online = {a["name"]: a["online"] for a in body["items"]}
    assert status == 200 and online == {"Anna": False, "Ben": True}


@pytest.mark.parametrize("event", ["chat:watch", "note:add"])
async def test_agents_cannot_watch_or_note_foreign_chats(live_server, event):
    anna = await live_server.create_agent(name="Anna")
    eve = await live_server.create_agent(name="Eve")
    _, _, conversation_id = await open_chat(live_server, anna)
    spy = await live_server.agent_peer(eve, online=False)
    ack = await spy.call(event, {"conversation_id": conversation_id, "text": "hi"})
    assert ack["ok"] is False and ack["error"]["code"] in ("forbidden", "not_found")
    assert await live_server.store.list_notes(conversation_id) == []


@pytest.mark.both_databases
async def test_manager_actions_are_audited_without_secrets(live_server):
    manager = await live_server.create_agent(name="Boss", role="manager")
    agent = await live_server.create_agent(name="Anna")
    status, body = await api(live_server, manager, "POST", "/api/admin/agents", {
        "email": "audited@example.com", "name": "Audited", "password": "secret-password-1"})
    assert status == 201
    await api(live_server, manager, "PATCH", f"/api/admin/agents/{body['agent']['id']}", {"capacity": 4})
    await api(live_server, manager, "POST", "/api/admin/agents", {"email": "bad", "name": "X", "password": "password123"})
    assert (await api(live_server, agent, "GET", "/api/admin/audit"))[0] == 403
    status, log = await api(live_server, manager, "GET", "/api/admin/audit")
    assert status == 200
    actions = [(e["action"], e["target"].split("/")[3]) for e in log["items"]]
    assert actions == [("PATCH", "agents"), ("POST", "agents")]  # the failed attempt changed nothing
    assert log["items"][0]["details"]["capacity"] == 4 and log["items"][0]["actor"]["name"] == "Boss"
    assert "secret-password-1" not in str(log) and log["items"][1]["details"]["password"] == "***"
