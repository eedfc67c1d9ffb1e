"""Reports: every figure on a seeded data set whose answers are worked out by hand below.

The day is Monday 2 March 2026, UTC. T0 = 10:00. Anna (A) and Boris (B) are agents, Mia a manager.

| chat | dept  | start | joined (wait)       | first reply        | closed, outcome     | rating      |
|------|-------|-------|---------------------|--------------------|---------------------|-------------|
| c1   | gen.  | T0    | A +30 (30); B missed| A +50 (20)         | +630 resolved       | 5 "=SUM(A1)"|
| c2   | gen.  | +100  | A +190 (90), B +400 | A +250 (60), B +430| +1000 follow_up     | 1 "Slow"    |
| c3   | gen.  | +200  | B +260 (60)         | B +270 (10)        | +560 by visitor     | —           |
| c4   | gen.  | +300  | nobody              | —                  | +420 abandoned      | —           |
| c5   | sales | +500  | A +510 (10)         | none yet           | open                | —           |
| c6   | sales | +600  | B +720 (120); A miss| B +840 (120)       | +1200 resolved      | 3           |

(gen. = general; replies are measured from when that agent joined; ratings are stars.)
Canned replies: Anna twice in c1 and once in c2, Boris once in c6. Assistant suggestions accepted on
2 March: Anna 3, Boris 2 (and Boris 1 on 1 March, outside the range).
Handle time runs from joining until the close or the next agent joining (c2: A 190→400, B 400→1000).
"""

from __future__ import annotations

import csv
import io

import aiohttp
import pytest

from chat_server.departments import Department
from chat_server.reports.csv import cell, flatten

from .report_data import Chat, insert, insert_usage, ts

T0 = ts("2026-03-02T10:00:00")
DAY = {"from": "2026-03-02", "to": "2026-03-02", "tz": "UTC"}


async def http_get(server, path, token, params=None):
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{server.url}{path}", params=params or {}, headers={"Authorization": f"Bearer {token}"}
        ) as r:
            if r.content_type == "application/json":
                return r.status, await r.json()
            return r.status, await r.text()


@pytest.fixture
def settings(settings):
    return settings.replace(departments=(Department("general", "General"), Department("sales", "Sales")))


@pytest.fixture
async def seeded(live_server):
    anna = await live_server.create_agent(name="Anna")
    boris = await live_server.create_agent(name="Boris")
    mia = await live_server.create_agent(name="Mia", role="manager")
    a, b = anna.id, boris.id
    chats = [
        Chat(
            T0,
            [(a, T0 + 30)],
            [(a, T0 + 50)],
            T0 + 630,
            "agent",
            (5, "=SUM(A1)", "stars5"),
            "resolved",
            missed_by=[b],
        ),
        Chat(
            T0 + 100,
            [(a, T0 + 190), (b, T0 + 400)],
            [(a, T0 + 250), (b, T0 + 430)],
            T0 + 1000,
            "agent",
            (1, "Slow", "stars5"),
            "follow_up",
        ),
        Chat(T0 + 200, [(b, T0 + 260)], [(b, T0 + 270)], T0 + 560, "visitor"),
        Chat(T0 + 300, [], [], T0 + 420, "visitor", outcome="abandoned"),
        Chat(T0 + 500, [(a, T0 + 510)], department="sales"),
        Chat(
            T0 + 600,
            [(b, T0 + 720)],
            [(b, T0 + 840)],
            T0 + 1200,
            "agent",
            (3, None, "stars5"),
            "resolved",
            department="sales",
            missed_by=[a],
        ),
    ]
    await insert(live_server.store, chats)
    c1, c2, c6 = chats[0].id, chats[1].id, chats[5].id
    await insert_usage(
        live_server.store,
        canned=[(c1, a), (c1, a), (c2, a), (c6, b)],
        accepted=[(a, "2026-03-02", 3), (b, "2026-03-01", 1), (b, "2026-03-02", 2)],
    )
    tokens = {
        name: await live_server.token_for(agent)
        for name, agent in (("anna", anna), ("boris", boris), ("mia", mia))
    }
    return {"anna": anna, "boris": boris, "mia": mia, "chats": chats, "tokens": tokens}


def no_qa(reviewed=0, score=None):
    return {"reviewed": reviewed, "score": score}


