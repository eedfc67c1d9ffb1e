"""Rate limits shared through Redis, origin checks, cookies, CSP, frame limits."""

from __future__ import annotations

import aiohttp
import pytest
import socketio

from .helpers import Peer, cid


async def test_chat_starts_are_rate_limited_per_visitor(settings, server_factory):
    server = await server_factory(settings.replace(limit_chats_per_hour=2))
    visitor = await server.visitor()
    await visitor.next("session")
    for i in range(2):
        ack = await visitor.call("chat:start", {"text": f"try {i}"})
        assert ack["ok"]
        await visitor.call("chat:end", {"conversation_id": ack["conversation_id"]})
    refused = await visitor.call("chat:start", {"text": "third"})
    assert refused["error"]["code"] == "rate_limited" and 3000 <= refused["error"]["retry_after_s"] <= 3600


async def test_messages_are_rate_limited_and_shared_across_processes(settings, server_factory):
    settings = settings.replace(limit_messages_per_minute=5)
    first = await server_factory(settings)
    second = await server_factory(settings)
    visitor = await first.visitor()
    token = (await visitor.next("session"))["visitor_token"]
    ack = await visitor.call("chat:start", {"text": "hi"})
    conversation_id = ack["conversation_id"]
    for _ in range(3):
        assert (await visitor.call("message:send", {"conversation_id": conversation_id, "text": "a", "client_id": cid()}))["ok"]
    other = await second.visitor(token)  # same visitor, other process: same budget
    await other.next("session")
    assert (await other.call("message:send", {"conversation_id": conversation_id, "text": "b", "client_id": cid()}))["ok"]
    assert (await other.call("message:send", {"conversation_id": conversation_id, "text": "c", "client_id": cid()}))["ok"]
    limited = await other.call("message:send", {"conversation_id": conversation_id, "text": "d", "client_id": cid()})
    assert limited["error"]["code"] == "rate_limited" and limited["error"]["retry_after_s"] <= 60
    assert len(await first.store.messages_after(conversation_id, 0)) == 7  # first + autoreply + 5


async def test_failed_logins_lock_the_account_with_back_off(settings, server_factory):
    server = await server_factory(settings.replace(limit_logins_per_15min=3))
    agent = await server.create_agent(email="anna@example.com")
    async with aiohttp.ClientSession() as http:
        async def login(password):
            async with http.post(server.url + "/api/auth/login", json={"email": "Anna@example.com", "password": password}) as r:
                return r.status, await r.json()

        for _ in range(3):
            assert (await login("wrong-password"))[0] == 401
        status, body = await login("password123")  # even the right password waits out the lock
        assert status == 429 and body["error"]["code"] == "rate_limited" and body["error"]["retry_after_s"] > 0
    assert agent


async def test_successful_login_resets_the_account_counter(settings, server_factory):
    server = await server_factory(settings.replace(limit_logins_per_15min=3))
    await server.create_agent(email="ben@example.com")
    async with aiohttp.ClientSession() as http:
        for attempt in ["bad-1", "bad-2", "password123", "bad-3", "bad-4", "password123"]:
            async with http.post(server.url + "/api/auth/login", json={"email": "ben@example.com", "password": attempt}) as r:
                assert r.status == (200 if attempt == "password123" else 401)


async def test_connections_per_ip_are_limited(settings, server_factory):
    server = await server_factory(settings.replace(limit_connections_per_minute=3))
    for _ in range(3):
        await server.visitor()
    peer = Peer(server.url, "/visitor")
    reasons = []
    peer.sio.on("connect_error", reasons.append, namespace="/visitor")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await peer.connect()
    assert reasons and reasons[0]["message"] == "rate_limited"


async def test_widget_origin_allow_list(settings, server_factory):
    server = await server_factory(settings.replace(allowed_origins=("https://shop.example",)))
    ok = Peer(server.url, "/visitor")
    server.peers.append(ok)
    await ok.connect(headers={"Origin": "https://shop.example"})
    bad = Peer(server.url, "/visitor")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await bad.connect(headers={"Origin": "https://evil.example"})


async def test_console_socket_from_a_foreign_origin_with_a_cookie_is_refused(live_server):
    agent = await live_server.create_agent()
    token = await live_server.token_for(agent)
    peer = Peer(live_server.url, "/agent")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await peer.connect(headers={"Cookie": f"chat_session={token}", "Origin": "https://evil.example"})
    same = Peer(live_server.url, "/agent")
    live_server.peers.append(same)
    await same.connect(headers={"Cookie": f"chat_session={token}"})
    assert (await same.next("agent:state"))["agent"]["id"] == agent.id


