"""What the 10,000-waiting drain leans on (docs/performance.md, "Drain, third pass"): emits written
straight to idle websockets, a close in one Redis call, the SLA sweep walking the line in Lua, a
dispatch pass reading its agents and conversations in one query each, dashboards left alone while
nobody watches, and a busy process still trusting that it is alone."""

from __future__ import annotations

import asyncio
import struct
import time

import pytest

from chat_server.departments import Department
from chat_server.realtime.direct_write import DirectSocket, text_frame
from chat_server.realtime.redis_manager import ALONE_PROBE_S, PeerAwareRedisManager
from chat_server.redis_backend.keys import Keys
from chat_server.reports.dashboard import DashboardPublisher
from chat_server.routing.queue import Queue
from chat_server.store import create_store
from chat_server.web.keys import SIO

T0 = 1_900_000_000_000  # ms


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_a_text_frame_is_what_a_server_sends(size):
    payload = "x" * size
    frame = text_frame(payload)
    assert frame[0] == 0x81  # FIN, text, no RSV bit: uncompressed even where deflate was agreed
    if size < 126:
        assert frame[1] == size and frame[2:] == payload.encode()
    elif size < 65536:
        assert frame[1] == 126 and struct.unpack("!H", frame[2:4])[0] == size and len(frame) == 4 + size
    else:
        assert frame[1] == 127 and struct.unpack("!Q", frame[2:10])[0] == size and len(frame) == 10 + size


async def test_emits_to_idle_websockets_are_written_directly_and_arrive_in_order(live_server, monkeypatch):
    written = []
    original = DirectSocket.write_now

    def spy(self, frame):  # type: ignore[no-untyped-def]
        done = original(self, frame)
        written.append(done)
        return done

    monkeypatch.setattr(DirectSocket, "write_now", spy)
    agent = await live_server.create_agent()
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    conversation_id = (await visitor.call("chat:start", {"text": "hello"}))["conversation_id"]
    await console.next("chat:assigned")
    sio = live_server.app[SIO]  # alone on its Redis: emits go through _emit_here
    for i in range(30):
        await sio.emit("message:new", {"message": {"text": f"n{i}"}}, room=f"conv:{conversation_id}:visitor",
                          namespace="/visitor")
    got = [(await visitor.wait_for("message:new", lambda d: d["message"]["text"].startswith("n")))["message"]["text"]
           for _ in range(30)]
    assert got == [f"n{i}" for i in range(30)]
    assert any(written)


async def test_release_records_the_handle_time_as_record_handle_time_does(redis_client, redis_prefix):
    queue = Queue(redis_client, Keys(redis_prefix), 300)
    await queue.record_handle_time("sales", 100)
    await queue.record_handle_time("sales", 40)
    expected = await redis_client.hget(Keys(redis_prefix).handle_avg, "sales")
    await redis_client.delete(Keys(redis_prefix).handle_avg)
    await queue.set_online("a1", 2, 0)
    for c in ("c1", "c2"):
        await queue.enqueue(c)
    await queue.assign(1000)
    assert await queue.release("c1", ("sales", 100)) == "a1"
    assert await queue.release("c2", ("sales", 40)) == "a1"
    assert await redis_client.hget(Keys(redis_prefix).handle_avg, "sales") == expected
    assert await queue.load("a1") == 0
    assert await queue.release("gone", ("support", 12.5)) is None  # recorded even when nothing was held
    assert float(await redis_client.hget(Keys(redis_prefix).handle_avg, "support")) == 12.5


async def test_overdue_lists_only_those_past_their_departments_maximum_and_not_flagged(redis_client, redis_prefix):
    keys = Keys(redis_prefix)
    queue = Queue(redis_client, keys, 300, [Department("sales", "Sales", max_wait_s=60),
                                            Department("support", "Support", max_wait_s=600)])
    await queue.enqueue("old-sales", department="sales", now_ms=T0)
    await queue.enqueue("old-support", department="support", now_ms=T0)
    await queue.enqueue("new-sales", department="sales", now_ms=T0 + 50_000)
    await queue.enqueue("flagged", department="sales", now_ms=T0)
    await queue.enqueue("unknown", department="nowhere", now_ms=T0)
    await redis_client.sadd(keys.sla_flagged, "flagged")
    overdue = await queue.overdue(T0 + 61_000)
    assert [(w.conversation_id, w.department, w.enqueued_ms) for w in overdue] == [("old-sales", "sales", T0)]
    assert [w.conversation_id for w in await queue.overdue(T0 + 601_000)] == ["old-sales", "old-support", "new-sales"]


