"""The audit log of managers' actions: every successful change under the administrative APIs
(accounts, the canned-reply library, assistant rules) is recorded with who, what and when, in
one middleware so no new admin route can forget it. Secrets in request bodies are never stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..clock import to_iso
from ..errors import Forbidden
from .auth import UNSAFE_METHODS, current_agent
from .keys import CLOCK, STORE

AUDITED = ("/api/admin/", "/api/canned-responses", "/api/assistant/rules")
SECRET_FIELDS = {"password", "token"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _summary(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    return {k: ("***" if k in SECRET_FIELDS else v) for k, v in list(body.items())[:20]
            if isinstance(v, str | int | float | bool | list | type(None)) and len(str(v)) <= 500}


@web.middleware
async def audit(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in UNSAFE_METHODS or not request.path.startswith(AUDITED):
        return await handler(request)
    body: Any = None
    if request.content_type == "application/json" and request.can_read_body:
        try:
            body = await request.json()
        except Exception:
            body = None
    response = await handler(request)
    if 200 <= response.status < 300:
        agent = await current_agent(request)
        details = {"status": response.status, **_summary(body)}
        await request.app[STORE].add_audit(agent, request.method, request.path, details, request.app[CLOCK].now())
    return response


async def list_audit(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    if not agent.is_manager:
        raise Forbidden("Only managers can read the audit log.")
    items = await request.app[STORE].list_audit()
    for item in items:
        item["created_at"] = to_iso(item["created_at"])
    return web.json_response({"items": items})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/admin/audit", list_audit)
