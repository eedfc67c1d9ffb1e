"""Managers' pages. ``/manage/canned``: the canned-reply library and the assistant's rule sets."""

from __future__ import annotations

from aiohttp import web

from .. import serializers
from ..errors import Unauthorized
from ..models import Agent
from .auth import request_token
from .keys import AUTH, SETTINGS
from .pages import render


async def _signed_in(request: web.Request) -> Agent | None:
    token, _ = request_token(request)
    if not token:
        return None
    try:
        return await request.app[AUTH].authenticate(token)
    except Unauthorized:
        return None


async def manage_canned(request: web.Request) -> web.Response:
    agent = await _signed_in(request)
    if agent is None:
        raise web.HTTPFound("/console")
    if not agent.is_manager:
        response = render(request, "manage_forbidden.html", agent=serializers.agent(agent))
        response.set_status(403)
        return response
    settings = request.app[SETTINGS]
    return render(
        request,
        "manage_canned.html",
        agent=serializers.agent(agent),
        default_language=settings.default_language,
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/manage/canned", manage_canned)
