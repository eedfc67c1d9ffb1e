"""Managers' live supervision: ``GET /api/supervision`` (the snapshot the supervision page renders)."""

from __future__ import annotations

from aiohttp import web

from ..errors import Forbidden
from .auth import current_agent
from .keys import SUPERVISION


async def snapshot(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    if not agent.is_manager:
        raise Forbidden("Only managers can supervise the team.")
    return web.json_response(await request.app[SUPERVISION].snapshot())


def setup(app: web.Application) -> None:
    app.router.add_get("/api/supervision", snapshot)
