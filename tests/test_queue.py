"""The queue's Lua scripts against the real Redis, without any socket."""

from __future__ import annotations

import asyncio

import pytest

from chat_server.redis_backend.keys import Keys
from chat_server.routing.queue import Queue, estimate_wait


@pytest.fixture
def queue(redis_client, redis_prefix) -> Queue:
    return Queue(redis_client, Keys(redis_prefix), handle_time_s=300)


async def test_visitors_are_served_first_come_first_served(queue):
    for c in ["c1", "c2", "c3"]:
        await queue.enqueue(c)
    assert [await queue.position(c) for c in ["c1", "c2", "c3"]] == [1, 2, 3]
    await queue.set_online("a1", capacity=3, open_chats=0)
    pairs = await queue.assign(stamp_ms=1000)
    assert [p.conversation_id for p in pairs] == ["c1", "c2", "c3"]


async def test_enqueue_is_idempotent_and_front_jumps_the_line(queue):
    assert await queue.enqueue("c1") == 1
    assert await queue.enqueue("c2") == 2
    assert await queue.enqueue("c1") == 1
    assert await queue.enqueue("back-from-agent", front=True) == 1
    assert await queue.waiting() == ["back-from-agent", "c1", "c2"]


async def test_capacity_is_never_exceeded(queue):
    await queue.set_online("a1", capacity=2, open_chats=0)
    for i in range(5):
        await queue.enqueue(f"c{i}")
    pairs = await queue.assign(stamp_ms=1000)
    assert len(pairs) == 2 and await queue.load("a1") == 2
    assert await queue.waiting() == ["c2", "c3", "c4"]
    assert await queue.assign(stamp_ms=2000) == []


async def test_open_chats_count_against_capacity(queue):
    await queue.set_online("a1", capacity=3, open_chats=2)
    for i in range(3):
        await queue.enqueue(f"c{i}")
    assert len(await queue.assign(stamp_ms=1000)) == 1


async def test_fair_pick_fewest_open_chats_then_longest_idle(queue):
    await queue.set_online("busy", capacity=3, open_chats=2)
    await queue.set_online("idle-long", capacity=3, open_chats=0)
    await queue.set_online("idle-short", capacity=3, open_chats=0)
    # idle-short was assigned more recently than idle-long.
    await queue.enqueue("warm1")
    await queue.enqueue("warm2")
    first = await queue.assign(stamp_ms=1000, limit=1)
    assert first[0].agent_id == "idle-long"  # both idle, never assigned: lower id wins the tie
    second = await queue.assign(stamp_ms=2000, limit=1)
    assert second[0].agent_id == "idle-short"  # fewest open chats
    await queue.enqueue("c3")
    third = await queue.assign(stamp_ms=3000)
    # idle-long and idle-short have 1 each; idle-long's last assignment is older.
    assert third[0].agent_id == "idle-long"


async def test_one_call_spreads_a_burst_across_agents(queue):
    await queue.set_online("a", capacity=3, open_chats=0)
    await queue.set_online("b", capacity=3, open_chats=0)
    for i in range(4):
        await queue.enqueue(f"c{i}")
    pairs = await queue.assign(stamp_ms=1000)
    assert [p.agent_id for p in pairs] == ["a", "b", "a", "b"]


async def test_offline_and_away_agents_get_nothing(queue):
    await queue.set_online("a1", capacity=3, open_chats=0)
    await queue.set_unavailable("a1")
    await queue.enqueue("c1")
    assert await queue.assign(stamp_ms=1000) == []
    assert await queue.position("c1") == 1


async def test_release_frees_the_slot_once(queue):
    await queue.set_online("a1", capacity=1, open_chats=0)
    await queue.enqueue("c1")
    await queue.enqueue("c2")
    assert (await queue.assign(stamp_ms=1))[0].conversation_id == "c1"
    assert await queue.release("c1") == "a1"
    assert await queue.release("c1") is None
    assert await queue.load("a1") == 0
    assert (await queue.assign(stamp_ms=2))[0].conversation_id == "c2"


async def test_release_of_a_waiting_conversation_removes_it_from_line(queue):
    await queue.enqueue("c1")
    await queue.enqueue("c2")
    assert await queue.release("c1") is None
    assert await queue.position("c2") == 1


async def test_enqueue_refuses_an_assigned_conversation(queue):
    await queue.set_online("a1", capacity=1, open_chats=0)
    await queue.enqueue("c1")
    await queue.assign(stamp_ms=1)
    assert await queue.enqueue("c1") is None
    assert await queue.waiting() == []


async def test_concurrent_assigners_never_double_assign(redis_prefix):
    """Many clients (as separate connections, like separate processes) race assign()."""
    import redis.asyncio as aioredis

    from .conftest import REDIS_URL

    clients = [aioredis.from_url(REDIS_URL) for _ in range(6)]
    queues = [Queue(c, Keys(redis_prefix), 300) for c in clients]
    try:
        for i in range(10):
            await queues[0].set_online(f"a{i}", capacity=3, open_chats=0)
        for i in range(60):
            await queues[i % 6].enqueue(f"c{i:03d}")
        results = await asyncio.gather(*[q.assign(stamp_ms=1000 + i, limit=7) for i, q in enumerate(queues * 3)])
        pairs = [p for batch in results for p in batch]
        conversations = [p.conversation_id for p in pairs]
        assert len(conversations) == len(set(conversations)) == 30  # 10 agents x 3 slots
        per_agent = {}
        for p in pairs:
            per_agent[p.agent_id] = per_agent.get(p.agent_id, 0) + 1
        assert set(per_agent.values()) == {3}
        # FIFO: the 30 oldest were served, the 30 newest still wait in order.
        assert sorted(conversations) == [f"c{i:03d}" for i in range(30)]
        assert await queues[0].waiting() == [f"c{i:03d}" for i in range(30, 60)]
    finally:
        for c in clients:
            await c.aclose()


def test_estimate_is_never_zero_and_grows_with_the_line():
    assert estimate_wait(1, free_slots=2, total_slots=3, handle_time_s=300) == 30
    assert estimate_wait(3, free_slots=2, total_slots=3, handle_time_s=300) == 100
    assert estimate_wait(6, free_slots=2, total_slots=3, handle_time_s=300) == 400
    assert estimate_wait(1, free_slots=0, total_slots=0, handle_time_s=300) == 300
    assert all(estimate_wait(p, 0, 3, 300) > 0 for p in range(1, 20))


async def test_statuses_reports_every_waiting_visitor(queue):
    await queue.set_online("a1", capacity=1, open_chats=1)
    for c in ["x", "y"]:
        await queue.enqueue(c)
    statuses = await queue.statuses()
    assert [(c, s.position) for c, s in statuses.items()] == [("x", 1), ("y", 2)]
    assert statuses["y"].estimated_wait_s >= statuses["x"].estimated_wait_s > 0
