"""CHAT_REDIS_URL may name a Redis Sentinel deployment: a real sentinel process (redis-server
--sentinel) on a free loopback port monitors the test Redis under a unique service name, and the
server runs through it: queue, messages and the cross-process event channel."""

from __future__ import annotations

import aiohttp
import pytest
import redis.asyncio as aioredis

from chat_server.config import ConfigError, load_settings
from chat_server.redis_backend.connect import manager_url, parse_sentinel

from .conftest import REDIS_URL
from .helpers import cid, eventually


async def test_server_works_through_a_sentinel(settings, server_factory, sentinel_url):
    server = await server_factory(settings.replace(redis_url=sentinel_url))
    agent = await server.create_agent(name="Anna")
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hello through the sentinel"})
    assert ack["ok"] and ack["status"] == "assigned", ack
    conversation_id = ack["conversation_id"]
    assert (await console.next("chat:assigned"))["conversation"]["id"] == conversation_id
    sent = await console.call("message:send", {"conversation_id": conversation_id, "text": "Hi!", "client_id": cid()})
    assert sent["ok"]
    got = await visitor.wait_for("message:new", lambda d: d["message"]["text"] == "Hi!")
    assert got["message"]["seq"] == sent["message"]["seq"]

    # The queue lives in the master the sentinel named, and the event channel's probe comes back.
    plain = aioredis.from_url(REDIS_URL)
    try:
        assert await plain.hget(f"{settings.redis_prefix}:{{{settings.redis_prefix}:q}}:assignment",
                                conversation_id) == agent.id.encode()
    finally:
        await plain.aclose()

    async def healthy() -> bool:
        async with aiohttp.ClientSession() as http, http.get(server.url + "/healthz") as r:
            return r.status == 200 and (await r.json())["pubsub"] == "ok"

    await eventually(healthy, timeout=20)


@pytest.mark.parametrize("url", [
    "redis+sentinel://127.0.0.1:26379",  # no service name
    "redis+sentinel://127.0.0.1:26379/0",  # a db but no service name
    "redis+sentinel:///mymaster",  # no sentinel
    "redis+sentinel://127.0.0.1:port/mymaster",
    "redis+sentinel://127.0.0.1/mymaster",  # no port
    "redis+sentinel://127.0.0.1:26379/one/two",
    "sentinel://127.0.0.1:26379/mymaster",  # unknown scheme
    "http://127.0.0.1:6379/0",
])
def test_bad_redis_urls_fail_at_start_up(tmp_path, url):
    with pytest.raises(ConfigError, match="redis_url"):
        load_settings(env={"CHAT_REDIS_URL": url}, data_dir=str(tmp_path))


@pytest.mark.parametrize(("path", "db", "service"), [("/mymaster", 0, "mymaster"), ("/2/mymaster", 2, "mymaster"),
                                                     ("/mymaster/3", 3, "mymaster")])
def test_sentinel_url_forms(path, db, service):
    found = parse_sentinel(f"redis+sentinel://user:p%40ss@h1:26379,[::1]:26380{path}")
    assert (found.db, found.service, found.username, found.password) == (db, service, "user", "p@ss")
    assert found.sentinels == (("h1", 26379), ("::1", 26380))
    # python-socketio's Redis manager reads /db/service_name.
    assert manager_url(f"redis+sentinel://h1:26379{path}") == f"redis+sentinel://h1:26379/{db}/{service}"
    assert manager_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
