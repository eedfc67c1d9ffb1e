"""Settings precedence, validation, and /healthz naming the failing part."""

from __future__ import annotations

import aiohttp
import pytest

from chat_server.config import ConfigError, load_settings


def test_defaults_file_env_and_overrides(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('port = 9000\nagent_capacity = 5\nallowed_origins = ["https://a.test"]\n')
    s = load_settings(cfg, env={"CHAT_PORT": "9100", "CHAT_ALLOWED_ORIGINS": "https://b.test, https://c.test",
                                "UNRELATED": "x"})
    assert s.port == 9100 and s.agent_capacity == 5
    assert s.allowed_origins == ("https://b.test", "https://c.test")
    assert load_settings(cfg, env={"CHAT_PORT": "9100"}, port=9200).port == 9200
    assert load_settings(env={}).max_message_length == 4000


@pytest.mark.parametrize(("content", "env"), [
    ("port = 'eighty'\n", {}),
    ("no_such_setting = 1\n", {}),
    ("", {"CHAT_AGENT_CAPACITY": "many"}),
    ("host = 5\n", {}),
])
def test_bad_settings_fail_loudly(tmp_path, content, env):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError):
        load_settings(cfg, env=env)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "missing.toml", env={})


def test_every_setting_is_documented_in_config_toml():
    import dataclasses
    import tomllib

    from chat_server.config import PROJECT_ROOT, Settings

    text = (PROJECT_ROOT / "config.toml").read_text()
    documented = tomllib.loads(text)
    assert set(documented) <= {f.name for f in dataclasses.fields(Settings)}
    for f in dataclasses.fields(Settings):
        assert f.name in documented or f"[[{f.name}]]" in text, f"{f.name} is not documented in config.toml"
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in ["CHAT_HOST", "CHAT_PORT", "CHAT_DATA_DIR", "CHAT_REDIS_URL", "CHAT_DATABASE_URL",
                 "CHAT_AGENT_CAPACITY"]:
        assert name in readme


async def test_healthz_names_redis_when_it_is_unreachable(server_factory, tmp_path):
    settings = load_settings(env={}, redis_url="redis://127.0.0.1:1/0", data_dir=str(tmp_path / "d"))
    server = await server_factory(settings)
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/healthz") as r:
            assert r.status == 503
            assert await r.json() == {"status": "degraded", "redis": "error", "database": "ok", "pubsub": "error"}


async def test_healthz_names_the_database_when_it_fails(live_server):
    await live_server.store.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(live_server.url + "/healthz") as r:
            assert r.status == 503
            assert (await r.json())["database"] == "error"
    await live_server.store.open()


async def test_socket_errors_while_redis_is_down_are_clear(server_factory, tmp_path):
    settings = load_settings(env={}, redis_url="redis://127.0.0.1:1/0", data_dir=str(tmp_path / "d"))
    server = await server_factory(settings)
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "hello"})
    assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
