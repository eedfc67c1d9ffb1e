"""Every bad input gets a clear error code, nothing is stored half-way, the connection stays usable."""

from __future__ import annotations

import aiohttp
import pytest
import socketio

from .helpers import Peer, cid

LONG = "x" * 4001


async def count_messages(server, conversation_id):
    """Messages people wrote (the automatic reply is the product's, not theirs)."""
    return sum(m.author_kind != "system" for m in await server.store.messages_after(conversation_id, 0))


@pytest.fixture
async def chat(live_server):
    """A visitor with an open conversation."""
    visitor = await live_server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "hello"})
    assert ack["ok"]
    return visitor, ack["conversation_id"]


START_CASES = [
    (None, "missing_field"),
    ("just a string", "invalid_payload"),
    (["a", "list"], "invalid_payload"),
    (42, "invalid_payload"),
    ({}, "missing_field"),
    ({"text": ""}, "missing_field"),
    ({"text": "   \n "}, "missing_field"),
    ({"text": {"$regex": ".*"}}, "invalid_payload"),
    ({"text": ["hi"]}, "invalid_payload"),
    ({"text": 12}, "invalid_payload"),
    ({"text": LONG}, "text_too_long"),
    ({"text": "hi", "name": {"a": 1}}, "invalid_payload"),
    ({"text": "hi", "name": "n" * 201}, "text_too_long"),
    ({"text": "hi", "email": "not-an-email"}, "invalid_payload"),
    ({"text": "hi", "email": 5}, "invalid_payload"),
    ({"text": "hi", "page_url": ["x"]}, "invalid_payload"),
    ({"text": "hi", "client_id": {"x": 1}}, "invalid_payload"),
]


@pytest.mark.parametrize(("payload", "code"), START_CASES)
async def test_chat_start_rejects(live_server, payload, code):
    visitor = await live_server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    assert await live_server.store.list_queued_ids() == []
    # The connection is still usable.
    assert (await visitor.call("chat:start", {"text": "now properly"}))["ok"]


async def test_a_second_start_while_open_is_refused(chat):
    visitor, conversation_id = chat
    ack = await visitor.call("chat:start", {"text": "again"})
    assert ack["error"]["code"] == "already_active"
    assert ack["error"]["conversation_id"] == conversation_id


async def test_a_retried_start_with_the_same_client_id_returns_the_first(live_server):
    visitor = await live_server.visitor()
    await visitor.next("session")
    first = await visitor.call("chat:start", {"text": "hi", "client_id": "start-1"})
    second = await visitor.call("chat:start", {"text": "hi", "client_id": "start-1"})
    assert second["ok"] and second["conversation_id"] == first["conversation_id"]
    assert len(await live_server.store.list_queued_ids()) == 1


SEND_CASES = [
    ({"text": "hi", "client_id": "a"}, "missing_field"),  # no conversation_id
    ({"conversation_id": "c_0000000000000000", "text": "hi", "client_id": "a"}, "not_found"),
    ({"conversation_id": "../../etc", "text": "hi", "client_id": "a"}, "not_found"),
    ({"conversation_id": {"$ne": None}, "text": "hi", "client_id": "a"}, "invalid_payload"),
    ({"conversation_id": 7, "text": "hi", "client_id": "a"}, "invalid_payload"),
    ({"conversation_id": "CONV", "text": "", "client_id": "a"}, "missing_field"),
    ({"conversation_id": "CONV", "text": LONG, "client_id": "a"}, "text_too_long"),
    ({"conversation_id": "CONV", "text": None, "client_id": "a"}, "missing_field"),
    ({"conversation_id": "CONV", "text": True, "client_id": "a"}, "invalid_payload"),
    ({"conversation_id": "CONV", "text": b"hi", "client_id": "a"}, "invalid_payload"),  # a binary attachment
    ({"conversation_id": "CONV", "text": "hi"}, "missing_field"),
    ({"conversation_id": "CONV", "text": "hi", "client_id": 5}, "invalid_payload"),
    # Python's json writes these as NaN / Infinity, which strict JSON parsers refuse to decode.
    ({"conversation_id": "CONV", "text": "hi", "client_id": float("nan")}, "invalid_payload"),
    ({"conversation_id": "CONV", "text": "hi", "client_id": "x" * 65}, "invalid_payload"),
]


