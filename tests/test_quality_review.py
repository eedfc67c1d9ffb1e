"""Quality review: a reproducible seeded sample per agent and period, manager scoring on the rubric
from config, the scores in the agent's report and the feedback the agent reads."""

from __future__ import annotations

import random
from datetime import date

import aiohttp
import pytest

from chat_server.clock import FakeClock
from chat_server.reports.qa import draw

from .report_data import Chat, insert, ts
from .test_reports import http_get

# Monday 2 March 2026 starts a review week (weeks count from Monday 1 January 2024).
WEEK = ts("2026-03-02T09:00:00")
ALL_TWO = {
    "greeting": 2,
    "understanding_the_request": 2,
    "positive_language": 2,
    "solution": 2,
    "timeline_given": 2,
    "summary": 2,
}


async def post(server, path, token, body):
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{server.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        ) as r:
            return r.status, await r.json()


async def week_of_chats(server, agent_id, count, start=WEEK):
    chats = [
        Chat(
            start + i * 3600,
            [(agent_id, start + i * 3600 + 5)],
            [(agent_id, start + i * 3600 + 9)],
            start + i * 3600 + 300,
            "agent",
        )
        for i in range(count)
    ]
    await insert(server.store, chats)
    return chats


def test_the_draw_is_the_documented_seeded_sample():
    candidates = [f"c_{i:016x}" for i in range(10)]
    expected = random.Random("s3cret:2026-03-02:a_1").sample(sorted(candidates), 3)
    assert draw(list(reversed(candidates)), 3, "s3cret", date(2026, 3, 2), "a_1") == expected
    assert draw(candidates[:2], 3, "s3cret", date(2026, 3, 2), "a_1") == sorted(candidates[:2])


@pytest.mark.both_databases
async def test_the_sample_is_reproducible_and_per_period(settings, server_factory):
    clock = FakeClock(ts("2026-03-10T12:00:00"))  # a Tuesday: the last finished week is 2–8 March
    server = await server_factory(settings.replace(qa_sample_size=3, qa_seed="s3cret"), clock)
    anna = await server.create_agent(name="Anna")
    boris = await server.create_agent(name="Boris")
    mia = await server.create_agent(name="Mia", role="manager")
    anna_chats = await week_of_chats(server, anna.id, 7)
    await week_of_chats(server, boris.id, 2)
    await week_of_chats(server, anna.id, 2, start=ts("2026-03-09T09:00:00"))  # next week: not in this sample
    open_chat = Chat(WEEK, [(anna.id, WEEK + 1)])  # never closed: never sampled
    await insert(server.store, [open_chat])
    token = await server.token_for(mia)

    status, first = await http_get(server, "/api/qa/sample", token)
    assert status == 200, first
    assert first["period"] == {"start": "2026-03-02", "end": "2026-03-08", "tz": "UTC"}
    rows = {a["name"]: a for a in first["agents"]}
    expected = random.Random(f"s3cret:2026-03-02:{anna.id}").sample(sorted(c.id for c in anna_chats), 3)
    assert [s["conversation_id"] for s in rows["Anna"]["sample"]] == expected
    assert rows["Anna"]["candidates"] == 7
    assert len(rows["Boris"]["sample"]) == 2 and rows["Mia"]["sample"] == []
    assert [c["key"] for c in first["criteria"]] == list(ALL_TWO)

    # Same seed, same period: same chats, also from a second server (another process).
    again = await server_factory(settings.replace(qa_sample_size=3, qa_seed="s3cret"), clock)
    _, second = await http_get(again, "/api/qa/sample", token, {"period": "2026-03-05"})
    assert second["agents"] == first["agents"]
    # Another seed draws on its own stream.
    other = await server_factory(settings.replace(qa_sample_size=3, qa_seed="other"), clock)
    _, third = await http_get(other, "/api/qa/sample", token)
    expected_other = random.Random(f"other:2026-03-02:{anna.id}").sample(sorted(c.id for c in anna_chats), 3)
    assert [
        s["conversation_id"] for s in {a["name"]: a for a in third["agents"]}["Anna"]["sample"]
    ] == expected_other
    # The week after holds the two later chats.
    _, later = await http_get(server, "/api/qa/sample", token, {"period": "2026-03-09"})
    assert {a["name"]: a for a in later["agents"]}["Anna"]["candidates"] == 2


