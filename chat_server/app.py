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
from .routing.queue import Queue
from .services.accounts import AccountsService
from .services.assistant import AssistantService
from .services.auth import AuthService
from .services.canned import CannedService
from .services.canned_fields import Limits
from .services.canned_seed import ensure_seeded
from .services.chat import ChatService
from .services.team import TeamService
from .store import create_store
from .store.canned import create_canned_stores
from .web import accounts, api, assistant_api, canned_api, manage_pages, pages, workflow
from .web.keys import (
    ACCOUNTS, ASSISTANT, AUTH, CANNED, CHAT, CLOCK, REDIS, SETTINGS, STORE, TEAM, TEMPLATES,
)
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
        default_capacity=settings.agent_capacity, breathing_time_s=settings.breathing_time_s,
        disconnect_grace_s=settings.agent_disconnect_grace_s,
    )
    team = TeamService(store, chat, events, clock)
    canned_store, assistant_store = create_canned_stores(store)
    canned = CannedService(
        canned_store, events, clock, Limits(text_max=settings.max_message_length), settings.default_language
    )
    assistant = AssistantService(assistant_store, events, clock, settings.max_message_length)
    sio.register_namespace(VisitorNamespace(chat, settings))
    sio.register_namespace(AgentNamespace(chat, team, auth, settings, canned=canned, assistant=assistant))

    app = web.Application(middlewares=[errors, security_headers], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[STORE] = store
    app[REDIS] = redis
    app[AUTH] = auth
    app[CHAT] = chat
    app[TEAM] = team
    app[ACCOUNTS] = AccountsService(store, auth, chat, sio)
    app[CANNED] = canned
    app[ASSISTANT] = assistant
    app[SIO] = sio
    app[TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(CONSOLE_DIR / "templates"), autoescape=True
    )
    if embedded is not None:
        app[EMBEDDED] = embedded
    sio.attach(app)
    pages.setup(app)
    api.setup(app)
    workflow.setup(app)
    accounts.setup(app)
    canned_api.setup(app)
    assistant_api.setup(app)
    manage_pages.setup(app)
    app.cleanup_ctx.extend([_redis_ctx, _store_ctx, _canned_seed_ctx, _sweeper_ctx])
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


async def _canned_seed_ctx(app: web.Application) -> AsyncIterator[None]:
    """Load the starter canned replies and assistant rules on first start (canned_responses/)."""
    canned, assistant = app[CANNED], app[ASSISTANT]
    await ensure_seeded(canned.store, assistant.store, app[CLOCK], canned.limits)
    yield


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
                await chat.sweep_gone_agents()
                await chat.dispatch()
            except Exception as exc:  # keep sweeping: Redis or the database may come back
                log.warning("queue sweep failed: %s", exc)

    task = asyncio.create_task(sweep())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
