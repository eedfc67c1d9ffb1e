"""HTML pages and static assets: the demo page, the widget script and the console."""

from __future__ import annotations

from aiohttp import web

from .. import serializers
from ..config import PROJECT_ROOT
from ..errors import Unauthorized
from .auth import request_token
from .keys import AUTH, REDIS, SIO, STORE, TEMPLATES

WIDGET_DIR = PROJECT_ROOT / "widget"
CONSOLE_DIR = PROJECT_ROOT / "console"


def render(request: web.Request, template: str, **context: object) -> web.Response:
    html = request.app[TEMPLATES].get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html")


async def demo(request: web.Request) -> web.Response:
    return render(request, "demo.html", widget_url="/widget.js")


async def widget_js(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WIDGET_DIR / "widget.js", headers={"Cache-Control": "no-cache"})


async def console(request: web.Request) -> web.Response:
    token, _ = request_token(request)
    agent = None
    if token:
        try:
            agent = serializers.agent(await request.app[AUTH].authenticate(token))
        except Unauthorized:
            agent = None
    return render(request, "console.html", agent=agent)


async def health(request: web.Request) -> web.Response:
    parts = {"redis": "ok", "database": "ok", "pubsub": "ok"}
    try:
        await request.app[REDIS].ping()
    except Exception:
        parts["redis"] = "error"
    try:
        await request.app[STORE].ping()
    except Exception:
        parts["database"] = "error"
    manager = request.app[SIO].manager
    if parts["redis"] == "error" or not getattr(manager, "healthy", True):
        parts["pubsub"] = "error"
    healthy = all(v == "ok" for v in parts.values())
    return web.json_response({"status": "ok" if healthy else "degraded", **parts}, status=200 if healthy else 503)


def setup(app: web.Application) -> None:
    app.router.add_get("/", demo)
    app.router.add_get("/healthz", health)
    app.router.add_get("/widget.js", widget_js)
    app.router.add_static("/widget/", WIDGET_DIR, append_version=False)
    app.router.add_get("/console", console)
    app.router.add_static("/console/static/", CONSOLE_DIR / "static")
