"""Canned replies over REST: validation, visibility, versioning and revert, live events."""

from __future__ import annotations

from .canned_helpers import api_for, reply

XSS = "<img src=x onerror=alert(1)>"


async def test_starter_library_is_loaded_and_listed_with_fallback(live_server):
    _, api = await api_for(live_server)
    en = await api.items("?language=en")
    assert len(en) >= 40 and {i["category"] for i in en} >= {
        "greeting",
        "clarifying",
        "empathy",
        "waiting",
        "escalation",
        "summarising",
        "closing",
        "apology",
    }
    item = next(i for i in en if i["shortcut"] == "greet")
    assert set(item) >= {
        "id",
        "shortcut",
        "title",
        "text",
        "category",
        "language",
        "scope",
        "updated_at",
        "usage_count",
    }
    assert item["scope"] == "global" and item["usage_count"] == 0

    # A shortcut only in English shows up for Slovak from the default language; its Slovak twin wins otherwise.
    _, manager = await api_for(live_server, role="manager", name="Mia")
    status, _ = await manager.post("/api/canned-responses", reply(shortcut="only-en"))
    assert status == 201
    sk = await api.items("?language=sk")
    by_shortcut = {i["shortcut"]: i for i in sk}
    assert by_shortcut["greet"]["language"] == "sk"
    assert by_shortcut["only-en"]["language"] == "en"
    assert all(i["language"] == "sk" for i in await api.items("?language=sk&fallback=0"))


async def test_filters_and_search(live_server):
    _, api = await api_for(live_server)
    found = await api.items("?language=en&q=greet")
    assert found[0]["shortcut"] == "greet"
    assert {i["category"] for i in await api.items("?category=apology")} == {"apology"}
    assert len(await api.items("?unused=1")) == len(await api.items())
    status, body = await api.get("/api/canned-responses?category=nope")
    assert status == 400 and body["error"]["code"] == "invalid_payload"
    status, body = await api.get("/api/canned-responses?language=" + "x" * 40)
    assert status == 400


async def test_create_validation_errors_are_clear_and_nothing_is_saved(live_server):
    _, manager = await api_for(live_server, role="manager")
    before = len(await manager.items("?all=1"))
    cases = [
        (reply(text="   "), 400, "missing_field"),
        (reply(text="Hello {visitor.nmae}"), 400, "unknown_placeholder"),
        (reply(text="x" * 4001), 400, "text_too_long"),
        (reply(shortcut="two words"), 400, "invalid_payload"),
        (reply(category="jokes"), 400, "invalid_payload"),
        (reply(scope="everyone"), 400, "invalid_payload"),
        (reply(language="english!"), 400, "invalid_payload"),
        (reply(scope="department"), 400, "missing_field"),
        (reply(title={"$gt": ""}), 400, "invalid_payload"),
        (reply(shortcut="greet"), 409, "duplicate_shortcut"),
    ]
    for body, status, code in cases:
        got_status, got = await manager.post("/api/canned-responses", body)
        assert (got_status, got["error"]["code"]) == (status, code), (body, got)
        assert got["error"]["message"]
    unknown = (await manager.post("/api/canned-responses", reply(text="Hi {visitor.nmae} {foo}")))[1]["error"]
    assert unknown["placeholders"] == ["foo", "visitor.nmae"] and "{visitor.name}" in unknown["message"]
    status, body = await manager.call(
        "POST", "/api/canned-responses", data=b"{nope", content_type="application/json"
    )
    assert status == 400 and body["error"]["code"] == "invalid_payload"
    assert len(await manager.items("?all=1")) == before


async def test_same_shortcut_per_language_scope_and_owner(live_server):
    _, manager = await api_for(live_server, role="manager")
    _, anna = await api_for(live_server, name="Anna")
    _, ben = await api_for(live_server, name="Ben")
    assert (await manager.post("/api/canned-responses", reply(language="de")))[0] == 201
    assert (await manager.post("/api/canned-responses", reply(language="ru")))[0] == 201
    assert (await manager.post("/api/canned-responses", reply(scope="department", department="general")))[
        0
    ] == 201
    assert (await anna.post("/api/canned-responses", reply(scope="personal")))[0] == 201
    assert (await ben.post("/api/canned-responses", reply(scope="personal")))[0] == 201
    status, body = await anna.post("/api/canned-responses", reply(scope="personal", title="Again"))
    assert status == 409 and body["error"]["code"] == "duplicate_shortcut"