@pytest.mark.parametrize(("payload", "code"), SEND_CASES)
async def test_message_send_rejects(live_server, chat, payload, code):
    visitor, conversation_id = chat
    payload = {k: (conversation_id if v == "CONV" else v) for k, v in payload.items()}
    ack = await visitor.call("message:send", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert await count_messages(live_server, conversation_id) == 1
    assert (await visitor.call("message:send", {"conversation_id": conversation_id, "text": "ok", "client_id": cid()}))["ok"]


async def test_a_payload_that_is_not_strict_json_gets_an_error_ack(live_server, chat):
    """Infinity, NaN and integers past 64 bits, which its JSON decoder (orjson) refuses: that
    packet must still be answered, not dropped unanswered."""
    visitor, conversation_id = chat
    for payload in ([float("inf")], {"conversation_id": conversation_id, "text": float("-inf"), "client_id": "a"},
                    {"conversation_id": conversation_id, "text": 2**70, "client_id": "a"}):  # past 64 bits
        ack = await visitor.call("message:send", payload, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", ack
    assert await count_messages(live_server, conversation_id) == 1


async def test_another_visitors_conversation_is_not_found(live_server, chat):
    _, conversation_id = chat
    stranger = await live_server.visitor()
    await stranger.next("session")
    for event, payload in [
        ("message:send", {"conversation_id": conversation_id, "text": "hi", "client_id": cid()}),
        ("chat:resume", {"conversation_id": conversation_id, "after_seq": 0}),
        ("chat:end", {"conversation_id": conversation_id}),
        ("chat:rate", {"conversation_id": conversation_id, "score": 5}),
        ("typing", {"conversation_id": conversation_id, "typing": True}),
    ]:
        foreign = await stranger.call(event, payload)
        unknown = await stranger.call(event, {**payload, "conversation_id": "c_ffffffffffffffff"})
        assert foreign == unknown  # no existence oracle
        assert foreign["error"]["code"] == "not_found", (event, foreign)
    assert await count_messages(live_server, conversation_id) == 1
    assert (await live_server.store.get_conversation(conversation_id)).status == "queued"


RATE_CASES = [
    ({"score": 0}, "out_of_range"),
    ({"score": 6}, "out_of_range"),
    ({"score": -1}, "out_of_range"),
    ({"score": "5"}, "invalid_payload"),
    ({"score": 4.5}, "invalid_payload"),
    ({"score": True}, "invalid_payload"),
    ({}, "missing_field"),
    ({"score": 5, "comment": {"x": 1}}, "invalid_payload"),
    ({"score": 5, "comment": LONG}, "text_too_long"),
]


@pytest.mark.parametrize(("payload", "code"), RATE_CASES)
async def test_rating_rejects(live_server, chat, payload, code):
    visitor, conversation_id = chat
    assert (await visitor.call("chat:end", {"conversation_id": conversation_id}))["ok"]
    ack = await visitor.call("chat:rate", {"conversation_id": conversation_id, **payload})
    assert ack["error"]["code"] == code, ack
    assert await live_server.store.get_rating(conversation_id) is None


async def test_rating_an_open_chat_is_refused(live_server, chat):
    visitor, conversation_id = chat
    ack = await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": 5})
    assert ack["error"]["code"] == "not_closed"


async def test_resume_and_typing_validate(chat):
    visitor, conversation_id = chat
    assert (await visitor.call("chat:resume", {"conversation_id": conversation_id, "after_seq": "0"}))["error"]["code"] == "invalid_payload"
    assert (await visitor.call("chat:resume", {"conversation_id": conversation_id, "after_seq": -1}))["error"]["code"] == "out_of_range"
    assert (await visitor.call("typing", {"conversation_id": conversation_id, "typing": "yes"}))["error"]["code"] == "invalid_payload"


async def test_unknown_event_is_answered(chat):
    visitor, _ = chat
    ack = await visitor.call("chat:explode", {})
    assert ack["error"]["code"] == "unknown_event"


async def test_agent_events_validate_and_hide_foreign_conversations(live_server, chat):
    _, conversation_id = chat
    owner = await live_server.create_agent(name="Owner")
    await live_server.agent_peer(owner)
    other = await live_server.create_agent(name="Other")
    console = await live_server.agent_peer(other, online=False)
    assert (await console.call("status:set", {"status": "busy"}))["error"]["code"] == "invalid_status"
    assert (await console.call("status:set", {"status": ["online"]}))["error"]["code"] == "invalid_status"
    assert (await console.call("status:set", "online"))["error"]["code"] == "invalid_payload"
    for event, payload in [
        ("message:send", {"conversation_id": conversation_id, "text": "hi", "client_id": cid()}),
        ("chat:close", {"conversation_id": conversation_id}),
        ("chat:resume", {"conversation_id": conversation_id, "after_seq": 0}),
        ("typing", {"conversation_id": conversation_id, "typing": True}),
    ]:
        ack = await console.call(event, payload)
        assert ack["error"]["code"] == "not_found", (event, ack)
    conversation = await live_server.store.get_conversation(conversation_id, with_messages=True)
    assert conversation.status == "assigned" and conversation.agent_id == owner.id
    assert [m.author_kind for m in conversation.messages] == ["visitor", "system", "system"]  # autoreply, joined


async def test_agent_connect_with_bad_token_is_refused(live_server):
    for auth in [{"token": "nope"}, {"token": {"$gt": ""}}, {"token": 123}, None]:
        peer = Peer(live_server.url, "/agent")
        reasons = []
        peer.sio.on("connect_error", reasons.append, namespace="/agent")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await peer.connect(auth)
        assert reasons == [{"message": "unauthorized"}]


async def test_visitor_token_of_wrong_type_gets_a_fresh_identity(live_server):
    peer = Peer(live_server.url, "/visitor")
    live_server.peers.append(peer)
    await peer.connect({"visitor_token": {"$regex": ".*"}})
    session = await peer.next("session")
    assert session["conversation"] is None and isinstance(session["visitor_token"], str)


HTTP_CASES = [
    ("POST", "/api/auth/login", "not json", 400, "invalid_payload"),
    ("POST", "/api/auth/login", "[1, 2]", 400, "invalid_payload"),
    ("POST", "/api/auth/login", '{"email": {"$ne": 1}, "password": "x"}', 400, "invalid_payload"),
    ("POST", "/api/auth/login", '{"email": "a@b.c"}', 400, "invalid_payload"),
    ("POST", "/api/auth/login", '{"email": "a@b.c", "password": "wrong-password"}', 401, "unauthorized"),
    ("GET", "/api/conversations/c_0000000000000000", None, 401, "unauthorized"),
    ("GET", "/api/me", None, 401, "unauthorized"),
    ("GET", "/api/nothing-here", None, 404, "not_found"),
    ("DELETE", "/api/auth/login", None, 405, "method_not_allowed"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), HTTP_CASES)
async def test_http_errors_are_json(live_server, method, path, body, status, code):
    async with aiohttp.ClientSession() as http:
        async with http.request(method, live_server.url + path, data=body,
                                headers={"Content-Type": "application/json"}) as r:
            assert r.status == status
            assert (await r.json())["error"]["code"] == code


async def test_rest_conversation_access_is_checked(live_server, chat):
    _, conversation_id = chat
    owner = await live_server.create_agent(name="Owner")
    await live_server.agent_peer(owner)
    other = await live_server.create_agent(name="Other")
    manager = await live_server.create_agent(name="Boss", role="manager")
    async with aiohttp.ClientSession() as http:
        async def get(agent, cid_):
            token = await live_server.token_for(agent)
            async with http.get(f"{live_server.url}/api/conversations/{cid_}",
                                headers={"Authorization": f"Bearer {token}"}) as r:
                return r.status, await r.json()

        assert (await get(owner, conversation_id))[0] == 200
        assert (await get(manager, conversation_id))[0] == 200
        foreign = await get(other, conversation_id)
        missing = await get(other, "c_ffffffffffffffff")
        assert foreign[0] == missing[0] == 404 and foreign[1] == missing[1]
        status, body = await get(owner, conversation_id)
        assert "token" not in str(body).lower()


async def test_oversized_http_body_is_refused(live_server):
    async with aiohttp.ClientSession() as http:
        async with http.post(live_server.url + "/api/auth/login", data="x" * (300 * 1024),
                             headers={"Content-Type": "application/json"}) as r:
            assert r.status == 413
            assert (await r.json())["error"]["code"] == "payload_too_large"


async def test_sending_to_a_closed_chat_is_refused_but_a_resend_gets_the_stored_copy(live_server, chat):
    """The fast path refuses a closed chat without writing; the full check then answers a resend
    of a message stored before the close with that message, and anything new with a clear error."""
    visitor, conversation_id = chat
    client_id = cid()
    sent = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "one", "client_id": client_id})
    assert sent["ok"]
    assert (await visitor.call("chat:end", {"conversation_id": conversation_id}))["ok"]
    resent = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "one", "client_id": client_id})
    assert resent["ok"] and resent["message"] == sent["message"]
    late = await visitor.call("message:send", {"conversation_id": conversation_id, "text": "two", "client_id": cid()})
    assert late["ok"] is False and late["error"]["code"] == "conversation_closed"
    assert await count_messages(live_server, conversation_id) == 2
