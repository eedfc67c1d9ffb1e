"""Rating scales (stars, three levels, thumbs) and the rate-on-next-visit window."""

from __future__ import annotations

import pytest

from chat_server.clock import FakeClock
from chat_server.config import ConfigError

from .report_data import ts
from .test_reports import http_get


async def closed_chat(server):
    agent = await server.create_agent(name="Anna")
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    session = await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Where is my parcel?"})
    await console.next("chat:assigned")
    assert (await console.call("chat:close", {"conversation_id": ack["conversation_id"]}))["ok"]
    await visitor.next("chat:closed")
    return visitor, session, ack["conversation_id"], agent


@pytest.mark.parametrize(
    "scale,answer,stored,wrong_type,wrong_value",
    [
        ("three", "good", 5, 3, "great"),
        ("three", "okay", 3, 2, "meh"),
        ("thumbs", "down", 1, 1, "sideways"),
        ("stars5", 4, 4, "4", 6),
    ],
)
async def test_each_scale_is_stored_on_the_one_to_five_axis(
    settings, server_factory, scale, answer, stored, wrong_type, wrong_value
):
    server = await server_factory(settings.replace(rating_scale=scale))
    visitor, session, conversation_id, _ = await closed_chat(server)
    assert session["rating_scale"] == scale
    bad = await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": wrong_type})
    assert bad["error"]["code"] == "invalid_payload"
    bad = await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": wrong_value})
    assert bad["error"]["code"] == "out_of_range"
    missing = await visitor.call("chat:rate", {"conversation_id": conversation_id})
    assert missing["error"]["code"] == "missing_field"
    rated = await visitor.call(
        "chat:rate", {"conversation_id": conversation_id, "score": answer, "comment": "ok"}
    )
    assert rated["ok"], rated
    assert (rated["rating"]["score"], rated["rating"]["scale"], rated["rating"]["value"]) == (
        stored,
        scale,
        answer,
    )
    stored_rating = await server.store.get_rating(conversation_id)
    assert stored_rating is not None and (stored_rating.score, stored_rating.scale) == (stored, scale)


async def test_thumbs_up_counts_as_positive_in_the_report(settings, server_factory):
    server = await server_factory(settings.replace(rating_scale="thumbs"))
    visitor, _, conversation_id, agent = await closed_chat(server)
    assert (await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": "up"}))["ok"]
    _, body = await http_get(server, "/api/reports/agents", await server.token_for(agent))
    assert body["agents"][0]["ratings"] == {
        "count": 1,
        "average": 5.0,
        "response_rate": 1.0,
        "positive": 1,
        "negative": 0,
    }


async def test_a_visitor_can_rate_on_the_next_visit_only_within_the_window(settings, server_factory):
    clock = FakeClock(ts("2026-03-02T10:00:00"))
    server = await server_factory(settings.replace(rating_window_hours=24), clock)
    visitor, session, conversation_id, _ = await closed_chat(server)
    token = session["visitor_token"]
    await visitor.close()

    clock.advance(23 * 3600)  # next visit, within the window: the unrated chat is offered
    again = await server.visitor(token)
    offered = await again.next("session")
    assert offered["conversation"]["id"] == conversation_id and offered["conversation"]["status"] == "closed"
    await again.close()

    clock.advance(2 * 3600)  # 25 h after the close: too late
    late = await server.visitor(token)
    assert (await late.next("session"))["conversation"] is None
    expired = await late.call("chat:rate", {"conversation_id": conversation_id, "score": 5})
    assert expired["error"]["code"] == "rating_expired"
    assert await server.store.get_rating(conversation_id) is None


def test_bad_reporting_settings_fail_at_start_up(settings):
    for change in (
        {"rating_scale": "ten"},
        {"timezone": "Mars/Base"},
        {"qa_sample_size": 0},
        {"qa_rubric": ()},
        {"qa_rubric": ("A", "A")},
    ):
        with pytest.raises(ConfigError):
            settings.replace(**change)


async def test_a_department_can_ask_on_its_own_scale(settings, server_factory):
    from chat_server.departments import Department

    departments = (Department("general", "General"), Department("sales", "Sales", rating_scale="thumbs"))
    server = await server_factory(settings.replace(departments=departments))
    agent = await server.create_agent(name="Anna")
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    session = await visitor.next("session")
    assert session["rating_scale"] == "stars5"  # no chat yet: the site's scale
    ack = await visitor.call("chat:start", {"text": "Do you ship to Brno?", "department": "sales"})
    assert ack["ok"], ack
    await console.next("chat:assigned")
    await console.call("chat:close", {"conversation_id": ack["conversation_id"]})
    closed = await visitor.next("chat:closed")
    assert closed["rating_scale"] == "thumbs"
    again = await server.visitor(session["visitor_token"])
    assert (await again.next("session"))["rating_scale"] == "thumbs"
    wrong = await again.call("chat:rate", {"conversation_id": ack["conversation_id"], "score": 5})
    assert wrong["error"]["code"] == "invalid_payload"
    rated = await again.call("chat:rate", {"conversation_id": ack["conversation_id"], "score": "up"})
    assert rated["ok"] and rated["rating"]["scale"] == "thumbs" and rated["rating"]["score"] == 5


def test_a_department_scale_must_be_known(settings):
    with pytest.raises(ConfigError):
        settings.replace(departments={"sales": {"name": "Sales", "rating_scale": "ten"}})