@pytest.mark.both_databases
async def test_scores_reach_the_report_and_the_agent_reads_the_feedback(live_server):
    anna = await live_server.create_agent(name="Anna")
    mia = await live_server.create_agent(name="Mia", role="manager")
    chats = await week_of_chats(live_server, anna.id, 2)
    manager, agent = await live_server.token_for(mia), await live_server.token_for(anna)

    status, body = await post(
        live_server,
        "/api/qa/reviews",
        manager,
        {
            "conversation_id": chats[0].id,
            "agent_id": anna.id,
            "scores": {**ALL_TWO, "summary": 0},
            "comment": "Lovely greeting; sum up the agreed steps at the end.",
        },
    )
    assert status == 200, body
    assert body["review"]["points"] == 10 and body["review"]["max_points"] == 12
    assert body["review"]["score"] == 83.3
    status, body = await post(
        live_server,
        "/api/qa/reviews",
        manager,
        {"conversation_id": chats[1].id, "agent_id": anna.id, "scores": dict.fromkeys(ALL_TWO, 1)},
    )
    assert status == 200 and body["review"]["score"] == 50.0
    # Re-scoring replaces the earlier review instead of adding one.
    status, _ = await post(
        live_server,
        "/api/qa/reviews",
        manager,
        {"conversation_id": chats[1].id, "agent_id": anna.id, "scores": dict.fromkeys(ALL_TWO, 1)},
    )
    assert status == 200

    day = {"from": "2026-03-02", "to": "2026-03-02", "tz": "UTC"}
    _, report = await http_get(live_server, "/api/reports/agents", agent, day)
    assert report["agents"][0]["qa"] == {"reviewed": 2, "score": 66.7}  # mean of 83.33 and 50
    _, feedback = await http_get(live_server, "/api/qa/feedback", agent)
    assert len(feedback["reviews"]) == 2
    mine = {r["conversation_id"]: r for r in feedback["reviews"]}[chats[0].id]
    assert mine["comment"] == "Lovely greeting; sum up the agreed steps at the end."
    assert mine["reviewer"]["name"] == "Mia"
    assert {s["label"]: s["points"] for s in mine["scores"]}["Summary"] == 0

    status, body = await http_get(live_server, f"/api/qa/conversations/{chats[0].id}", manager)
    assert status == 200 and body["conversation"]["id"] == chats[0].id and len(body["reviews"]) == 1


async def test_bad_reviews_are_refused_and_nothing_is_saved(live_server):
    anna = await live_server.create_agent(name="Anna")
    boris = await live_server.create_agent(name="Boris")
    mia = await live_server.create_agent(name="Mia", role="manager")
    closed = (await week_of_chats(live_server, anna.id, 1))[0]
    still_open = Chat(WEEK, [(anna.id, WEEK + 5)])
    await insert(live_server.store, [still_open])
    manager = await live_server.token_for(mia)
    base = {"conversation_id": closed.id, "agent_id": anna.id, "scores": ALL_TWO}
    cases = [
        ({**base, "scores": {**ALL_TWO, "summary": 3}}, 400, "out_of_range"),
        ({**base, "scores": {**ALL_TWO, "summary": "2"}}, 400, "invalid_payload"),
        ({**base, "scores": {k: v for k, v in ALL_TWO.items() if k != "greeting"}}, 400, "invalid_payload"),
        ({**base, "scores": {**ALL_TWO, "charm": 2}}, 400, "invalid_payload"),
        ({**base, "scores": [2, 2]}, 400, "invalid_payload"),
        ({**base, "agent_id": boris.id}, 404, "not_found"),
        ({**base, "agent_id": "Robert'); DROP TABLE agents;--"}, 400, "invalid_payload"),
        ({**base, "conversation_id": still_open.id}, 409, "not_closed"),
        ({**base, "comment": "x" * 5000}, 400, "text_too_long"),
    ]
    for body, status, code in cases:
        got_status, got = await post(live_server, "/api/qa/reviews", manager, body)
        assert (got_status, got["error"]["code"]) == (status, code), body
    status, got = await post(live_server, "/api/qa/reviews", await live_server.token_for(anna), base)
    assert status == 403
    _, feedback = await http_get(live_server, "/api/qa/feedback", manager, {"agent_id": anna.id})
    assert feedback["reviews"] == []


async def test_quality_review_is_for_managers_and_checks_its_input(live_server):
    anna = await live_server.create_agent(name="Anna")
    mia = await live_server.create_agent(name="Mia", role="manager")
    chat = (await week_of_chats(live_server, anna.id, 1))[0]
    agent, manager = await live_server.token_for(anna), await live_server.token_for(mia)
    for path in ("/api/qa/sample", f"/api/qa/conversations/{chat.id}"):
        status, body = await http_get(live_server, path, agent)
        assert status == 403 and body["error"]["code"] == "forbidden", path
    status, body = await http_get(live_server, "/api/qa/sample", manager, {"period": "last week"})
    assert status == 400 and body["error"]["field"] == "period"
    status, body = await http_get(live_server, "/api/qa/conversations/c_ffffffffffffffff", manager)
    assert status == 404
    status, body = await http_get(live_server, "/api/qa/feedback", manager, {"agent_id": "not-an-id"})
    assert status == 400 and body["error"]["field"] == "agent_id"
