"""Public HTTP for the embeddable widget: what it should offer before a chat starts.

The widget runs on other sites, so these routes answer cross-origin requests from the origins in
``allowed_origins`` (``"*"``: any site). They carry no credentials and reveal nothing private: the
department list, which of them can be reached right now, and the widget's languages and survey.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..config import Settings
from ..departments import Department
from ..routing.queue import Queue
from .keys import CHAT, CLOCK, SETTINGS

CONFIG_PATH = "/api/widget/config"


def cors_headers(settings: Settings, origin: str | None) -> dict[str, str]:
    """``*`` when any site may embed the widget; else the caller's origin when it is on the list.
    An origin off the list gets no header, so the browser keeps the answer from that page."""
    if "*" in settings.allowed_origins:
        return {"Access-Control-Allow-Origin": "*"}
    headers = {"Vary": "Origin"}
    if origin and origin in settings.allowed_origins:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


async def is_reachable(department: Department, settings: Settings, queue: Queue, now: float) -> bool:
    """The same test ``ChatService.open_conversation`` makes: inside business hours, and someone on
    duty unless chats may wait for the first agent to come online. Otherwise the widget offers a
    leave-a-message form."""
    if not department.is_open(now):
        return False
    return settings.queue_when_unstaffed or await queue.serves(department.key)


def _question(settings: Settings, department: Department | None) -> dict[str, Any] | None:
    """The survey's extra question (services/survey.py): the department's own or the site-wide one."""
    question = settings.survey_question_for(department.key if department else None)
    return question.public() if question else None


async def widget_config(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    queue = request.app[CHAT].queue
    now = request.app[CLOCK].now()
    departments: list[dict[str, Any]] = [
        {**d.public(), "open": await is_reachable(d, settings, queue, now), "survey_question": _question(settings, d)}
        for d in settings.departments if d.show_in_widget
    ]
    body = {
        "departments": departments,
        "languages": list(settings.languages),
        "default_language": settings.default_language,
        "company_name": settings.company_name,
        "rating_scale": settings.rating_scale,
        "survey_question": _question(settings, None),
    }
    headers = {"Cache-Control": "no-cache", **cors_headers(settings, request.headers.get("Origin"))}
    return web.json_response(body, headers=headers)


async def preflight(request: web.Request) -> web.Response:
    """A plain GET needs no preflight, but a page that adds headers to its fetch gets one answered."""
    headers = cors_headers(request.app[SETTINGS], request.headers.get("Origin"))
    headers.update({"Access-Control-Allow-Methods": "GET, OPTIONS", "Access-Control-Max-Age": "600"})
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return web.Response(status=204, headers=headers)


def setup(app: web.Application) -> None:
    app.router.add_get(CONFIG_PATH, widget_config)
    app.router.add_route("OPTIONS", CONFIG_PATH, preflight)
