"""Many things at once: thousands of widgets leaving together (a deploy, a network blip) must not
exhaust the Redis pool nor cost a scan of every room per disconnect (docs/reliability.md)."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st
from socketio.base_manager import BaseManager

from chat_server.realtime.redis_manager import PeerAwareRedisManager
from chat_server.redis_backend.connect import POOL_SIZE, redis_client
from chat_server.redis_backend.keys import Keys

from .conftest import REDIS_URL


async def test_a_burst_of_commands_waits_for_a_free_connection_instead_of_failing(redis_prefix):
    client = redis_client(REDIS_URL)
    try:
        key = f"{redis_prefix}:burst"
        await asyncio.gather(*(client.incr(key) for _ in range(POOL_SIZE * 10)))
        assert int(await client.get(key)) == POOL_SIZE * 10
        pool = client.connection_pool
        assert len(pool._available_connections) + len(pool._in_use_connections) <= POOL_SIZE
    finally:
        await client.aclose()


async def test_through_a_sentinel_too(redis_prefix, sentinel_url):
    client = redis_client(sentinel_url)
    try:
        key = f"{redis_prefix}:burst"
        await asyncio.gather(*(client.incr(key) for _ in range(POOL_SIZE * 3)))
        assert int(await client.get(key)) == POOL_SIZE * 3
    finally:
        await client.aclose()


async def test_a_thousand_widgets_leaving_at_once_are_all_marked_gone(live_server, settings):
    """Each disconnect handler makes a few Redis calls; with redis-py's default pool the 101st
    concurrent one failed, that visitor was never marked gone and its chat waited forever."""
    presence = live_server.presence
    ids = [f"c{i}" for i in range(1000)]
    await asyncio.gather(*(presence.visitor_following(c, f"sid-{c}") for c in ids))
    await asyncio.gather(*(presence.visitor_left(c, f"sid-{c}") for c in ids))
    gone = await presence.redis.zrange(Keys(settings.redis_prefix).visitors_gone, 0, -1)
    assert sorted(g.decode() for g in gone) == sorted(ids)


# -- the room index ---------------------------------------------------------------------------------
SIDS = ["s1", "s2", "s3", "s4"]
ROOMS = ["r1", "r2", "r3"]
step = st.one_of(
    st.tuples(st.just("connect"), st.sampled_from(SIDS)),
    st.tuples(st.just("enter"), st.sampled_from(SIDS), st.sampled_from(ROOMS)),
    st.tuples(st.just("leave"), st.sampled_from(SIDS), st.sampled_from(ROOMS)),
    st.tuples(st.just("close"), st.sampled_from(ROOMS)),
    st.tuples(st.just("disconnect"), st.sampled_from(SIDS)),
)


def play(manager: BaseManager, steps: list[tuple[str, ...]], namespace: str = "/visitor") -> None:
    for kind, *args in steps:
        connected = namespace in manager.rooms and args and args[0] in manager.rooms[namespace].get(None, {})
        if kind == "connect" and not connected:
            manager.basic_enter_room(args[0], namespace, None, eio_sid=f"e-{args[0]}")
            manager.basic_enter_room(args[0], namespace, args[0], eio_sid=f"e-{args[0]}")
        elif kind == "enter" and connected:
            manager.basic_enter_room(args[0], namespace, args[1])
        elif kind == "leave":
            manager.basic_leave_room(args[0], namespace, args[1])
        elif kind == "close":
            manager.basic_close_room(args[0], namespace)
        elif kind == "disconnect":
            manager.basic_disconnect(args[0], namespace)


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=40))
def test_the_room_index_gives_what_a_scan_of_every_room_gives(steps):
    indexed = PeerAwareRedisManager(REDIS_URL)
    plain = BaseManager()
    play(indexed, steps)
    play(plain, steps)
    assert {ns: {room: dict(members) for room, members in rooms.items()} for ns, rooms in indexed.rooms.items()} \
        == {ns: {room: dict(members) for room, members in rooms.items()} for ns, rooms in plain.rooms.items()}
    for sid in SIDS:
        assert sorted(indexed.get_rooms(sid, "/visitor")) == sorted(plain.get_rooms(sid, "/visitor"))
    # nothing kept for clients that are gone
    assert set(indexed.rooms_of.get("/visitor", {})) == set(plain.rooms.get("/visitor", {}).get(None, {}))