@pytest.mark.both_databases
async def test_a_pass_reads_agents_and_conversations_as_the_one_at_a_time_reads_do(settings):
    store = create_store(settings)
    await store.open()
    try:
        agent = await store.create_agent(email="a@example.com", name="Ann", role="agent", password_hash="x",
                                         capacity=3, now=1.0)
        visitor = await store.create_visitor("token-hash", 1.0)
        conversations = [await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text=f"hi {i}", client_id=None,
            now=1.0 + i,
        ) for i in range(3)]
        ids = [c.id for c in conversations]
        await store.close_conversation(ids[2], "visitor", 5.0)  # closed while it waited: not assigned
        joined = await store.assign_many([(c, agent.id, "Ann joined") for c in ids], 6.0)
        assert set(joined) == set(ids[:2])
        assert await store.close_conversation(ids[2], "visitor", 7.0) is False  # closed already
        assert await store.get_agents([agent.id, "nobody", agent.id]) == {agent.id: await store.get_agent(agent.id)}
        many = await store.get_conversations([*ids, "nothing"])
        assert set(many) == set(ids)
        for c in ids:
            assert many[c] == await store.get_conversation(c, with_messages=True)
        assert [m.text for m in many[ids[0]].messages] == ["hi 0", "Ann joined"]
        assert many[ids[0]].agent_name == "Ann" and many[ids[0]].status == "assigned"
        assert many[ids[2]].status == "closed"
    finally:
        await store.close()


async def test_a_pass_finds_its_conversations_by_key_not_by_walking_the_queued_ones(settings):
    """Without statistics SQLite walked the status index (every queued conversation) to assign 25:
    2 ms a pass with 10,000 waiting. The UPDATE must look its rows up by primary key."""
    store = create_store(settings)
    await store.open()
    statements: list[str] = []
    try:
        agent = await store.create_agent(email="a@example.com", name="Ann", role="agent", password_hash="x",
                                         capacity=3, now=1.0)
        visitor = await store.create_visitor("token-hash", 1.0)
        ids = [(await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hi", client_id=None,
            now=1.0 + i)).id for i in range(30)]
        store.db._here.set_trace_callback(statements.append)  # the event loop's own connection
        await store.db.db.set_trace_callback(statements.append)  # aiosqlite's, should it be busy
        assert set(await store.assign_many([(c, agent.id, "Ann joined") for c in ids[:3]], 6.0)) == set(ids[:3])
        store.db._here.set_trace_callback(None)
        await store.db.db.set_trace_callback(None)
        [update] = [s for s in statements if s.startswith("UPDATE conversations SET agent_id")]
        plan = " ".join(str(row[3]) for row in await store.db.db.execute_fetchall("EXPLAIN QUERY PLAN " + update))
        assert "conversations_status" not in plan and "sqlite_autoindex_conversations_1" in plan, plan
    finally:
        await store.close()


class CountingService:
    def __init__(self) -> None:
        self.snapshots = 0

    async def snapshot(self) -> dict[str, object]:
        self.snapshots += 1
        return {"waiting": self.snapshots}


class SilentEvents:
    def __init__(self) -> None:
        self.sent: list[object] = []

    async def to_dashboards(self, event: str, data: object) -> None:
        self.sent.append(data)


async def test_dashboards_are_not_refreshed_while_nobody_watches():
    service, events, watching = CountingService(), SilentEvents(), [False]
    publisher = DashboardPublisher(service, events, throttle_s=0.01, refresh_s=0.01,  # type: ignore[arg-type]
                                   watched=lambda: watching[0])
    publisher.poke()
    await publisher.publish()
    await asyncio.sleep(0.05)
    assert service.snapshots == 0 and events.sent == []
    watching[0] = True
    publisher.poke()
    await asyncio.sleep(0.05)
    assert service.snapshots == 1 and len(events.sent) == 1


async def test_a_busy_process_whose_probe_answered_late_is_still_alone(live_server):
    manager = live_server.app[SIO].manager
    assert isinstance(manager, PeerAwareRedisManager) and manager.alone
    now = time.monotonic()
    # The sweeper (and so the next probe) is late, but the last probe came back: alone.
    manager.probe_sent_at, manager.last_probe_seen = now - 20, now - 19
    assert manager.alone
    # A probe out for longer than ALONE_PROBE_S: maybe deaf, publish.
    manager.probe_sent_at, manager.last_probe_seen = now - ALONE_PROBE_S - 1, now - 20
    assert not manager.alone
    # Out, but not for long: still alone.
    manager.probe_sent_at = now - 1
    assert manager.alone
