"""REST for the console's team workflow: search, follow-ups, and who can take a transfer."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from .. import serializers, validation
from ..services.team import SearchFilters
from .auth import current_agent
from .keys import CHAT, STORE, TEAM


def _day_start(value: str | None, name: str, plus_days: int = 0) -> float | None:
    day = validation.date({name: value}, name)
    if day is None:
        return None
    ts = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()
    return ts + plus_days * 86400


async def search(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    query = request.query
    q = validation.text(dict(query), "q", max_length=200, required=False)
    email = validation.email(dict(query), "visitor_email")
    filters = SearchFilters(
        q=q,
        visitor_email=email,
        agent_id=validation.agent_id(dict(query), "agent_id"),
        from_ts=_day_start(query.get("from"), "from"),
        to_ts=_day_start(query.get("to"), "to", plus_days=1),  # 'to' is inclusive
    )
    found = await request.app[TEAM].search(agent, filters)
    return web.json_response({"items": [serializers.conversation_for_agent(c) for c in found]})


async def list_follow_ups(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    include_done = request.query.get("include_done") in ("1", "true")
    items = await request.app[TEAM].follow_ups(agent, include_done=include_done)
    return web.json_response({"items": [serializers.follow_up(f) for f in items]})


async def complete_follow_up(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    follow_up = await request.app[TEAM].complete_follow_up(agent, request.match_info["id"][:40])
    return web.json_response({"follow_up": serializers.follow_up(follow_up)})


async def list_agents(request: web.Request) -> web.Response:
    """Colleagues with their live status, e.g. to pick a transfer target."""
    await current_agent(request)
    chat = request.app[CHAT]
    items = []
    for a in await request.app[STORE].list_agents():
        if a.disabled:
            continue
        items.append({
            "id": a.id, "name": a.name, "role": a.role, "departments": list(a.departments),
            "languages": list(a.languages), "online": await chat.queue.is_online(a.id),
            "load": await chat.queue.load(a.id), "capacity": a.capacity or chat.default_capacity,
        })
    return web.json_response({"items": items})


async def conversation_detail(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    conversation_id = validation.conversation_id({"conversation_id": request.match_info["id"]})
    conversation = await request.app[CHAT].agent_conversation(agent, conversation_id)
    return web.json_response({"conversation": await request.app[TEAM].conversation_detail(conversation)})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/conversations", search)
    app.router.add_get("/api/conversations/{id}", conversation_detail)
    app.router.add_get("/api/follow-ups", list_follow_ups)
    app.router.add_post("/api/follow-ups/{id}/done", complete_follow_up)
    app.router.add_get("/api/agents", list_agents)

