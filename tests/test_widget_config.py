"""GET /api/widget/config: what the embeddable widget offers before a chat starts, answered cross-origin."""

from __future__ import annotations

from typing import Any

import aiohttp

from chat_server.departments import Department

ALWAYS_CLOSED = (("mon", ()), ("tue", ()), ("wed", ()), ("thu", ()), ("fri", ()), ("sat", ()), ("sun", ()))


async def get_config(url: str, origin: str | None = "https://shop.example") -> tuple[int, dict[str, str], Any]:
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as http, http.get(url + "/api/widget/config", headers=headers) as r:
        return r.status, dict(r.headers), await r.json()


def departments(settings: Any) -> Any:
    return settings.replace(
        departments=(
            Department("support", "Support"),
            Department("sales", "Sales", hours=ALWAYS_CLOSED),
            Department("internal", "Internal", show_in_widget=False),
        ),
        queue_when_unstaffed=False,
    )


async def test_shape_and_cors_for_any_site(live_server):
    status, headers, body = await get_config(live_server.url)
    assert status == 200
    assert body == {
        "departments": [{"key": "general", "name": "General", "open": True, "survey_question": None}],
        "languages": ["en", "ru", "sk"],
        "default_language": "en",
        "company_name": "Acme Support",
        "rating_scale": "stars5",
        "survey_question": None,  # off unless configured
    }
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Content-Type"].startswith("application/json")
    assert "no-cache" in headers["Cache-Control"]


async def test_open_follows_hours_and_who_is_online(settings, server_factory):
    server = await server_factory(departments(settings))
    _, _, body = await get_config(server.url)
    # Hidden departments are not offered; nobody is online, and chats may not wait for the first agent.
    assert body["departments"] == [
        {"key": "support", "name": "Support", "open": False, "survey_question": None},
        {"key": "sales", "name": "Sales", "open": False, "survey_question": None},
    ]
    await server.agent_peer(await server.create_agent())
    _, _, body = await get_config(server.url)
    # An agent without departments answers all of them; Sales stays closed outside its hours.
    assert [(d["key"], d["open"]) for d in body["departments"]] == [("support", True), ("sales", False)]


async def test_queue_when_unstaffed_keeps_departments_open_inside_hours(settings, server_factory):
    server = await server_factory(departments(settings).replace(queue_when_unstaffed=True))
    _, _, body = await get_config(server.url)
    assert [(d["key"], d["open"]) for d in body["departments"]] == [("support", True), ("sales", False)]


async def test_config_reflects_settings(settings, server_factory):
    server = await server_factory(settings.replace(
        languages=("sk", "en"), default_language="sk", company_name="Obchod", rating_scale="three"))
    _, _, body = await get_config(server.url)
    assert body["languages"] == ["sk", "en"] and body["default_language"] == "sk"
    assert body["company_name"] == "Obchod" and body["rating_scale"] == "three"


async def test_cors_only_for_allowed_origins(settings, server_factory):
    server = await server_factory(settings.replace(allowed_origins=("https://shop.example",)))
    _, headers, _ = await get_config(server.url, "https://shop.example")
    assert headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "Origin" in headers["Vary"]
    status, headers, _ = await get_config(server.url, "https://evil.example")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers  # the browser withholds it
    _, headers, _ = await get_config(server.url, None)
    assert "Access-Control-Allow-Origin" not in headers


async def test_preflight(settings, server_factory):
    server = await server_factory(settings.replace(allowed_origins=("https://shop.example",)))
    async with aiohttp.ClientSession() as http, http.options(server.url + "/api/widget/config", headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-requested-with",
    }) as r:
        assert r.status == 204
        assert r.headers["Access-Control-Allow-Origin"] == "https://shop.example"
        assert "GET" in r.headers["Access-Control-Allow-Methods"]
        assert r.headers["Access-Control-Allow-Headers"] == "x-requested-with"
