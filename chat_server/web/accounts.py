"""Managers' account administration (JSON) and the page that drives it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import serializers, validation
from ..errors import InvalidPayload
from ..services.auth import ROLES
from .auth import current_agent, json_body
from .keys import ACCOUNTS


def _tags(data: dict[str, Any], name: str) -> list[str] | None:
    if name not in data:
        return None
    value = data[name]
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v.strip()) <= 40 for v in value):
        raise InvalidPayload(f"'{name}' must be a list of short names.", field=name)
    return sorted({v.strip() for v in value})


def _fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if creating or "name" in data:
        fields["name"] = validation.text(data, "name", max_length=100)
    if creating or "role" in data:
        fields["role"] = validation.choice(data, "role", ROLES, InvalidPayload) if "role" in data else "agent"
    if "capacity" in data:
        fields["capacity"] = validation.integer(data, "capacity", minimum=1, maximum=50, required=False)
    if "disabled" in data and not creating:
        fields["disabled"] = validation.boolean(data, "disabled")
    for name in ("departments", "languages"):
        tags = _tags(data, name)
        if tags is not None:
            fields[name] = tags
    return fields


async def list_accounts(request: web.Request) -> web.Response:
    manager = await current_agent(request)
    agents = await request.app[ACCOUNTS].list(manager)
    return web.json_response({"items": [serializers.agent(a) for a in agents]})


async def add_account(request: web.Request) -> web.Response:
    manager = await current_agent(request)
    data = await json_body(request)
    fields = _fields(data, creating=True)
    email = validation.email(data, required=True)
    password = data.get("password")
    if not isinstance(password, str):
        raise InvalidPayload("'password' must be a string.", field="password")
    agent = await request.app[ACCOUNTS].add(manager, email=email, password=password, **fields)
    return web.json_response({"agent": serializers.agent(agent)}, status=201)


async def update_account(request: web.Request) -> web.Response:
    manager = await current_agent(request)
    fields = _fields(await json_body(request), creating=False)
    agent = await request.app[ACCOUNTS].update(manager, request.match_info["id"][:40], **fields)
    return web.json_response({"agent": serializers.agent(agent)})


async def reset_password(request: web.Request) -> web.Response:
    manager = await current_agent(request)
    data = await json_body(request)
    password = data.get("password")
    if not isinstance(password, str):
        raise InvalidPayload("'password' must be a string.", field="password")
    await request.app[ACCOUNTS].reset_password(manager, request.match_info["id"][:40], password)
    return web.json_response({"ok": True})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/admin/agents", list_accounts)
    app.router.add_post("/api/admin/agents", add_account)
    app.router.add_patch("/api/admin/agents/{id}", update_account)
    app.router.add_post("/api/admin/agents/{id}/password", reset_password)
