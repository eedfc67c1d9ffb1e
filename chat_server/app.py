"""The app factory: ``create_app(settings)`` builds everything; ``chat-server run`` and the tests
both call it. Resources are opened and closed by the application's cleanup contexts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import jinja2
import redis.asyncio as aioredis
import socketio
from aiohttp import web

from .clock import Clock
from .config import Settings
from .realtime.agent import AgentNamespace
from .realtime.events import Events
from .realtime.visitor import VisitorNamespace
from .redis_backend.embedded import EmbeddedRedis
from .redis_backend.keys import Keys
from .reports.setup import setup_reports
from .routing.queue import Queue
from .services.auth import AuthService
from .services.chat import ChatService
from .store import create_store
from .web import api, pages
from .web.keys import AUTH, CHAT, CLOCK, REDIS, SETTINGS, STORE, TEMPLATES
from .web.middleware import errors, security_headers
from .web.pages import CONSOLE_DIR

log = logging.getLogger(__name__)

EMBEDDED = web.AppKey("embedded_redis", EmbeddedRedis)
SIO = web.AppKey("sio", socketio.AsyncServer)
# A JSON body or socket frame larger than this is refused before parsing.
MAX_BODY_BYTES = 256 * 1024
SWEEP_INTERVAL_S = 2.0


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    clock = clock or Clock()
    keys = Keys(settings.redis_prefix)
    embedded = None if settings.redis_url else EmbeddedRedis(settings.data_path)
    redis_url = settings.redis_url or embedded.url  # type: ignore[union-attr]
    redis = aioredis.from_url(redis_url, health_check_interval=10, socket_timeout=5)

    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=socketio.AsyncRedisManager(redis_url, channel=keys.socketio_channel),
        cors_allowed_origins="*" if "*" in settings.allowed_origins else list(settings.allowed_origins),
        max_http_buffer_size=MAX_BODY_BYTES,
    )
    store = create_store(settings)
    events = Events(sio)
    queue = Queue(redis, keys, settings.default_handle_time_s)
    auth = AuthService(store, clock, settings.session_ttl_hours)
    chat = ChatService(
        store=store, queue=queue, redis=redis, keys=keys, events=events, clock=clock,
        default_capacity=settings.agent_capacity,
        rating_scale=settings.rating_scale, rating_window_s=settings.rating_window_hours * 3600,
    )
    sio.register_namespace(VisitorNamespace(chat, settings))
    sio.register_namespace(AgentNamespace(chat, auth, settings))

    app = web.Application(middlewares=[errors, security_headers], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[STORE] = store
    app[REDIS] = redis
    app[AUTH] = auth
    app[CHAT] = chat
    app[SIO] = sio
    app[TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(CONSOLE_DIR / "templates"), autoescape=True
    )
    if embedded is not None:
        app[EMBEDDED] = embedded
    sio.attach(app)
    pages.setup(app)
    api.setup(app)
    app.cleanup_ctx.extend([_redis_ctx, _store_ctx, _sweeper_ctx])
    setup_reports(
        app, settings=settings, store=store, redis=redis, keys=keys, clock=clock,  # type: ignore[arg-type]
        events=events, chat=chat, auth=auth, sio=sio,
    )
    return app


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    embedded = app.get(EMBEDDED)
    if embedded is not None:
        await embedded.start()
    yield
    with contextlib.suppress(Exception):
        await app[SIO].shutdown()
    await app[REDIS].aclose()
    if embedded is not None:
        await embedded.stop()


async def _store_ctx(app: web.Application) -> AsyncIterator[None]:
    await app[STORE].open()
    yield
    await app[STORE].close()


async def _sweeper_ctx(app: web.Application) -> AsyncIterator[None]:
    """Re-queue what Redis lost, then keep the queue moving even if a trigger was missed
    (e.g. an agent came online on another process a moment before a chat started here)."""
    chat = app[CHAT]
    try:
        requeued = await chat.reconcile()
        if requeued:
            log.info("re-queued %d waiting conversations from the database", requeued)
    except Exception:
        log.exception("reconciling the queue failed; the sweeper will retry")

    async def sweep() -> None:
        while True:
            await asyncio.sleep(SWEEP_INTERVAL_S)
            try:
                await chat.dispatch()
            except Exception as exc:  # keep sweeping: Redis or the database may come back
                log.warning("queue sweep failed: %s", exc)

    task = asyncio.create_task(sweep())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
