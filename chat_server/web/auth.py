"""Who is calling: Bearer token or the console's session cookie."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ..errors import Forbidden, InvalidPayload
from ..models import Agent
from ..realtime.staff_auth import SESSION_COOKIE
from .keys import AUTH

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def request_token(request: web.Request) -> tuple[str | None, bool]:
    """(token, came_from_cookie)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def current_agent(request: web.Request) -> Agent:
    token, from_cookie = request_token(request)
    agent = await request.app[AUTH].authenticate(token)
    if from_cookie and request.method in UNSAFE_METHODS:
        check_same_origin(request)
    return agent


def check_same_origin(request: web.Request) -> None:
    """Cookies ride along on cross-site requests; a state change by cookie must come from us."""
    origin = request.headers.get("Origin")
    expected = f"{request.scheme}://{request.host}"
    if origin is not None and origin != expected:
        raise Forbidden("Cross-site request refused.")


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidPayload("The request body must be JSON.") from None
    if not isinstance(data, dict):
        raise InvalidPayload("The request body must be a JSON object.")
    return data
