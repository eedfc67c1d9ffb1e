"""Usage statistics (socket `canned:used` and REST) with the average rating of the chats, and the
assistant's counters (`assistant:feedback`)."""

from __future__ import annotations

import pytest

from chat_server.clock import FakeClock

from .canned_helpers import Api, reply


async def _chat(server, agent_peer):
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hello", "name": "Maria"})
    assert ack["ok"], ack
    await agent_peer.wait_for("chat:assigned", lambda d: d["conversation"]["id"] == ack["conversation_id"])
    return visitor, ack["conversation_id"]


@pytest.mark.both_databases
async def test_usage_counts_users_and_average_rating(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    manager = await live_server.create_agent(name="Mia", role="manager")
    mia = Api(live_server.url, await live_server.token_for(manager))
    rid = (await mia.post("/api/canned-responses", reply()))[1]["item"]["id"]
    unused_before = {i["id"] for i in await mia.items("?unused=1")}
    assert rid in unused_before

    anna_peer = await live_server.agent_peer(anna)
    visitor1, c1 = await _chat(live_server, anna_peer)
    assert (await anna_peer.call("canned:used", {"canned_response_id": rid, "conversation_id": c1}))["ok"]
    assert (await anna_peer.call("canned:used", {"canned_response_id": rid, "conversation_id": c1}))["ok"]
    assert (await anna_peer.call("chat:close", {"conversation_id": c1}))["ok"]
    assert (await visitor1.call("chat:rate", {"conversation_id": c1, "score": 5}))["ok"]

    await anna_peer.call("status:set", {"status": "away"})
    ben_peer = await live_server.agent_peer(ben)
    visitor2, c2 = await _chat(live_server, ben_peer)
    ben_api = Api(live_server.url, await live_server.token_for(ben))
    status, _ = await ben_api.post(f"/api/canned-responses/{rid}/use", {"conversation_id": c2})
    assert status == 200
    assert (await ben_peer.call("chat:close", {"conversation_id": c2}))["ok"]
    assert (await visitor2.call("chat:rate", {"conversation_id": c2, "score": 2}))["ok"]
    assert (await ben_api.post(f"/api/canned-responses/{rid}/use", {}))[
        0
    ] == 200  # no conversation: still a use

    status, body = await mia.get(f"/api/canned-responses/{rid}/usage")
    assert status == 200
    item = body["item"]
    assert item["usage_count"] == 4 and item["average_rating"] == 3.5 and item["rated_chats"] == 2
    assert item["last_used_at"]
    assert [(u["agent"]["name"], u["count"]) for u in body["by_agent"]] == [("Anna", 2), ("Ben", 2)]
    assert rid not in {i["id"] for i in await mia.items("?unused=1")}
    listed = next(i for i in await mia.items("?language=en") if i["id"] == rid)
    assert listed["usage_count"] == 4


async def test_canned_used_rejects_bad_input(live_server):
    anna = await live_server.create_agent(name="Anna")
    ben = await live_server.create_agent(name="Ben")
    anna_peer = await live_server.agent_peer(anna)
    ben_api = Api(live_server.url, await live_server.token_for(ben))
    mine = (await ben_api.post("/api/canned-responses", reply(scope="personal")))[1]["item"]["id"]
    _, conversation = await _chat(live_server, anna_peer)
    cases = [
        ({}, "missing_field"),
        ({"canned_response_id": 5}, "not_found"),
        ({"canned_response_id": "r_0123456789abcdef"}, "not_found"),
        ({"canned_response_id": mine}, "not_found"),  # Ben's personal reply
        ({"canned_response_id": mine.replace("r_", "x_")}, "not_found"),
    ]
    for payload, code in cases:
        ack = await anna_peer.call("canned:used", payload)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
    greet = next(
        i
        for i in await Api(live_server.url, await live_server.token_for(anna)).items("?language=en")
        if i["shortcut"] == "greet"
    )
    ack = await anna_peer.call(
        "canned:used", {"canned_response_id": greet["id"], "conversation_id": "c_0123456789abcdef"}
    )
    assert ack["error"]["code"] == "not_found"
    ack = await anna_peer.call(
        "canned:used", {"canned_response_id": greet["id"], "conversation_id": conversation}
    )
    assert ack["ok"]


@pytest.mark.both_databases
async def test_assistant_feedback_is_stored_per_agent_per_day(settings, server_factory):
    clock = FakeClock(start=1_800_000_000.0)  # 2027-01-15 08:00 UTC
    server = await server_factory(settings, clock=clock)
    anna = await server.create_agent(name="Anna")
    manager = await server.create_agent(name="Mia", role="manager")
    peer = await server.agent_peer(anna, online=False)
    ack = await peer.call("assistant:feedback", {"shown": 3, "accepted": 1, "ignored": 2})
    assert ack == {"ok": True, "recorded": {"shown": 3, "accepted": 1, "ignored": 2}}
    assert (await peer.call("assistant:feedback", {"shown": 2, "accepted": 2}))["ok"]
    clock.advance(86400)
    assert (await peer.call("assistant:feedback", {"shown": 1, "ignored": 1}))["ok"]
    for bad in ({"shown": -1}, {"shown": "3"}, {"accepted": 10**9}, {"ignored": True}, []):
        ack = await peer.call("assistant:feedback", bad)
        assert ack["ok"] is False, (bad, ack)

    mia = Api(server.url, await server.token_for(manager))
    status, body = await mia.get("/api/assistant/feedback?days=7")
    assert status == 200
    [row] = body["agents"]
    assert row["agent"]["name"] == "Anna"
    assert (row["shown"], row["accepted"], row["ignored"]) == (6, 3, 3)
    assert [(d["day"], d["shown"], d["accepted"], d["ignored"]) for d in row["days"]] == [
        ("2027-01-15", 5, 3, 2),
        ("2027-01-16", 1, 0, 1),
    ]
    assert (await mia.get("/api/assistant/feedback?days=0"))[0] == 400
    assert (await mia.get("/api/assistant/feedback?days=abc"))[0] == 400
    body = (await mia.get("/api/assistant/feedback?days=1"))[1]
    assert [d["day"] for d in body["agents"][0]["days"]] == ["2027-01-16"]
