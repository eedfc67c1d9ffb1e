"""Routing end to end over sockets: offers, SLA, offline messages with email, abandoned chats."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.controller import Controller

from chat_server.app import sweep_once
from chat_server.clock import FakeClock
from chat_server.departments import Department, PriorityRule
from chat_server.routing.places import place_in

from .helpers import cid
from .processes import free_port

T0 = 1_900_000_000.0


async def start(server, **payload):
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hello", **payload})
    assert ack["ok"], ack
    return visitor, ack


@pytest.fixture
def clock():
    return FakeClock(start=T0)


async def test_offer_rings_one_agent_then_the_next_and_counts_missed(settings, server_factory, clock):
    departments = (Department("support", "Support", assignment="offer", offer_timeout_s=30),)
    server = await server_factory(settings.replace(departments=departments), clock=clock)
    anna = await server.create_agent(name="Anna")
    ben = await server.create_agent(name="Ben")
    a = await server.agent_peer(anna)
    b = await server.agent_peer(ben)
    if ben.id < anna.id:  # equal load and idle time: the lower id is offered first
        (anna, a), (ben, b) = (ben, b), (anna, a)
    visitor, ack = await start(server)
    assert ack["status"] == "queued"
    conversation_id = ack["conversation_id"]
    offered = await a.next("chat:offer")
    assert offered["conversation"]["id"] == conversation_id and offered["expires_in_s"] == 30
    assert offered["conversation"]["messages"][0]["text"] == "Hello"

    clock.advance(31)
    await sweep_once(server.app)
    assert (await a.next("chat:offer_expired"))["conversation_id"] == conversation_id
    assert (await b.next("chat:offer"))["conversation"]["id"] == conversation_id
    assert await server.store.count_offer_outcomes(anna.id, "missed") == 1
    late = await a.call("chat:accept", {"conversation_id": conversation_id})
    assert late["error"]["code"] == "already_taken"
    assert (await b.call("chat:accept", {"conversation_id": conversation_id}))["ok"]
    assigned = await b.next("chat:assigned")
    assert assigned["conversation"]["id"] == conversation_id
    assert (await visitor.next("chat:assigned"))["agent"]["name"] == ben.name


async def test_declined_offer_goes_to_the_next_agent(settings, server_factory, clock):
    departments = (Department("support", "Support", assignment="offer"),)
    server = await server_factory(settings.replace(departments=departments), clock=clock)
    anna, ben = sorted([await server.create_agent(name="Anna"), await server.create_agent(name="Ben")],
                       key=lambda agent: agent.id)
    a, b = await server.agent_peer(anna), await server.agent_peer(ben)
    _, ack = await start(server)
    await a.next("chat:offer")
    assert (await a.call("chat:decline", {"conversation_id": ack["conversation_id"]}))["ok"]
    assert (await b.next("chat:offer"))["conversation"]["id"] == ack["conversation_id"]
    assert await server.store.count_offer_outcomes(anna.id, "declined") == 1
    assert (await a.call("chat:decline", {"conversation_id": ack["conversation_id"]}))["error"]["code"] == "already_taken"
    for bad in [{}, {"conversation_id": 5}, "x"]:
        assert (await a.call("chat:accept", bad))["ok"] is False


async def test_sla_breach_is_flagged_and_broadcast(settings, server_factory, clock):
    departments = (Department("support", "Support", max_wait_s=120, sla_broadcast=True),)
    server = await server_factory(settings.replace(departments=departments, agent_capacity=1), clock=clock)
    busy = await server.create_agent(name="Busy")
    boss = await server.create_agent(name="Boss", role="manager", capacity=1)
    busy_peer = await server.agent_peer(busy)
    await start(server)  # fills Busy's only slot
    manager = await server.agent_peer(boss, online=False)
    _, ack = await start(server)
    conversation_id = ack["conversation_id"]
    clock.advance(100)
    await sweep_once(server.app)
    assert (await server.store.get_conversation(conversation_id)).sla_breached_at is None
    clock.advance(30)
    await sweep_once(server.app)
    flagged = await manager.wait_for("queue:sla", lambda d: d["conversation_id"] == conversation_id)
    assert flagged["waited_s"] >= 120
    offer = await manager.wait_for("chat:offer", lambda d: d["conversation"]["id"] == conversation_id)
    assert offer["broadcast"] is True
    assert (await busy_peer.call("chat:accept", {"conversation_id": conversation_id}))["error"]["code"] == "conflict"
    assert (await manager.call("chat:accept", {"conversation_id": conversation_id}))["ok"]
    assert (await server.store.get_conversation(conversation_id)).agent_id == boss.id
    # The card stops ringing on every other console (only the id travels).
    withdrawn = await busy_peer.wait_for("chat:offer_withdrawn", lambda d: d["conversation_id"] == conversation_id)
    assert withdrawn == {"conversation_id": conversation_id}
    await sweep_once(server.app)  # flagged once, not again
    assert len([e for e, _ in manager.seen if e == "queue:sla"]) == 1


@pytest.fixture
def smtp():
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, received
    controller.stop()


async def test_nobody_online_means_an_offline_message_answered_later_and_by_email(settings, server_factory, clock, smtp):
    controller, received = smtp
    server = await server_factory(settings.replace(
        queue_when_unstaffed=False, smtp_host="127.0.0.1", smtp_port=controller.port), clock=clock)
    visitor, ack = await start(server, name="Maria", email="maria@example.com", language="sk")
    assert ack["status"] == "offline" and ack["queue"] is None
    reply = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system")
    assert reply["message"]["text"].startswith("Ďakujeme, Maria!") and "24" in reply["message"]["text"]
    token = (visitor.seen[0][1])["visitor_token"]
    await visitor.close()

    anna = await server.create_agent(name="Anna")
    console = await server.agent_peer(anna)
    state = [d for e, d in console.seen if e == "agent:state"][0]
    assert [c["id"] for c in state["offline"]] == [ack["conversation_id"]]
    claimed = await console.call("offline:claim", {"conversation_id": ack["conversation_id"]})
    assert claimed["ok"] and claimed["conversation"]["status"] == "assigned"
    again = await console.call("offline:claim", {"conversation_id": ack["conversation_id"]})
    assert again["error"]["code"] == "conversation_closed"
    sent = await console.call("message:send", {"conversation_id": ack["conversation_id"],
                                               "text": "Your order ships tomorrow.", "client_id": cid()})
    assert sent["ok"]
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.1)
    assert received and received[0].rcpt_tos == ["maria@example.com"]
    assert "Your order ships tomorrow." in received[0].content.decode()
    assert "Hello Maria," in received[0].content.decode()  # the name read with the write, no second read

    back = await server.visitor(token)
    session = await back.next("session")
    assert [m["text"] for m in session["conversation"]["messages"]][-1] == "Your order ships tomorrow."


async def test_outside_business_hours_is_offline_even_with_agents_online(settings, server_factory, clock):
    closed = Department("general", "General", hours=(("mon", ((0, 1),)),), timezone="UTC")
    server = await server_factory(settings.replace(departments=(closed,), queue_when_unstaffed=True), clock=clock)
    await server.agent_peer(await server.create_agent())
    _, ack = await start(server)
    assert ack["status"] == "offline"


async def test_business_hours_and_holidays():
    d = Department("x", "X", timezone="Europe/Bratislava",
                   hours=(("mon", ((9 * 60, 17 * 60),)),), holidays=("2026-11-30",))
    monday_10_local = 1_795_424_400.0  # 2026-11-23 09:00 UTC = 10:00 in Bratislava
    assert d.is_open(monday_10_local)
    assert not d.is_open(monday_10_local + 8 * 3600)  # 18:00
    assert not d.is_open(monday_10_local + 86400)  # Tuesday: no hours
    assert not d.is_open(monday_10_local + 7 * 86400)  # the holiday


async def test_autoreply_gives_a_time_frame_and_degrades_without_a_name(live_server):
    visitor, ack = await start(live_server)
    reply = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system")
    assert reply["message"]["text"] == "Thanks! Your message reached us; an agent will join in about 5 minutes."
    named, _ = await start(live_server, name="Maria", language="ru")
    got = await named.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system")
    assert got["message"]["text"].startswith("Спасибо, Maria!")


async def test_unknown_department_and_bad_routing_fields(live_server):
    visitor = await live_server.visitor()
    await visitor.next("session")
    assert (await visitor.call("chat:start", {"text": "x", "department": "nope"}))["error"]["code"] == "invalid_payload"
    assert (await visitor.call("chat:start", {"text": "x", "department": ["general"]}))["error"]["code"] == "invalid_payload"
    assert (await visitor.call("chat:start", {"text": "x", "vip": "yes"}))["error"]["code"] == "invalid_payload"
    assert (await visitor.call("chat:start", {"text": "x", "language": {"a": 1}}))["error"]["code"] == "invalid_payload"
    ok = await visitor.call("chat:start", {"text": "x", "language": "xx"})
    assert ok["ok"]
    assert (await live_server.store.get_conversation(ok["conversation_id"])).language == "en"


async def test_priority_rules_put_vip_and_checkout_first(settings, server_factory):
    rules = (PriorityRule("vip", 5), PriorityRule("page_url", 3, pattern="/checkout"))
    server = await server_factory(settings.replace(priority_rules=rules))
    _, plain = await start(server, page_url="https://shop.test/home")
    _, checkout = await start(server, page_url="https://shop.test/checkout")
    _, vip = await start(server, vip=True)
    order = await server.chat.queue.waiting()
    assert order == [vip["conversation_id"], checkout["conversation_id"], plain["conversation_id"]]


async def test_visitor_gone_while_waiting_is_recorded_abandoned(settings, server_factory, clock):
    server = await server_factory(settings.replace(visitor_abandon_s=120), clock=clock)
    visitor, ack = await start(server)
    stays, kept = await start(server)
    await visitor.close()

    async def gone():
        return bool(await server.presence.redis.zscore(server.presence.keys.visitors_gone, ack["conversation_id"]))

    for _ in range(50):
        if await gone():
            break
        await asyncio.sleep(0.05)
    clock.advance(121)
    await sweep_once(server.app)
    conversation = await server.store.get_conversation(ack["conversation_id"])
    assert conversation.status == "closed" and conversation.outcome == "abandoned"
    assert (await server.store.get_conversation(kept["conversation_id"])).status == "queued"
    ticket = kept["queue"]["ticket"]
    assert kept["queue"]["position"] == 2
    assert await stays.wait_for("queue:line", lambda d: place_in(d["runs"], ticket) == 1)


async def test_visitor_ending_while_queued_is_abandoned(live_server):
    visitor, ack = await start(live_server)
    assert (await visitor.call("chat:end", {"conversation_id": ack["conversation_id"]}))["ok"]
    assert (await live_server.store.get_conversation(ack["conversation_id"])).outcome == "abandoned"


async def test_open_consoles_hear_of_offline_messages_and_read_only_their_departments(settings, server_factory):
    departments = (Department("support", "Support"), Department("sales", "Sales"))
    server = await server_factory(settings.replace(departments=departments, queue_when_unstaffed=False))
    anna = await server.create_agent(name="Anna")
    boris = await server.create_agent(name="Boris")
    await server.store.update_agent(anna.id, departments=["sales"])
    await server.store.update_agent(boris.id, departments=["support"])
    sales_console = await server.agent_peer(await server.store.get_agent(anna.id), online=False)
    support_console = await server.agent_peer(await server.store.get_agent(boris.id), online=False)

    _, ack = await start(server, name="Maria", department="support", text="Is the Trail 30 waterproof?")
    assert ack["status"] == "offline"
    # Both hear that the inbox changed; the poke itself carries nothing to read.
    for console in (sales_console, support_console):
        assert await console.next("offline:changed") == {}
    listed = await support_console.call("offline:list", {})
    assert listed["ok"] and [c["id"] for c in listed["offline"]] == [ack["conversation_id"]]
    assert listed["offline"][0]["messages"][0]["text"] == "Is the Trail 30 waterproof?"
    assert (await sales_console.call("offline:list", {}))["offline"] == []

    assert (await support_console.call("offline:claim", {"conversation_id": ack["conversation_id"]}))["ok"]
    await sales_console.next("offline:changed")
    assert (await support_console.call("offline:list", {}))["offline"] == []
    # A payload that is not an object is refused, never crashes the handler.
    bad = await support_console.call("offline:list", ["x"])
    assert bad["ok"] is False and bad["error"]["code"]