@pytest.mark.both_databases
async def test_agent_figures_match_the_hand_worked_answers(live_server, seeded):
    status, body = await http_get(live_server, "/api/reports/agents", seeded["tokens"]["mia"], DAY)
    assert status == 200, body
    assert (body["from"], body["to"], body["tz"]) == ("2026-03-02", "2026-03-02", "UTC")
    rows = {r["name"]: r for r in body["agents"]}
    assert set(rows) == {"Anna", "Boris", "Mia"}
    assert rows["Anna"] == {
        "agent_id": seeded["anna"].id,
        "name": "Anna",
        "chats_handled": 3,
        "chats_missed": 1,  # c6 rang out on her
        # waits 30, 90, 10: mean 43.3; nearest-rank p90 of 3 values is the 3rd smallest
        "wait_s": {"avg": 43.3, "p90": 90.0},
        "first_response_s": {"avg": 40.0, "p90": 60.0},  # 20, 60 (c5 has no reply yet)
        "handle_s": {"avg": 405.0},  # 600, 210
        "resolution": {"resolved": 1, "follow_up": 1},  # c1, c2
        "ratings": {"count": 2, "average": 3.0, "response_rate": 1.0, "positive": 1, "negative": 1},
        "qa": no_qa(),
        "canned_used": 3,
        "suggestions_used": 3,
        "survey": {},  # no extra question configured or answered
    }
    assert rows["Boris"] == {
        "agent_id": seeded["boris"].id,
        "name": "Boris",
        "chats_handled": 3,
        "chats_missed": 1,  # c1
        "wait_s": {"avg": 90.0, "p90": 120.0},  # c3 60, c6 120 (c2's wait is Anna's)
        "first_response_s": {"avg": 53.3, "p90": 120.0},  # 30, 10, 120
        "handle_s": {"avg": 460.0},  # 600, 300, 480
        "resolution": {"resolved": 1, "follow_up": 1},  # c6, c2 (c3 was closed by the visitor)
        # rated c2 (1★) and c6 (3★) of 3 closed: 0.667; 3★ is neither positive nor negative
        "ratings": {"count": 2, "average": 2.0, "response_rate": 0.667, "positive": 0, "negative": 1},
        "qa": no_qa(),
        "canned_used": 1,
        "suggestions_used": 2,  # 1 March is outside the range
        "survey": {},
    }
    assert rows["Mia"]["chats_handled"] == 0
    assert rows["Mia"]["wait_s"] == {"avg": None, "p90": None}
    assert rows["Mia"]["ratings"] == {
        "count": 0,
        "average": None,
        "response_rate": None,
        "positive": 0,
        "negative": 0,
    }


def department(key, name, **figures):
    row = {
        "department_id": key,
        "name": name,
        "chats_missed": 0,
        "chats_abandoned": 0,
        "resolution": {"resolved": 0, "follow_up": 0},
        "qa": no_qa(),
        "canned_used": 0,
        # counted per agent and day, not per chat: only the all-departments row has it
        "suggestions_used": None,
        "survey": {},
    }
    return {**row, **figures}


@pytest.mark.both_databases
async def test_department_figures_count_each_chat_once(live_server, seeded):
    status, body = await http_get(live_server, "/api/reports/departments", seeded["tokens"]["mia"], DAY)
    assert status == 200, body
    general, sales, everything = body["departments"]
    assert general == department(
        "general",
        "General",
        chats=4,
        chats_handled=3,
        chats_missed=1,
        chats_abandoned=1,
        wait_s={"avg": 60.0, "p90": 90.0},  # 30, 90, 60
        first_response_s={"avg": 30.0, "p90": 60.0},  # 20, 60, 10
        handle_s={"avg": 570.0},  # 600, 810 (first join to close), 300
        resolution={"resolved": 1, "follow_up": 1},
        ratings={"count": 2, "average": 3.0, "response_rate": 0.667, "positive": 1, "negative": 1},
        canned_used=3,
    )
    assert sales == department(
        "sales",
        "Sales",
        chats=2,
        chats_handled=2,
        chats_missed=1,
        wait_s={"avg": 65.0, "p90": 120.0},  # 10, 120
        first_response_s={"avg": 120.0, "p90": 120.0},
        handle_s={"avg": 480.0},
        resolution={"resolved": 1, "follow_up": 0},
        ratings={"count": 1, "average": 3.0, "response_rate": 1.0, "positive": 0, "negative": 0},
        canned_used=1,
    )
    assert everything == department(
        "all",
        "All departments",
        chats=6,
        chats_handled=5,
        chats_missed=2,
        chats_abandoned=1,
        # waits 30, 90, 60, 10, 120: mean 62; p90 of 5 is the 5th smallest
        wait_s={"avg": 62.0, "p90": 120.0},
        # first reply by anyone after the first join: 20, 60, 10, 120
        first_response_s={"avg": 52.5, "p90": 120.0},
        handle_s={"avg": 547.5},  # 600, 810, 300, 480
        resolution={"resolved": 2, "follow_up": 1},
        # 3 ratings of 4 handled-and-closed chats (the abandoned c4 was never asked)
        ratings={"count": 3, "average": 3.0, "response_rate": 0.75, "positive": 1, "negative": 1},
        canned_used=4,
        suggestions_used=5,
    )


