"""GET /api/supervision: the managers' live snapshot (waiting line, agents, chats in progress)."""

from __future__ import annotations

from typing import Any

import aiohttp

from chat_server.clock import FakeClock

from .helpers import cid


async def get_snapshot(server: Any, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http, http.get(server.url + "/api/supervision", headers=headers) as r:
        return r.status, await r.json()


async def start_chat(server: Any, name: str, text: str = "Hello?") -> tuple[Any, str]:
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": text, "name": name, "client_id": cid()})
    assert ack["ok"], ack
    return visitor, ack["conversation_id"]


async def test_manager_gets_waiting_agents_and_active_chats(live_server: Any) -> None:
    manager = await live_server.create_agent(name="Boss", role="manager")
    anna = await live_server.create_agent(name="Anna", capacity=1)
    await live_server.create_agent(name="Ben")
    token = await live_server.token_for(manager)

    status, body = await get_snapshot(live_server, token)
    assert status == 200
    assert body["waiting"] == [] and body["active"] == []
    assert {a["name"]: a["status"] for a in body["agents"]} == {"Boss": "offline", "Anna": "offline", "Ben": "offline"}

    # Anna comes online and takes the first chat; the second waits (her one slot is full).
    console = await live_server.agent_peer(anna)
    _, first = await start_chat(live_server, "Maria")
    await console.next("chat:assigned")
    _, second = await start_chat(live_server, "Lena", "Where is my parcel?")

    status, body = await get_snapshot(live_server, token)
    assert status == 200
    assert [w["conversation_id"] for w in body["waiting"]] == [second]
    waiting = body["waiting"][0]
    assert waiting["visitor_name"] == "Lena" and waiting["department"] == "general"
    assert waiting["waited_s"] >= 0 and waiting["sla_breached"] is False and waiting["max_wait_s"] == 300
    assert set(waiting) >= {"conversation_id", "visitor_name", "department", "language", "waited_s", "sla_breached"}
    by_name = {a["name"]: a for a in body["agents"]}
    assert by_name["Anna"]["status"] == "online" and by_name["Anna"]["load"] == 1 and by_name["Anna"]["capacity"] == 1
    assert body["agents"][0]["name"] == "Anna"  # online first
    assert [(c["conversation_id"], c["agent"]["name"], c["visitor_name"]) for c in body["active"]] == [
        (first, "Anna", "Maria")
    ]
    assert body["active"][0]["messages"] == 1 and body["active"][0]["last_author"] == "visitor"


async def test_waits_past_the_department_maximum_are_flagged(settings: Any, server_factory: Any) -> None:
    clock = FakeClock(1_800_000_000.0)
    server = await server_factory(settings, clock=clock)
    manager = await server.create_agent(name="Boss", role="manager")
    token = await server.token_for(manager)
    _, conversation_id = await start_chat(server, "Maria")

    clock.advance(301)
    status, body = await get_snapshot(server, token)
    assert status == 200
    waiting = body["waiting"][0]
    assert waiting["conversation_id"] == conversation_id
    assert waiting["waited_s"] == 301 and waiting["sla_breached"] is True


async def test_agents_are_refused_and_bad_tokens_unauthorized(live_server: Any) -> None:
    agent = await live_server.create_agent(name="Anna")
    status, body = await get_snapshot(live_server, await live_server.token_for(agent))
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = await get_snapshot(live_server, "not-a-token")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, body = await get_snapshot(live_server, None)
    assert status == 401 and body["error"]["code"] == "unauthorized"


async def test_team_pages_for_managers_only_with_the_csp_and_no_inline_code(live_server: Any) -> None:
    manager = await live_server.create_agent(name="Boss", role="manager")
    agent = await live_server.create_agent(name="Anna")
    async with aiohttp.ClientSession() as http:
        for path in ("/manage/supervision", "/manage/agents"):
            async with http.get(live_server.url + path, allow_redirects=False) as r:
                assert r.status == 302 and r.headers["Location"] == "/console"
            cookies = {"chat_session": await live_server.token_for(agent)}
            async with http.get(live_server.url + path, cookies=cookies, allow_redirects=False) as r:
                assert r.status == 403
            cookies = {"chat_session": await live_server.token_for(manager)}
            async with http.get(live_server.url + path, cookies=cookies, allow_redirects=False) as r:
                html = await r.text()
                assert r.status == 200
                assert "script-src 'self'" in r.headers["Content-Security-Policy"]
                assert "<script>" not in html and "style=" not in html and 'href="/manage/supervision"' in html
        async with http.get(live_server.url + "/console", cookies={"chat_session": await live_server.token_for(agent)}) as r:
            html = await r.text()
            assert "<script>" not in html and "style=" not in html
            assert 'href="/manage/supervision"' not in html  # agents don't see managers' links


async def test_the_supervision_socket_hears_changes_without_making_its_manager_available(live_server: Any) -> None:
    from .helpers import Peer

    manager = await live_server.create_agent(name="Boss", role="manager")
    console = await live_server.agent_peer(manager)  # online from the console...
    await console.close()  # ...which is then closed: only the supervision page stays open
    page = Peer(live_server.url, "/manage")
    live_server.peers.append(page)
    await page.connect({"token": await live_server.token_for(manager)})
    _, conversation_id = await start_chat(live_server, "Maria")
    changed = await page.wait_for("queue:changed", lambda d: d["conversation_id"] == conversation_id)
    assert changed["status"] == "queued"  # nobody to take it: the open page is not a console
    status, body = await get_snapshot(live_server, await live_server.token_for(manager))
    assert status == 200 and [w["conversation_id"] for w in body["waiting"]] == [conversation_id]
