"""JSON API: sign-in and conversations. Views validate, call a service and answer."""

from __future__ import annotations

from aiohttp import web

from .. import serializers
from ..errors import InvalidPayload, Unauthorized
from ..realtime.agent import SESSION_COOKIE
from .auth import check_same_origin, current_agent, json_body, request_token
from .keys import AUTH, SETTINGS


async def login(request: web.Request) -> web.Response:
    check_same_origin(request)
    data = await json_body(request)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise InvalidPayload("'email' and 'password' are required strings.")
    if len(email) > 254 or len(password) > 1024:
        raise Unauthorized("Wrong email or password.")
    token, agent = await request.app[AUTH].login(email, password)
    response = web.json_response({"token": token, "agent": serializers.agent(agent)})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=request.app[SETTINGS].session_ttl_hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    await current_agent(request)
    token, _ = request_token(request)
    assert token is not None
    await request.app[AUTH].logout(token)
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
