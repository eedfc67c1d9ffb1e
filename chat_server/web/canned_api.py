"""REST API for canned replies (docs/api.md). Views parse the request, call CannedService and answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from .. import canned_serializers as out
from .. import validation
from ..canned_models import CATEGORIES, SCOPES
from ..errors import InvalidPayload, NotFound
from ..services import canned_fields as fields
from ..services import canned_io, placeholders
from .auth import current_agent, json_body
from .keys import CANNED, CHAT, CLOCK, SETTINGS, STORE

BASE = "/api/canned-responses"


def _reply_id(request: web.Request) -> str:
    value = request.match_info["id"]
    if not validation.ID_PATTERN.match(value) or not value.startswith("r_"):
        raise NotFound("No such canned reply.")
    return value


def _flag(request: web.Request, name: str) -> bool:
    value = request.query.get(name, "").lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise InvalidPayload(f"'{name}' must be 1 or 0.", field=name)


def _choice(request: web.Request, name: str, options: tuple[str, ...]) -> str | None:
    value = request.query.get(name) or None
    if value is not None and value not in options:
        raise InvalidPayload(f"'{name}' must be one of: {', '.join(options)}.", field=name)
    return value


async def list_replies(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    query: dict[str, Any] = dict(request.query)
    items = await request.app[CANNED].list_for(
        agent,
        language=fields.language(query, required=False),
        category=_choice(request, "category", CATEGORIES),
        scope=_choice(request, "scope", SCOPES),
        q=validation.text(query, "q", max_length=200, required=False),
        unused=_flag(request, "unused"),
        everyone=_flag(request, "all"),
        fallback=not request.query.get("fallback") or _flag(request, "fallback"),
    )
    return web.json_response({"items": [out.reply(i) for i in items]})


async def meta(request: web.Request) -> web.Response:
    """What the picker and the editor need besides the replies: languages, categories, placeholders."""
    await current_agent(request)
    settings = request.app[SETTINGS]
    return web.json_response(
        {
            "default_language": settings.default_language,
            "languages": list(dict.fromkeys((settings.default_language, *settings.languages))),
            "departments": [{"key": d.key, "name": d.name} for d in settings.departments],
            "categories": list(CATEGORIES),
            "scopes": list(SCOPES),
            "placeholders": placeholders.describe(settings.company_name, settings.default_wait_minutes),
            "limits": {
                "text": settings.max_message_length,
                "title": fields.TITLE_MAX,
                "shortcut": fields.SHORTCUT_MAX,
            },
        }
    )


async def get_reply(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    reply = await request.app[CANNED].get_for(agent, _reply_id(request))
    return web.json_response({"item": out.reply(reply)})


async def create_reply(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    reply = await request.app[CANNED].create(agent, await json_body(request))
    return web.json_response({"item": out.reply(reply)}, status=201)


async def update_reply(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    reply = await request.app[CANNED].update(agent, _reply_id(request), await json_body(request))
    return web.json_response({"item": out.reply(reply)})


async def delete_reply(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    await request.app[CANNED].delete(agent, _reply_id(request))
    return web.json_response({"ok": True})


async def history(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    versions = await request.app[CANNED].history(agent, _reply_id(request))
    return web.json_response({"versions": [out.version(v, changes) for v, changes in versions]})


async def revert(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    reply = await request.app[CANNED].revert(agent, _reply_id(request), await json_body(request))
    return web.json_response({"item": out.reply(reply)})


async def usage(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    reply, by_agent = await request.app[CANNED].usage(agent, _reply_id(request))
    return web.json_response({"item": out.reply(reply), "by_agent": [out.agent_usage(u) for u in by_agent]})


async def use(request: web.Request) -> web.Response:
    """The REST twin of the socket event ``canned:used``."""
    agent = await current_agent(request)
    data = await json_body(request)
    conversation_id = None
    if data.get("conversation_id") is not None:
        conversation = await request.app[CHAT].agent_conversation(agent, validation.conversation_id(data))
        conversation_id = conversation.id
    await request.app[CANNED].record_use(agent, _reply_id(request), conversation_id)
    return web.json_response({"ok": True})


async def export(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    service = request.app[CANNED]
    service.require_manager(agent)
    fmt = _choice(request, "format", ("json", "csv")) or "json"
    replies = await service.list_for(agent, everyone=True)
    rows = canned_io.export_rows(replies, await request.app[STORE].list_agents())
    stamp = datetime.fromtimestamp(request.app[CLOCK].now(), UTC).strftime("%Y%m%d")
    body = canned_io.to_json(rows) if fmt == "json" else canned_io.to_csv(rows)
    return web.Response(
        text=body,
        content_type="application/json" if fmt == "json" else "text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="canned-responses-{stamp}.{fmt}"'},
    )


async def import_(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    service = request.app[CANNED]
    service.require_manager(agent)
    fmt = _choice(request, "format", ("json", "csv")) or _sniff(request)
    mode = _choice(request, "mode", ("merge", "replace")) or "merge"
    items = canned_io.parse(await request.read(), fmt)
    drafts = canned_io.validate(items, service.limits, await request.app[STORE].list_agents())
    result = await service.import_drafts(agent, drafts, replace=mode == "replace")
    return web.json_response({"result": out.import_result(result), "format": fmt, "mode": mode})


def _sniff(request: web.Request) -> str:
    if request.content_type in ("text/csv", "application/csv"):
        return "csv"
    return "json"


def setup(app: web.Application) -> None:
    # Fixed paths before "{id}", which would otherwise swallow them.
    app.router.add_get(f"{BASE}/meta", meta)
    app.router.add_get(f"{BASE}/export", export)
    app.router.add_post(f"{BASE}/import", import_)
    app.router.add_get(BASE, list_replies)
    app.router.add_post(BASE, create_reply)
    app.router.add_get(BASE + "/{id}", get_reply)
    app.router.add_put(BASE + "/{id}", update_reply)
    app.router.add_delete(BASE + "/{id}", delete_reply)
    app.router.add_get(BASE + "/{id}/history", history)
    app.router.add_post(BASE + "/{id}/revert", revert)
    app.router.add_get(BASE + "/{id}/usage", usage)
    app.router.add_post(BASE + "/{id}/use", use)