async def test_session_cookie_flags_and_csrf(live_server):
    agent = await live_server.create_agent(email="c@example.com")
    async with aiohttp.ClientSession() as http:
        async with http.post(live_server.url + "/api/auth/login", json={"email": "c@example.com", "password": "password123"}) as r:
            cookie = r.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
            token = (await r.json())["token"]
        async with http.post(live_server.url + "/api/auth/logout",
                             headers={"Cookie": f"chat_session={token}", "Origin": "https://evil.example"}) as r:
            assert r.status == 403 and (await r.json())["error"]["code"] == "forbidden"
        async with http.get(live_server.url + "/api/me", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
        async with http.post(live_server.url + "/api/auth/login", json={"email": "c@example.com", "password": "password123"},
                             headers={"Origin": "https://evil.example"}) as r:
            assert r.status == 403
    assert agent


async def test_secure_cookie_behind_a_trusted_tls_proxy(settings, server_factory):
    server = await server_factory(settings.replace(trust_proxy=True))
    await server.create_agent(email="d@example.com")
    async with aiohttp.ClientSession() as http:
        async with http.post(server.url + "/api/auth/login", json={"email": "d@example.com", "password": "password123"},
                             headers={"X-Forwarded-Proto": "https"}) as r:
            assert "Secure" in r.headers["Set-Cookie"]


async def test_console_page_has_a_content_security_policy(live_server):
    async with aiohttp.ClientSession() as http:
        async with http.get(live_server.url + "/console") as r:
            csp = r.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert r.headers["X-Content-Type-Options"] == "nosniff"


async def test_logout_closes_the_console_socket(live_server):
    agent = await live_server.create_agent()
    token = await live_server.token_for(agent)
    console = Peer(live_server.url, "/agent")
    await console.connect({"token": token})
    await console.next("agent:state")
    async with aiohttp.ClientSession() as http:
        async with http.post(live_server.url + "/api/auth/logout", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
    from .helpers import eventually

    async def closed():
        return not console.sio.connected

    await eventually(closed)
    again = Peer(live_server.url, "/agent")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect({"token": token})


async def test_oversized_socket_frame_is_refused(live_server):
    visitor = await live_server.visitor()
    await visitor.next("session")
    try:
        await visitor.sio.emit("chat:start", {"text": "x" * 200_000}, namespace="/visitor")
    except Exception:
        pass
    # The server drops an oversized frame (and that connection); nothing is stored.
    assert await live_server.store.list_queued_ids() == []


async def test_control_characters_are_stripped(live_server):
    visitor = await live_server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "hi\x00\x07 there\u202e", "name": "Ma\x1bria"})
    conversation = await live_server.store.get_conversation(ack["conversation_id"], with_messages=True)
    assert conversation.messages[0].text.startswith("hi there") and conversation.visitor_name == "Maria"


async def test_budgets_spent_together_refuse_together_and_count_nothing_when_refused(redis_client, redis_prefix):
    from chat_server.errors import RateLimited
    from chat_server.security.ratelimit import Limit, Limits, RateLimiter

    per_visitor, per_ip = Limit("msgs", 2, 60), Limit("msgs-ip", 3, 60)
    limiter = RateLimiter(redis_client, redis_prefix, Limits(*[per_visitor] * 7))
    for visitor in ("v1", "v1", "v2"):
        await limiter.hit_each((per_visitor, visitor), (per_ip, "ip"))
    with pytest.raises(RateLimited):
        await limiter.hit_each((per_visitor, "v1"), (per_ip, "other-ip"))  # v1 is spent
    with pytest.raises(RateLimited):
        await limiter.hit_each((per_visitor, "v3"), (per_ip, "ip"))  # the address is spent
    assert int(await redis_client.get(f"{redis_prefix}:rl:msgs-ip:other-ip") or 0) == 0
    assert int(await redis_client.get(f"{redis_prefix}:rl:msgs:v3") or 0) == 0
    await limiter.check(per_visitor, "v2")  # a peek counts nothing either
    await limiter.hit(per_visitor, "v2")
    with pytest.raises(RateLimited):
        await limiter.check(per_visitor, "v2")
