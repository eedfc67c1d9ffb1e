"""REST API of the positive-language assistant: checking text, the rule sets, the counters (docs/api.md)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import canned_serializers as out
from .. import validation
from ..errors import NotFound
from ..services import canned_fields as fields
from .auth import current_agent, json_body
from .keys import ASSISTANT


def _rule_id(request: web.Request) -> str:
    value = request.match_info["id"]
    if not validation.ID_PATTERN.match(value) or not value.startswith("p_"):
        raise NotFound("No such assistant rule.")
    return value


async def check(request: web.Request) -> web.Response:
    await current_agent(request)
    suggestions = await request.app[ASSISTANT].check(await json_body(request))
    return web.json_response({"suggestions": [out.suggestion(s) for s in suggestions]})


async def list_rules(request: web.Request) -> web.Response:
    await current_agent(request)
    query: dict[str, Any] = dict(request.query)
    rules = await request.app[ASSISTANT].rules(fields.language(query, required=False))
    return web.json_response({"rules": [out.rule(r) for r in rules]})


async def create_rule(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    rule = await request.app[ASSISTANT].create_rule(agent, await json_body(request))
    return web.json_response({"rule": out.rule(rule)}, status=201)


async def update_rule(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    rule = await request.app[ASSISTANT].update_rule(agent, _rule_id(request), await json_body(request))
    return web.json_response({"rule": out.rule(rule)})


async def delete_rule(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    await request.app[ASSISTANT].delete_rule(agent, _rule_id(request))
    return web.json_response({"ok": True})


async def feedback(request: web.Request) -> web.Response:
    """Shown / accepted / ignored suggestions per agent over the last ``days`` days (managers)."""
    agent = await current_agent(request)
    raw = request.query.get("days", "30")
    days = validation.integer({"days": int(raw) if raw.isdigit() else raw}, "days", minimum=1, maximum=366)
    rows = await request.app[ASSISTANT].feedback_report(agent, days or 30)
    return web.json_response({"days": days, **out.feedback(rows)})


def setup(app: web.Application) -> None:
    app.router.add_post("/api/assistant/check", check)
    app.router.add_get("/api/assistant/rules", list_rules)
    app.router.add_post("/api/assistant/rules", create_rule)
    app.router.add_put("/api/assistant/rules/{id}", update_rule)
    app.router.add_delete("/api/assistant/rules/{id}", delete_rule)
    app.router.add_get("/api/assistant/feedback", feedback)
