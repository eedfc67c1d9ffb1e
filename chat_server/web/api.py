"""JSON API: sign-in and conversations. Views validate, call a service and answer."""

from __future__ import annotations

from aiohttp import web

from .. import serializers
from ..errors import InvalidPayload, Unauthorized
from ..realtime.staff_auth import SESSION_COOKIE
from .auth import check_same_origin, current_agent, json_body, request_token
from ..security.addresses import is_https, request_ip
from .keys import ACCOUNTS, AUTH, LIMITER, SETTINGS


async def login(request: web.Request) -> web.Response:
    check_same_origin(request)
    data = await json_body(request)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise InvalidPayload("'email' and 'password' are required strings.")
    if len(email) > 254 or len(password) > 1024:
        raise Unauthorized("Wrong email or password.")
    limiter, settings = request.app[LIMITER], request.app[SETTINGS]
    account, ip = email.strip().lower(), request_ip(request, settings.trust_proxy)
    await limiter.check(limiter.limits.logins, account)
    await limiter.check(limiter.limits.logins_ip, ip)
    try:
        token, agent = await request.app[AUTH].login(email, password)
    except Unauthorized:
        # Only failures count, so a busy office signing in all morning is never locked out.
        await limiter.hit(limiter.limits.logins, account)
        await limiter.hit(limiter.limits.logins_ip, ip)
        raise
    await limiter.reset(limiter.limits.logins, account)
    response = web.json_response({"token": token, "agent": serializers.agent(agent)})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=request.app[SETTINGS].session_ttl_hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=is_https(request, settings.trust_proxy),
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    token, _ = request_token(request)
    assert token is not None
    await request.app[AUTH].logout(token)
    await request.app[ACCOUNTS].close_consoles(agent)
    response = web.json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    return web.json_response({"agent": serializers.agent(agent)})


def setup(app: web.Application) -> None:
    app.router.add_post("/api/auth/login", login)
    app.router.add_post("/api/auth/logout", logout)
    app.router.add_get("/api/me", me)
