"""Managers' pages: reports (agents see their own), the live dashboard, quality review, the
canned-reply library, accounts and live supervision.

The pages are shells; their scripts read the JSON API (web/reports_api.py) and the ``/manage``
socket. Without a session they send the browser to the console's sign-in form.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Awaitable, Callable

from aiohttp import web

from .. import serializers
from ..errors import Unauthorized
from ..models import Agent
from .auth import request_token
from .keys import AUTH, SETTINGS
from .pages import render

SIGN_IN = "/console"


async def _viewer(request: web.Request) -> Agent | None:
    token, _ = request_token(request)
    try:
        return await request.app[AUTH].authenticate(token)
    except Unauthorized:
        return None


@functools.cache
def time_zones() -> list[str]:
    return sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )


def _page(template: str, *, managers_only: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def view(request: web.Request) -> web.Response:
        agent = await _viewer(request)
        if agent is None:
            raise web.HTTPFound(SIGN_IN)
        settings = request.app[SETTINGS]
        context = {
            "agent": serializers.agent(agent),
            "is_manager": agent.is_manager,
            "page": template,
            "default_tz": settings.timezone,
            "company": settings.company_name,
        }
        if managers_only and not agent.is_manager:
            response = render(request, "manage/forbidden.html", **context)
            response.set_status(403)
            return response
        if template == "reports":
            context["time_zones"] = time_zones()
            context["departments"] = settings.departments
        return render(request, f"manage/{template}.html", **context)

    return view


async def manage_canned(request: web.Request) -> web.Response:
    """The canned-reply library and the assistant's rule sets."""
    agent = await _viewer(request)
    if agent is None:
        raise web.HTTPFound(SIGN_IN)
    if not agent.is_manager:
        response = render(request, "manage_forbidden.html", agent=serializers.agent(agent))
        response.set_status(403)
        return response
    settings = request.app[SETTINGS]
    return render(
        request, "manage_canned.html", agent=serializers.agent(agent), default_language=settings.default_language
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/manage/canned", manage_canned)
    app.router.add_get("/manage/reports", _page("reports", managers_only=False))
    app.router.add_get("/manage/dashboard", _page("dashboard", managers_only=True))
    app.router.add_get("/manage/qa", _page("qa", managers_only=True))
    app.router.add_get("/manage/agents", _page("agents", managers_only=True))
    app.router.add_get("/manage/supervision", _page("supervision", managers_only=True))
    app.router.add_get("/reports", _to_reports)
    app.router.add_get("/manage", _to_reports)


async def _to_reports(request: web.Request) -> web.Response:
    raise web.HTTPFound("/manage/reports")
