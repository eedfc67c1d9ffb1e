"""Places in line told at a cost proportional to change: tickets, ``queue:line`` runs, coalesced
dispatch. Real Redis and real sockets; no timing assertions (docs/performance.md has the numbers)."""

from __future__ import annotations

import asyncio

import pytest

from chat_server.departments import Department
from chat_server.realtime.events import VISITOR_NS, line_room
from chat_server.redis_backend.keys import Keys
from chat_server.routing.places import place_in
from chat_server.routing.queue import Queue
from chat_server.web.keys import SIO

DEPARTMENTS = (Department("sales", "Sales"), Department("support", "Support"))


@pytest.fixture
def queue(redis_client, redis_prefix) -> Queue:
    return Queue(redis_client, Keys(redis_prefix), handle_time_s=300, departments=DEPARTMENTS)


async def assert_places_agree(queue: Queue) -> dict[str, int]:
    """What a widget counts in the runs = the server's own status = a walk of the whole line."""
    line = await queue.line()
    walked = await queue.statuses()
    for conversation_id, status in walked.items():
        single = await queue.status(conversation_id)
        assert single == status, conversation_id
        assert place_in(line[status.department], status.ticket) == status.position, conversation_id
    assert sum(count for runs in line.values() for _, count in runs) == len(walked)
    return {c: s.position for c, s in walked.items()}


async def test_runs_give_every_visitor_its_place_through_priorities_departments_and_leaving(queue):
    await queue.enqueue("s1", department="sales")
    await queue.enqueue("t1", department="support")
    await queue.enqueue("s2", department="sales")
    await queue.enqueue("vip", department="sales", priority=5)
    await queue.enqueue("t2", department="support", language="sk")
    await queue.enqueue("s3", department="sales")
    await queue.enqueue("t3", department="support")
    await queue.enqueue("back", department="support", front=True)
    places = await assert_places_agree(queue)
    assert [places[c] for c in ("vip", "s1", "s2", "s3")] == [1, 2, 3, 4]
    assert [places[c] for c in ("back", "t1", "t2", "t3")] == [1, 2, 3, 4]

    await queue.release("s2")  # left from the middle: the run breaks, those behind move up
    assert (await assert_places_agree(queue))["s3"] == 3
    # One support agent who speaks no Slovak: t2 is skipped, so a chat leaves from the middle.
    await queue.set_online("a1", capacity=3, open_chats=0, departments=["support"], languages=["en"])
    made = await queue.assign(stamp_ms=1000)
    assert [a.conversation_id for a in made] == ["back", "t1", "t3"]
    places = await assert_places_agree(queue)
    assert places["t2"] == 1 and places["vip"] == 1


async def test_a_declined_offer_goes_back_to_its_place_with_its_ticket(redis_client, redis_prefix):
    offer = (Department("sales", "Sales", assignment="offer", offer_timeout_s=30),)
    queue = Queue(redis_client, Keys(redis_prefix), handle_time_s=300, departments=offer)
    for c in ("c1", "c2", "c3"):
        await queue.enqueue(c, department="sales")
    ticket = (await queue.status("c1")).ticket
    await queue.set_online("a1", capacity=1, open_chats=0)
    [made] = await queue.assign(stamp_ms=1000)
    assert made.offered and made.conversation_id == "c1"
    assert (await assert_places_agree(queue))["c2"] == 1
    await queue.unoffer("c1", "a1")
    assert (await queue.status("c1")).ticket == ticket
    assert await assert_places_agree(queue) == {"c1": 1, "c2": 2, "c3": 3}


async def start(server):
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hello"})
    assert ack["ok"] and ack["status"] == "queued", ack
    return visitor, ack


async def test_assignments_cost_no_message_per_waiting_visitor(live_server):
    waiting = [await start(live_server) for _ in range(5)]
    assert [ack["queue"]["position"] for _, ack in waiting] == [1, 2, 3, 4, 5]
    await live_server.agent_peer(await live_server.create_agent(capacity=3))  # one pass: three chats

    rest = waiting[3:]
    for place, (visitor, ack) in enumerate(rest, start=1):
        ticket = ack["queue"]["ticket"]
        await visitor.wait_for("queue:line", lambda d, t=ticket, p=place: place_in(d["runs"], t) == p)
    for visitor, _ in waiting:
        assert visitor.drain("queue:update") == []
    # Nothing changed since the last tick: nothing to tell. Otherwise a tick is one emit per
    # department (one message per waiting visitor), however many chats it covers.
    line = live_server.router.line
    assert await line.publish() == {}
    line.touch(force=True)
    sent = await line.publish()
    assert list(sent) == ["general"] and sum(count for _, count in sent["general"]["runs"]) == 2
    # The served visitors' sockets left the line's room; the waiting ones are still in it.
    sio = live_server.app[SIO]
    in_room = {sid for sid, _ in sio.manager.get_participants(VISITOR_NS, line_room("general"))}
    assert len(in_room) == 2


async def test_a_line_that_only_grows_at_its_end_is_not_told_again(live_server):
    line = live_server.router.line
    first, ack = await start(live_server)
    await first.wait_for("queue:line", lambda d: place_in(d["runs"], ack["queue"]["ticket"]) == 1)
    await line.publish()  # whatever the background tick has not sent yet
    others = [await start(live_server) for _ in range(3)]
    assert [a["queue"]["position"] for _, a in others] == [2, 3, 4]  # each knows its place from chat:start
    assert await line.publish() == {}  # and nobody's place changed
    await live_server.chat.close(await live_server.store.get_conversation(ack["conversation_id"]), by="visitor")
    sent = await line.publish()  # the head left: everyone moves up
    assert sum(count for _, count in sent["general"]["runs"]) == 3


async def test_concurrent_dispatches_share_passes_and_never_exceed_capacity(live_server):
    acks = [await start(live_server) for _ in range(4)]
    agent = await live_server.create_agent(capacity=3)
    await live_server.agent_peer(agent, online=False)
    await live_server.chat.queue.set_online(agent.id, 3, 0)
    results = await asyncio.gather(*(live_server.router.dispatch() for _ in range(6)))
    assert sum(1 for made in results if made) == 1  # the others were covered by a pass after their call
    assert sorted(a.conversation_id for made in results for a in made) == sorted(
        ack["conversation_id"] for _, ack in acks[:3])
    assert await live_server.chat.queue.load(agent.id) == 3
    assert await live_server.store.count_open_for_agent(agent.id) == 3
    assert await live_server.chat.queue.waiting() == [acks[3][1]["conversation_id"]]
