"""Who may call which canned-reply and assistant route: every route, every kind of caller."""

from __future__ import annotations

from .canned_helpers import Api, api_for, reply


async def test_every_route_refuses_anonymous_callers(live_server):
    anonymous = Api(live_server.url, None)
    rid, pid = "r_0123456789abcdef", "p_0123456789abcdef"
    routes = [
        ("GET", "/api/canned-responses"),
        ("POST", "/api/canned-responses"),
        ("GET", "/api/canned-responses/meta"),
        ("GET", f"/api/canned-responses/{rid}"),
        ("PUT", f"/api/canned-responses/{rid}"),
        ("DELETE", f"/api/canned-responses/{rid}"),
        ("GET", f"/api/canned-responses/{rid}/history"),
        ("POST", f"/api/canned-responses/{rid}/revert"),
        ("GET", f"/api/canned-responses/{rid}/usage"),
        ("POST", f"/api/canned-responses/{rid}/use"),
        ("GET", "/api/canned-responses/export"),
        ("POST", "/api/canned-responses/import"),
        ("POST", "/api/assistant/check"),
        ("GET", "/api/assistant/rules"),
        ("POST", "/api/assistant/rules"),
        ("PUT", f"/api/assistant/rules/{pid}"),
        ("DELETE", f"/api/assistant/rules/{pid}"),
        ("GET", "/api/assistant/feedback"),
    ]
    for method, path in routes:
        status, body = await anonymous.call(method, path, json={})
        assert (status, body["error"]["code"]) == (401, "unauthorized"), (method, path)


async def test_agents_use_shared_replies_and_manage_only_their_own(live_server):
    _, manager = await api_for(live_server, role="manager", name="Mia")
    _, anna = await api_for(live_server, name="Anna")
    _, ben = await api_for(live_server, name="Ben")
    shared = (await manager.post("/api/canned-responses", reply()))[1]["item"]["id"]
    dept = await manager.post(
        "/api/canned-responses", reply(shortcut="dept", scope="department", department="general")
    )
    assert dept[0] == 201

    # Agents may not create shared replies; without a scope they get a personal one.
    for scope in ("global", "department"):
        status, body = await anna.post(
            "/api/canned-responses", reply(shortcut="x", scope=scope, department="B")
        )
        assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await anna.post(
        "/api/canned-responses", {k: v for k, v in reply(shortcut="mine").items() if k != "scope"}
    )
    assert status == 201 and body["item"]["scope"] == "personal"
    mine = body["item"]["id"]

    # Reading: shared ones (department ones too, until departments exist) and one's own.
    anna_sees = {i["shortcut"] for i in await anna.items("?language=en")}
    assert {"thanks", "dept", "mine"} <= anna_sees
    assert "mine" not in {i["shortcut"] for i in await ben.items("?language=en")}
    assert (await ben.get(f"/api/canned-responses/{mine}"))[0] == 404
    assert (await anna.get(f"/api/canned-responses/{shared}"))[0] == 200
    assert (await ben.get("/api/canned-responses?all=1"))[0] == 403
    assert "mine" in {i["shortcut"] for i in await manager.items("?all=1")}
    assert "mine" not in {i["shortcut"] for i in await manager.items()}

    # Editing shared replies: 403 for agents on every editing route.
    for method, path, body in [
        ("PUT", f"/api/canned-responses/{shared}", {"text": "x"}),
        ("DELETE", f"/api/canned-responses/{shared}", None),
        ("GET", f"/api/canned-responses/{shared}/history", None),
        ("POST", f"/api/canned-responses/{shared}/revert", {"version": 1}),
        ("GET", f"/api/canned-responses/{shared}/usage", None),
    ]:
        status, got = await anna.call(method, path, json=body)
        assert (status, got["error"]["code"]) == (403, "forbidden"), (method, path)
    # Someone else's personal reply does not exist for another agent.
    for method, path, body in [
        ("PUT", f"/api/canned-responses/{mine}", {"text": "x"}),
        ("DELETE", f"/api/canned-responses/{mine}", None),
        ("GET", f"/api/canned-responses/{mine}/history", None),
        ("POST", f"/api/canned-responses/{mine}/revert", {"version": 1}),
        ("POST", f"/api/canned-responses/{mine}/use", {}),
    ]:
        assert (await ben.call(method, path, json=body))[0] == 404, (method, path)

    # Their own: full control, but no promotion to a shared scope.
    assert (await anna.put(f"/api/canned-responses/{mine}", {"text": "Mine, {visitor.name}"}))[0] == 200
    assert (await anna.put(f"/api/canned-responses/{mine}", {"scope": "global"}))[0] == 403
    assert (await anna.get(f"/api/canned-responses/{mine}/history"))[0] == 200
    assert (await anna.post(f"/api/canned-responses/{mine}/revert", {"version": 1}))[0] == 200
    # Managers edit everything, agents' personal replies included.
    assert (await manager.put(f"/api/canned-responses/{mine}", {"title": "Checked"}))[0] == 200
    assert (await manager.put(f"/api/canned-responses/{shared}", {"text": "Thanks!"}))[0] == 200
    assert (await anna.delete(f"/api/canned-responses/{mine}"))[0] == 200