async def test_markup_is_stored_verbatim(live_server):
    _, manager = await api_for(live_server, role="manager")
    status, body = await manager.post("/api/canned-responses", reply(title=XSS, text=f"Hi {XSS}"))
    assert status == 201
    assert body["item"]["title"] == XSS and body["item"]["text"] == f"Hi {XSS}"


async def test_update_versions_history_diff_and_revert(live_server):
    _, manager = await api_for(live_server, role="manager", name="Mia")
    created = (await manager.post("/api/canned-responses", reply()))[1]["item"]
    rid = created["id"]
    status, body = await manager.put(
        f"/api/canned-responses/{rid}", {"text": "Many thanks, {visitor.name}!", "version": 1}
    )
    assert status == 200 and body["item"]["version"] == 2
    assert body["item"]["title"] == "Thank you"  # omitted fields keep their value
    status, body = await manager.put(f"/api/canned-responses/{rid}", {"title": "Stale", "version": 1})
    assert status == 409 and body["error"]["code"] == "version_conflict"
    # Saving identical content makes no new version.
    assert (await manager.put(f"/api/canned-responses/{rid}", {"text": "Many thanks, {visitor.name}!"}))[1][
        "item"
    ]["version"] == 2

    status, body = await manager.get(f"/api/canned-responses/{rid}/history")
    assert status == 200
    versions = body["versions"]
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["action"] == "update"
    assert versions[1]["changed_by"]["name"] == "Mia"
    assert versions[1]["changes"]["text"] == [
        {"op": "delete", "text": "Thank you"},
        {"op": "insert", "text": "Many thanks"},
        {"op": "equal", "text": ", {visitor.name}!"},
    ]

    status, body = await manager.post(f"/api/canned-responses/{rid}/revert", {"version": 1})
    assert (
        status == 200
        and body["item"]["text"] == "Thank you, {visitor.name}!"
        and body["item"]["version"] == 3
    )
    last = (await manager.get(f"/api/canned-responses/{rid}/history"))[1]["versions"][-1]
    assert last["action"] == "revert" and last["reverted_from"] == 1
    assert (await manager.post(f"/api/canned-responses/{rid}/revert", {"version": 9}))[0] == 404
    assert (await manager.post(f"/api/canned-responses/{rid}/revert", {"version": "1"}))[0] == 400


async def test_delete_keeps_history_and_revert_restores(live_server):
    _, manager = await api_for(live_server, role="manager")
    rid = (await manager.post("/api/canned-responses", reply()))[1]["item"]["id"]
    assert (await manager.delete(f"/api/canned-responses/{rid}"))[0] == 200
    assert (await manager.get(f"/api/canned-responses/{rid}"))[0] == 404
    assert (await manager.delete(f"/api/canned-responses/{rid}"))[0] == 404
    # The shortcut is free again while deleted.
    other = (await manager.post("/api/canned-responses", reply(title="Newer")))[1]["item"]["id"]
    history = (await manager.get(f"/api/canned-responses/{rid}/history"))[1]["versions"]
    assert [v["action"] for v in history] == ["create", "delete"]
    status, body = await manager.post(f"/api/canned-responses/{rid}/revert", {"version": 1})
    assert status == 409 and body["error"]["code"] == "duplicate_shortcut"
    await manager.delete(f"/api/canned-responses/{other}")
    status, body = await manager.post(f"/api/canned-responses/{rid}/revert", {"version": 1})
    assert status == 200 and not body["item"]["deleted"]
    assert (await manager.get(f"/api/canned-responses/{rid}"))[0] == 200


async def test_manager_edits_reach_every_console_personal_ones_only_the_owner(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    anna_peer = await live_server.agent_peer(anna, online=False)
    ben_peer = await live_server.agent_peer(ben, online=False)
    _, manager = await api_for(live_server, role="manager")
    rid = (await manager.post("/api/canned-responses", reply()))[1]["item"]["id"]
    for peer in (anna_peer, ben_peer):
        event = await peer.next("canned:changed")
        assert event == {"action": "created", "id": rid, "language": "en", "scope": "global"}
    await manager.put(f"/api/canned-responses/{rid}", {"text": "Cheers!"})
    assert (await ben_peer.next("canned:changed"))["action"] == "updated"

    from .canned_helpers import Api

    anna_api = Api(live_server.url, await live_server.token_for(anna))
    mine = (await anna_api.post("/api/canned-responses", reply(scope="personal")))[1]["item"]["id"]
    assert (await anna_peer.wait_for("canned:changed", lambda e: e["id"] == mine))["scope"] == "personal"
    await manager.delete(f"/api/canned-responses/{rid}")
    got = await ben_peer.next("canned:changed")
    assert got["id"] == rid  # Ben never heard of Anna's personal reply