@pytest.mark.both_databases
async def test_a_department_filter_narrows_every_report(live_server, seeded):
    token = seeded["tokens"]["mia"]
    sales = {**DAY, "department": "sales"}
    _, body = await http_get(live_server, "/api/reports/agents", token, sales)
    rows = {r["name"]: r for r in body["agents"]}
    assert rows["Anna"]["chats_handled"] == 1 and rows["Anna"]["chats_missed"] == 1  # c5; missed c6
    assert rows["Boris"]["chats_handled"] == 1 and rows["Boris"]["resolution"]["resolved"] == 1  # c6
    _, body = await http_get(live_server, "/api/reports/departments", token, sales)
    assert [r["department_id"] for r in body["departments"]] == ["sales", "all"]
    _, body = await http_get(live_server, "/api/reports/daily", token, sales)
    assert body["days"][0]["chats"] == 2
    _, body = await http_get(live_server, "/api/reports/comments", token, sales)
    assert body["comments"] == []  # c6's rating has no comment
    status, body = await http_get(live_server, "/api/reports/agents", token, {**DAY, "department": "nope"})
    assert status == 400 and body["error"]["field"] == "department"


@pytest.mark.both_databases
async def test_daily_rows_and_comments(live_server, seeded):
    token = seeded["tokens"]["mia"]
    params = {"from": "2026-03-01", "to": "2026-03-03", "tz": "UTC"}
    status, body = await http_get(live_server, "/api/reports/daily", token, params)
    assert status == 200
    assert [d["date"] for d in body["days"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert body["days"][0] == {
        "date": "2026-03-01",
        "chats": 0,
        "chats_handled": 0,
        "chats_abandoned": 0,
        "wait_s_avg": None,
        "ratings_count": 0,
        "ratings_average": None,
    }
    assert body["days"][1] == {
        "date": "2026-03-02",
        "chats": 6,
        "chats_handled": 5,
        "chats_abandoned": 1,
        "wait_s_avg": 62.0,
        "ratings_count": 3,
        "ratings_average": 3.0,
    }
    status, body = await http_get(live_server, "/api/reports/comments", token, DAY)
    assert [(c["comment"], c["agents"], c["value"]) for c in body["comments"]] == [
        ("Slow", ["Anna", "Boris"], 1),
        ("=SUM(A1)", ["Anna"], 5),
    ]


@pytest.mark.parametrize(
    "path,table",
    [("agents", "agents"), ("departments", "departments"), ("daily", "days"), ("comments", "comments")],
)
async def test_csv_and_json_agree(live_server, seeded, path, table):
    token = seeded["tokens"]["mia"]
    _, body = await http_get(live_server, f"/api/reports/{path}", token, DAY)
    status, text = await http_get(live_server, f"/api/reports/{path}", token, {**DAY, "format": "csv"})
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(body[table]) > 0
    for parsed, original in zip(rows, body[table], strict=True):
        assert parsed == {k: cell(v) for k, v in flatten(original).items()}


async def test_csv_neutralises_formulas(live_server, seeded):
    await live_server.create_agent(name="@Zed")
    token = seeded["tokens"]["mia"]
    _, agents = await http_get(live_server, "/api/reports/agents", token, {**DAY, "format": "csv"})
    assert "'@Zed" in agents and "\n@Zed" not in agents
    _, comments = await http_get(live_server, "/api/reports/comments", token, {**DAY, "format": "csv"})
    assert "'=SUM(A1)" in comments and ",=SUM" not in comments


async def test_csv_download_headers(live_server, seeded):
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{live_server.url}/api/reports/agents",
            params={**DAY, "format": "csv"},
            headers={"Authorization": f"Bearer {seeded['tokens']['mia']}"},
        ) as r:
            assert r.content_type == "text/csv"
            assert (
                r.headers["Content-Disposition"] == 'attachment; filename="agents_2026-03-02_2026-03-02.csv"'
            )


@pytest.mark.both_databases
async def test_an_agent_sees_only_their_own_report(live_server, seeded):
    anna, boris = seeded["anna"], seeded["boris"]
    token = seeded["tokens"]["anna"]
    status, body = await http_get(live_server, "/api/reports/agents", token, DAY)
    assert status == 200 and [r["agent_id"] for r in body["agents"]] == [anna.id]
    status, body = await http_get(live_server, "/api/reports/agents", token, {**DAY, "agent_id": boris.id})
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = await http_get(
        live_server, "/api/reports/agents", token, {**DAY, "agent_id": boris.id, "format": "csv"}
    )
    assert status == 403
    for path in ("/api/reports/departments", "/api/qa/sample", "/api/dashboard"):
        status, body = await http_get(live_server, path, token, DAY)
        assert status == 403, path
    status, body = await http_get(live_server, "/api/qa/feedback", token, {"agent_id": boris.id})
    assert status == 403
    # Boris took no part in c1, so he does not see its comment; both see c2's.
    _, body = await http_get(live_server, "/api/reports/comments", seeded["tokens"]["boris"], DAY)
    assert [c["comment"] for c in body["comments"]] == ["Slow"]
    _, body = await http_get(live_server, "/api/reports/daily", seeded["tokens"]["boris"], DAY)
    assert body["days"][0]["chats"] == 3  # c2, c3, c6
    # A manager may narrow to one agent.
    _, body = await http_get(
        live_server, "/api/reports/agents", seeded["tokens"]["mia"], {**DAY, "agent_id": boris.id}
    )
    assert [r["name"] for r in body["agents"]] == ["Boris"]


async def test_reports_need_a_session(live_server):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{live_server.url}/api/reports/agents") as r:
            assert r.status == 401 and (await r.json())["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": "/etc/localtime"}, "tz"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"from": "yesterday", "to": "2026-03-01"}, "from"),
        ({"from": "2026-03-01", "to": "2026-3-2"}, "to"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "from"),
        ({"from": "2024-01-01", "to": "2026-03-01"}, "from"),
        ({"format": "xml"}, "format"),
        ({"agent_id": "' OR 1=1 --"}, "agent_id"),
    ],
)
async def test_bad_input_is_a_400_with_a_json_error(live_server, params, field):
    mia = await live_server.create_agent(name="Mia", role="manager")
    status, body = await http_get(
        live_server, "/api/reports/agents", await live_server.token_for(mia), params
    )
    assert status == 400, body
    assert body["error"]["code"] == "invalid_payload" and body["error"]["field"] == field


async def test_pages_need_a_session_and_carry_the_csp(live_server):
    mia = await live_server.create_agent(name="Mia", role="manager")
    anna = await live_server.create_agent(name="Anna")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{live_server.url}/manage/reports", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/console"
        async with http.get(f"{live_server.url}/reports", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/manage/reports"
        for path, agent, status in (
            ("/manage/reports", anna, 200),
            ("/manage/dashboard", anna, 403),
            ("/manage/qa", anna, 403),
            ("/manage/dashboard", mia, 200),
            ("/manage/qa", mia, 200),
        ):
            token = await live_server.token_for(agent)
            async with http.get(
                f"{live_server.url}{path}", headers={"Authorization": f"Bearer {token}"}
            ) as r:
                assert r.status == status, path
                assert "script-src 'self'" in r.headers["Content-Security-Policy"]
                assert "<script>" not in await r.text()  # no inline scripts