async def test_manager_only_routes(live_server):
    _, anna = await api_for(live_server)
    for method, path, body in [
        ("GET", "/api/canned-responses/export", None),
        ("GET", "/api/canned-responses/export?format=csv", None),
        ("POST", "/api/canned-responses/import", {"items": []}),
        ("POST", "/api/assistant/rules", {"language": "en", "phrase": "nope", "reframe": "yes"}),
        ("GET", "/api/assistant/feedback", None),
    ]:
        status, got = await anna.call(method, path, json=body)
        assert (status, got["error"]["code"]) == (403, "forbidden"), (method, path)
    rule = (await anna.get("/api/assistant/rules?language=en"))[1]["rules"][0]
    assert (await anna.put(f"/api/assistant/rules/{rule['id']}", {"reframe": "x"}))[0] == 403
    assert (await anna.delete(f"/api/assistant/rules/{rule['id']}"))[0] == 403
    assert (await anna.post("/api/assistant/check", {"text": "I can't", "language": "en"}))[0] == 200


async def test_unknown_ids_are_404(live_server):
    _, manager = await api_for(live_server, role="manager")
    for path in (
        "/api/canned-responses/r_0123456789abcdef",
        "/api/canned-responses/nope",
        "/api/canned-responses/c_0123456789abcdef/history",
    ):
        status, body = await manager.get(path)
        assert (status, body["error"]["code"]) == (404, "not_found"), path
    assert (await manager.put("/api/assistant/rules/p_0123456789abcdef", {"reframe": "x"}))[0] == 404
    assert (await manager.delete("/api/assistant/rules/zzz"))[0] == 404


async def test_cookie_writes_from_another_site_are_refused(live_server):
    manager = await live_server.create_agent(role="manager")
    token = await live_server.token_for(manager)
    import aiohttp

    async with aiohttp.ClientSession(cookies={"chat_session": token}) as http:
        async with http.post(
            live_server.url + "/api/canned-responses",
            json=reply(),
            headers={"Origin": "https://evil.example"},
        ) as r:
            assert r.status == 403
        async with http.get(live_server.url + "/api/canned-responses") as r:
            assert r.status == 200


async def test_manage_page_access(live_server):
    import aiohttp

    agent = await live_server.create_agent()
    manager = await live_server.create_agent(role="manager")
    async with aiohttp.ClientSession() as http:
        async with http.get(live_server.url + "/manage/canned", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/console"
        async with http.get(
            live_server.url + "/manage/canned", cookies={"chat_session": await live_server.token_for(agent)}
        ) as r:
            assert r.status == 403 and "This page is for managers" in await r.text()
        async with http.get(
            live_server.url + "/manage/canned", cookies={"chat_session": await live_server.token_for(manager)}
        ) as r:
            assert r.status == 200
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
            html = await r.text()
            assert "<script>" not in html and "style=" not in html


async def test_department_replies_follow_the_agents_departments(settings, server_factory):
    from chat_server.departments import Department

    server = await server_factory(
        settings.replace(departments=(Department("general", "General"), Department("billing", "Billing")))
    )
    _, manager = await api_for(server, role="manager", name="Mia")
    for dept in ("general", "billing"):
        status, _ = await manager.post(
            "/api/canned-responses", reply(shortcut=f"d-{dept}", scope="department", department=dept)
        )
        assert status == 201
    status, body = await manager.post("/api/canned-responses", reply(scope="department", department="sales"))
    assert status == 400 and body["error"]["field"] == "department" and "billing" in body["error"]["message"]

    general_agent, general = await api_for(server, name="Gina")
    await server.store.update_agent(general_agent.id, departments=["general"])
    _, everyone = await api_for(server, name="Evan")  # no departments: answers, and sees, all of them
    assert {i["shortcut"] for i in await general.items("?scope=department")} == {"d-general"}
    assert {i["shortcut"] for i in await everyone.items("?scope=department")} == {"d-general", "d-billing"}
    billing_id = next(
        i["id"] for i in await everyone.items("?scope=department") if i["shortcut"] == "d-billing"
    )
    assert (await general.get(f"/api/canned-responses/{billing_id}"))[0] == 404
    assert (await general.post(f"/api/canned-responses/{billing_id}/use", {}))[0] == 404
    status, meta = await general.get("/api/canned-responses/meta")
    assert meta["departments"] == [
        {"key": "general", "name": "General"},
        {"key": "billing", "name": "Billing"},
    ]
