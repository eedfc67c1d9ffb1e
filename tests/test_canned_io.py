"""Import and export of the whole library: exact round trips, validation before any change."""

from __future__ import annotations

import json

import pytest

from .canned_helpers import Api, api_for, reply

TRICKY = 'Line one, "quoted"\nLine two; tab\there — ünïcödé, кириллица, {visitor.name} <b>bold</b>'


async def _populated(live_server):
    _manager_agent, manager = await api_for(live_server, role="manager", name="Mia")
    anna = await live_server.create_agent(email="anna@example.com", name="Anna")
    anna_api = Api(live_server.url, await live_server.token_for(anna))
    assert (await manager.post("/api/canned-responses", reply(text=TRICKY, title='Tricky, "title"')))[
        0
    ] == 201
    assert (await manager.post("/api/canned-responses", reply(scope="department", department="general")))[
        0
    ] == 201
    assert (await anna_api.post("/api/canned-responses", reply(scope="personal", shortcut="mine")))[0] == 201
    return manager


@pytest.mark.parametrize("fmt", ["json", "csv"])
async def test_export_import_round_trip_is_exact(live_server, server_factory, settings, tmp_path, fmt):
    manager = await _populated(live_server)
    status, exported = await manager.get(f"/api/canned-responses/export?format={fmt}")
    assert status == 200
    if fmt == "json":
        exported = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
        doc = json.loads(exported)
        assert doc["format"] == "chat-server.canned-responses" and len(doc["items"]) == 46 * 3 + 3
        mine = next(i for i in doc["items"] if i["shortcut"] == "mine")
        assert mine["owner"] == "anna@example.com" and mine["scope"] == "personal"
    else:
        assert exported.startswith("\ufefflanguage,scope,department,owner,category,shortcut,title,text\r\n")

    # Into a fresh installation (same agents), replacing its starter library: the same file comes back out.
    other = await server_factory(
        # database_url "": its own SQLite file even when this run's tests share a PostgreSQL schema
        settings.replace(data_dir=str(tmp_path / "other"), redis_prefix=settings.redis_prefix + "b", database_url="")
    )
    await other.create_agent(email="anna@example.com", name="Anna")
    _, other_manager = await api_for(other, role="manager", name="Mia")
    content_type = "application/json" if fmt == "json" else "text/csv"
    status, body = await other_manager.call(
        "POST",
        f"/api/canned-responses/import?format={fmt}&mode=replace",
        data=exported.encode(),
        content_type=content_type,
    )
    assert status == 200, body
    assert body["result"] == {"created": 3, "updated": 0, "unchanged": 46 * 3, "deleted": 0}
    again = (await other_manager.get(f"/api/canned-responses/export?format={fmt}"))[1]
    if fmt == "json":
        again = json.dumps(again, ensure_ascii=False, indent=2) + "\n"
    assert again == exported

    # Importing the same file twice changes nothing.
    status, body = await other_manager.call(
        "POST",
        f"/api/canned-responses/import?format={fmt}",
        data=exported.encode(),
        content_type=content_type,
    )
    assert body["result"] == {"created": 0, "updated": 0, "unchanged": 46 * 3 + 3, "deleted": 0}


async def test_import_merge_updates_and_replace_deletes_with_history(live_server):
    _, manager = await api_for(live_server, role="manager")
    items = [
        {
            "language": "en",
            "scope": "global",
            "category": "greeting",
            "shortcut": "greet",
            "title": "Hi",
            "text": "Hello {visitor.name}!",
        },
        {
            "language": "de",
            "scope": "global",
            "category": "greeting",
            "shortcut": "greet",
            "title": "Hallo",
            "text": "Hallo {visitor.name}!",
        },
    ]
    status, body = await manager.post("/api/canned-responses/import", {"items": items})
    assert status == 200 and body["result"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    greet = next(i for i in await manager.items("?language=en") if i["shortcut"] == "greet")
    history = (await manager.get(f"/api/canned-responses/{greet['id']}/history"))[1]["versions"]
    assert [v["action"] for v in history] == ["seed", "import"]

    status, body = await manager.post(
        "/api/canned-responses/import?mode=replace", items
    )  # a bare list works too
    assert body["result"]["deleted"] == 46 * 3 - 1 and body["result"]["unchanged"] == 2
    assert {(i["language"], i["shortcut"]) for i in await manager.items("?all=1")} == {
        ("en", "greet"),
        ("de", "greet"),
    }


async def test_import_validates_everything_before_changing_anything(live_server):
    _, manager = await api_for(live_server, role="manager")
    before = (await manager.get("/api/canned-responses/export"))[1]
    bad_items = [
        {
            "language": "en",
            "scope": "global",
            "category": "greeting",
            "shortcut": "new-one",
            "title": "Fine",
            "text": "A perfectly good reply",
        },
        {
            "language": "en",
            "scope": "global",
            "category": "greeting",
            "shortcut": "bad",
            "title": "Bad",
            "text": "Hi {visitor.nickname}",
        },
        {
            "language": "en",
            "scope": "global",
            "category": "greeting",
            "shortcut": "new-one",
            "title": "Dup",
            "text": "Same shortcut again",
        },
        {
            "language": "en",
            "scope": "personal",
            "owner": "ghost@example.com",
            "category": "closing",
            "shortcut": "ghost",
            "title": "Ghost",
            "text": "Boo",
        },
        {
            "language": "en",
            "scope": "global",
            "category": "greeting",
            "shortcut": "empty",
            "title": "Empty",
            "text": "",
        },
        "not an object",
    ]
    status, body = await manager.post("/api/canned-responses/import", {"items": bad_items})
    assert status == 400 and body["error"]["code"] == "invalid_import"
    problems = {(e["row"], e["code"]) for e in body["error"]["errors"]}
    assert problems == {
        (2, "unknown_placeholder"),
        (3, "duplicate_shortcut"),
        (4, "invalid_import"),
        (5, "missing_field"),
        (6, "invalid_import"),
    }
    assert "nothing was imported" in body["error"]["message"]
    assert (await manager.get("/api/canned-responses/export"))[1] == before

    malformed = [
        (b"{not json", "application/json", "not valid JSON"),
        (b'{"items": 5}', "application/json", "must be"),
        (b"", "application/json", "empty"),
        (b"\xff\xfe\x00garbage", "application/json", "UTF-8"),
        (b"language,title\r\nen,x\r\n", "text/csv", "lacks the column"),
        (
            b'language,scope,category,shortcut,title,text\r\nen,global,greeting,a,"unterminated\r\n',
            "text/csv",
            "not valid CSV",
        ),
        (
            b"language,scope,category,shortcut,title,text\r\nen,global,greeting,a,b,c,EXTRA\r\n",
            "text/csv",
            "more cells",
        ),
    ]
    for data, content_type, message in malformed:
        status, body = await manager.call(
            "POST", "/api/canned-responses/import", data=data, content_type=content_type
        )
        assert status == 400 and body["error"]["code"] == "invalid_import", (data, body)
        assert message in body["error"]["message"], (data, body)
    assert (await manager.get("/api/canned-responses/export"))[1] == before
    status, body = await manager.call(
        "POST", "/api/canned-responses/import?mode=wipe", data=b"{}", content_type="application/json"
    )
    assert status == 400
