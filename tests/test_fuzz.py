"""Hypothesis throws wrong types, huge, nested and unicode payloads at every socket event and the
JSON routes: every answer is a well-formed error or success, never a crash, and the connection stays
usable afterwards."""

from __future__ import annotations

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import cid

VISITOR_EVENTS = ["chat:start", "message:send", "chat:resume", "typing", "chat:end", "chat:rate"]
AGENT_EVENTS = ["status:set", "message:send", "chat:resume", "typing", "chat:close", "note:add", "chat:transfer",
                "chat:detail", "chat:watch", "chat:accept", "chat:decline", "offline:claim", "canned:used",
                "assistant:feedback"]
FIELDS = ["text", "conversation_id", "client_id", "after_seq", "score", "comment", "typing", "status", "name",
          "email", "page_url", "department", "language", "vip", "to_agent_id", "note", "outcome", "due_date",
          "value", "canned_response_id", "shown", "accepted", "ignored"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**63), st.floats(allow_nan=False),
    st.text(max_size=50), st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4100),
    st.sampled_from(["c_0000000000000000", "a_0000000000000000", "$ne", "{{constructor.constructor('alert(1)')()}}",
                     "<img src=x onerror=alert(1)>", "' OR 1=1 --", "\x00\x1b[31m"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=8)
payloads = st.one_of(values, st.dictionaries(st.sampled_from(FIELDS), values, max_size=6))
FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def draw(*strategies):
    """Hypothesis generates the cases (it cannot drive an async test itself); we send them."""
    cases = []

    @FUZZ
    @given(st.tuples(*strategies))
    def collect(case):
        cases.append(case)

    collect()
    return cases


def well_formed(ack) -> bool:
    if not isinstance(ack, dict) or not isinstance(ack.get("ok"), bool):
        return False
    if ack["ok"]:
        return True
    error = ack.get("error", {})
    return isinstance(error.get("code"), str) and isinstance(error.get("message"), str) and \
        error["code"] != "internal_error"


@pytest.fixture
async def peers(live_server):
    agent = await live_server.create_agent(role="manager")
    console = await live_server.agent_peer(agent)
    visitor = await live_server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "fuzz target"})
    return live_server, visitor, console, ack["conversation_id"]


async def test_socket_events_survive_any_payload(peers):
    server, visitor, console, conversation_id = peers

    for event, payload in draw(st.sampled_from(VISITOR_EVENTS + [f"agent:{e}" for e in AGENT_EVENTS]), payloads):
        peer = console if event.startswith("agent:") else visitor
        name = event.removeprefix("agent:")
        ack = await peer.call(name, payload, timeout=15)
        assert well_formed(ack), (name, payload, ack)
    # Still usable, and nothing half-written into the real conversation.
    ok = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "still here", "client_id": cid()})
    assert ok["ok"] or ok["error"]["code"] in ("conversation_closed", "rate_limited")
    assert (await console.call("status:set", {"status": "online"}))["ok"]


ROUTES = [("POST", "/api/auth/login"), ("POST", "/api/admin/agents"), ("PATCH", "/api/admin/agents/a_0000000000000000"),
          ("POST", "/api/canned-responses"), ("POST", "/api/canned-responses/import"),
          ("POST", "/api/assistant/check"), ("POST", "/api/qa/reviews"), ("GET", "/api/conversations"),
          ("GET", "/api/reports/agents"), ("POST", "/api/follow-ups/f_0/done")]


async def test_json_routes_survive_any_body(peers):
    server, *_ = peers
    manager = await server.create_agent(role="manager", email="fuzz-boss@example.com")
    token = await server.token_for(manager)
    async with aiohttp.ClientSession() as http:
        queries = st.dictionaries(st.sampled_from(FIELDS + ["from", "to", "q", "format"]), st.text(max_size=30), max_size=4)
        for (method, path), body, query in draw(st.sampled_from(ROUTES), payloads, queries):
            async with http.request(method, server.url + path, json=body, params=query,
                                    headers={"Authorization": f"Bearer {token}"}) as r:
                assert r.status < 500, (method, path, body, query, r.status, await r.text())
                if r.status >= 400:
                    assert "error" in await r.json()
