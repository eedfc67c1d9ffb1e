"""Routing rules against the real Redis: departments, languages, priorities, offers, racing accepts."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from chat_server.departments import Department
from chat_server.redis_backend.keys import Keys
from chat_server.routing.queue import Queue

from .conftest import REDIS_URL

DEPARTMENTS = [
    Department("sales", "Sales", language_fallback_s=60),
    Department("support", "Support", assignment="offer", offer_timeout_s=30),
]
T0 = 1_900_000_000_000  # ms


@pytest.fixture
def queue(redis_client, redis_prefix) -> Queue:
    return Queue(redis_client, Keys(redis_prefix), 300, DEPARTMENTS)


async def test_department_match(queue):
    await queue.set_online("s1", 3, 0, departments=["sales"])
    await queue.enqueue("c-support", department="support", now_ms=T0)
    await queue.enqueue("c-sales", department="sales", now_ms=T0)
    made = await queue.assign(T0)
    assert [(m.conversation_id, m.agent_id) for m in made] == [("c-sales", "s1")]
    assert await queue.waiting() == ["c-support"]  # not blocking the sales visitor behind it


async def test_agent_without_departments_answers_all(queue):
    await queue.set_online("any", 3, 0)
    await queue.enqueue("c1", department="sales", now_ms=T0)
    assert (await queue.assign(T0))[0].agent_id == "any"


async def test_language_first_then_fallback_after_wait(queue):
    await queue.set_online("en-agent", 3, 0, departments=["sales"], languages=["en"])
    await queue.enqueue("c-sk", department="sales", language="sk", now_ms=T0)
    assert await queue.assign(T0 + 59_000) == []
    await queue.set_online("sk-agent", 3, 2, departments=["sales"], languages=["sk", "cs"])
    made = await queue.assign(T0 + 59_500)
    assert made[0].agent_id == "sk-agent"  # busier, but the only one speaking Slovak

    await queue.enqueue("c-sk2", department="sales", language="sk", now_ms=T0)
    await queue.set_unavailable("sk-agent")
    assert await queue.assign(T0 + 30_000) == []
    assert (await queue.assign(T0 + 60_000))[0].agent_id == "en-agent"  # fallback after 60 s


async def test_priority_moves_ahead_fifo_within_a_priority(queue):
    await queue.enqueue("normal-1", priority=1, now_ms=T0)
    await queue.enqueue("vip-1", priority=5, now_ms=T0)
    await queue.enqueue("normal-2", priority=1, now_ms=T0)
    await queue.enqueue("vip-2", priority=5, now_ms=T0)
    await queue.enqueue("returned", front=True, now_ms=T0)
    assert await queue.waiting() == ["returned", "vip-1", "vip-2", "normal-1", "normal-2"]


async def test_positions_are_per_department(queue):
    for c, d in [("a", "sales"), ("b", "support"), ("c", "sales")]:
        await queue.enqueue(c, department=d, now_ms=T0)
    statuses = await queue.statuses()
    assert {c: s.position for c, s in statuses.items()} == {"a": 1, "b": 1, "c": 2}


async def test_estimate_uses_department_handle_time_and_free_slots(queue):
    await queue.set_online("s1", 2, 2, departments=["sales"])
    for c in ["a", "b", "c"]:
        await queue.enqueue(c, department="sales", now_ms=T0)
    before = await queue.statuses()
    assert [before[c].estimated_wait_s for c in "abc"] == [150, 300, 450]  # a slot frees every 300/2 s
    for _ in range(30):
        await queue.record_handle_time("sales", 120)
    after = await queue.statuses()
    assert 60 <= after["a"].estimated_wait_s < 75 and after["c"].estimated_wait_s > after["a"].estimated_wait_s


async def test_offer_reserves_a_slot_expires_and_moves_on(queue):
    await queue.set_online("a1", 1, 0, departments=["support"])
    await queue.set_online("a2", 1, 0, departments=["support"])
    await queue.enqueue("c1", department="support", now_ms=T0)
    first = await queue.assign(T0)
    assert len(first) == 1 and first[0].offered and first[0].agent_id == "a1"
    assert await queue.load("a1") == 1 and await queue.waiting() == []
    assert await queue.expired_offers(T0 + 29_000) == []
    assert await queue.expired_offers(T0 + 30_000) == [("c1", "a1")]
    assert await queue.unoffer("c1", "a1")
    assert await queue.load("a1") == 0 and await queue.waiting() == ["c1"]
    again = await queue.assign(T0 + 30_000)
    assert again[0].agent_id == "a2"  # a1 let it ring out: skipped for this chat
    assert await queue.accept("c1", "a1") == 0
    assert await queue.accept("c1", "a2") == 1
    assert await queue.assigned_agent("c1") == "a2"


async def test_after_everyone_declined_the_chat_rings_again(queue):
    await queue.set_online("a1", 1, 0, departments=["support"])
    await queue.enqueue("c1", department="support", now_ms=T0)
    await queue.assign(T0)
    assert await queue.unoffer("c1", "a1")
    assert (await queue.assign(T0 + 1))[0].agent_id == "a1"


async def test_release_frees_an_offered_slot(queue):
    await queue.set_online("a1", 1, 0, departments=["support"])
    await queue.enqueue("c1", department="support", now_ms=T0)
    await queue.assign(T0)
    assert await queue.release("c1") == "a1"
    assert await queue.load("a1") == 0 and await queue.expired_offers(T0 + 10**9) == []


async def test_two_agents_accepting_at_once_exactly_one_wins(redis_prefix):
    """Two connections (as two processes) race to accept the same overdue broadcast chat."""
    clients = [aioredis.from_url(REDIS_URL) for _ in range(2)]
    queues = [Queue(c, Keys(redis_prefix), 300, DEPARTMENTS) for c in clients]
    try:
        for round_ in range(20):
            conv = f"c{round_}"
            await queues[0].set_online("x", 100, 0)
            await queues[0].set_online("y", 100, 0)
            await queues[0].set_unavailable("x")
            await queues[0].set_unavailable("y")
            await queues[0].enqueue(conv, department="sales", now_ms=T0)
            results = await asyncio.gather(
                queues[0].accept(conv, "x", any_waiting=True), queues[1].accept(conv, "y", any_waiting=True)
            )
            assert sorted(results) == [0, 1], results
            winner = "x" if results[0] == 1 else "y"
            assert await queues[0].assigned_agent(conv) == winner
    finally:
        for c in clients:
            await c.aclose()


async def test_accept_respects_capacity(queue):
    await queue.set_online("full", 1, 1)
    await queue.set_unavailable("full")
    await queue.enqueue("c1", now_ms=T0)
    assert await queue.accept("c1", "full", any_waiting=True) == -2
    assert await queue.waiting() == ["c1"]
