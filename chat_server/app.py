"""The app factory: ``create_app(settings)`` builds everything; ``chat-server run`` and the tests
both call it. Resources are opened and closed by the application's cleanup contexts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import jinja2
import socketio
from aiohttp import web

from .clock import Clock
from .config import Settings
from .realtime import fast_json
from .realtime.agent import AgentNamespace
from .realtime.direct_write import DirectSocketServer
from .realtime.events import Events
from .realtime.redis_manager import PeerAwareRedisManager
from .realtime.visitor import VisitorNamespace
from .redis_backend.connect import manager_url, redis_client
from .redis_backend.embedded import EmbeddedRedis
from .redis_backend.keys import Keys
from .reports.setup import setup_reports
from .routing.queue import Queue
from .security.ratelimit import Limits, RateLimiter
from .services.accounts import AccountsService
from .services.assistant import AssistantService
from .services.auth import AuthService
from .services.canned import CannedService
from .services.canned_fields import Limits as CannedLimits
from .services.canned_seed import ensure_seeded
from .services.chat import ChatService
from .services.line import LineBroadcaster
from .services.mailer import Mailer
from .services.presence import Presence
from .services.processes import ProcessRegistry
from .services.router import Router
from .services.supervision import SupervisionService
from .services.team import TeamService
from .store import create_store
from .store.canned import create_canned_stores
from .web import accounts, api, assistant_api, audit, canned_api, pages, supervision, widget_api, workflow
from .web.keys import (
    SIO,
    ACCOUNTS, ASSISTANT, AUTH, CANNED, CHAT, CLOCK, LIMITER, PRESENCE, REDIS, ROUTER, SETTINGS, STORE, SUPERVISION,
    TEAM, TEMPLATES,
)
from .web.middleware import errors, security_headers
from .web.pages import CONSOLE_DIR

log = logging.getLogger(__name__)

EMBEDDED = web.AppKey("embedded_redis", EmbeddedRedis)
# A JSON body or socket frame larger than this is refused before parsing.
MAX_BODY_BYTES = 256 * 1024
# One Socket.IO frame: a 4,000-character message is at most 16 KB of UTF-8; Engine.IO's 1 MB default
# would let one client make the server parse megabytes per event.
MAX_FRAME_BYTES = 64 * 1024
SWEEP_INTERVAL_S = 2.0
# How long a starting process waits for the others to acknowledge it before accepting connections.
JOIN_TIMEOUT_S = 3.0


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    clock = clock or Clock()
    keys = Keys(settings.redis_prefix)
    embedded = None if settings.redis_url else EmbeddedRedis(settings.data_path)
    redis_url = settings.redis_url or embedded.url  # type: ignore[union-attr]
    redis = redis_client(redis_url, health_check_interval=10, socket_timeout=5)

    sio = DirectSocketServer(
        async_mode="aiohttp",
        client_manager=PeerAwareRedisManager(manager_url(redis_url), channel=keys.socketio_channel),
        cors_allowed_origins="*" if "*" in settings.allowed_origins else list(settings.allowed_origins),
        max_http_buffer_size=MAX_FRAME_BYTES,
        serializer=fast_json.JsonPacket,
        json=fast_json,
    )
    store = create_store(settings)
    events = Events(sio)
    queue = Queue(redis, keys, settings.default_handle_time_s, settings.departments)
    auth = AuthService(store, clock, settings.session_ttl_hours)
    router = Router(store=store, queue=queue, redis=redis, keys=keys, events=events, clock=clock, settings=settings,
                    line=LineBroadcaster(queue, events))
    presence = Presence(
        store=store, queue=queue, router=router, redis=redis, keys=keys, events=events, clock=clock,
        default_capacity=settings.agent_capacity, disconnect_grace_s=settings.agent_disconnect_grace_s,
        abandon_s=settings.visitor_abandon_s, processes=ProcessRegistry(redis, keys, settings.process_timeout_s),
    )
    mailer = Mailer(settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.company_name)
    chat = ChatService(
        store=store, queue=queue, router=router, presence=presence, events=events, clock=clock,
        settings=settings, mailer=mailer,
    )
    team = TeamService(store, chat, events, clock)
    canned_store, assistant_store = create_canned_stores(store)
    canned = CannedService(
        canned_store, events, clock,
        CannedLimits(text_max=settings.max_message_length, departments=tuple(d.key for d in settings.departments)),
        settings.default_language,
    )
    assistant = AssistantService(assistant_store, events, clock, settings.max_message_length)
    limiter = RateLimiter(redis, settings.redis_prefix, Limits.from_settings(settings))
    sio.register_namespace(VisitorNamespace(chat, presence, limiter, settings))
    sio.register_namespace(AgentNamespace(
        chat=chat, team=team, presence=presence, router=router, auth=auth, limiter=limiter, settings=settings,
        canned=canned, assistant=assistant,
    ))

    app = web.Application(middlewares=[errors, security_headers, audit.audit], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[STORE] = store
    app[REDIS] = redis
    app[AUTH] = auth
    app[CHAT] = chat
    app[TEAM] = team
    app[ROUTER] = router
    app[LIMITER] = limiter
    app[PRESENCE] = presence
    app[ACCOUNTS] = AccountsService(store, auth, chat, presence, sio)
    app[CANNED] = canned
    app[ASSISTANT] = assistant
    app[SUPERVISION] = SupervisionService(
        store=store, queue=queue, presence=presence, settings=settings, clock=clock
    )
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
    supervision.setup(app)
    accounts.setup(app)
    audit.setup(app)
    canned_api.setup(app)
    assistant_api.setup(app)
    widget_api.setup(app)
    app.on_shutdown.append(_close_sockets)
    app.cleanup_ctx.extend([_redis_ctx, _store_ctx, _canned_seed_ctx, _pubsub_ctx, _sweeper_ctx, _line_ctx])
    setup_reports(
        app, settings=settings, store=store, redis=redis, keys=keys, clock=clock,  # type: ignore[arg-type]
        events=events, auth=auth, sio=sio,
    )
    return app


async def _close_sockets(app: web.Application) -> None:
    """Disconnect every client before aiohttp waits for open handlers; without this a connected
    console holds shutdown for the whole shutdown timeout. Clients reconnect to another process."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(app[SIO].eio.disconnect(), 5)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(app[SIO].shutdown(), 5)
    listener = getattr(app[SIO].manager, "thread", None)
    if listener is not None:  # the cross-process listener would log errors once Redis stops
        listener.cancel()


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    embedded = app.get(EMBEDDED)
    if embedded is not None:
        await embedded.start()
    yield
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


def _start_listener(sio: socketio.AsyncServer) -> None:
    if not sio.manager_initialized:
        sio.manager_initialized = True
        sio.manager.initialize()


async def _pubsub_ctx(app: web.Application) -> AsyncIterator[None]:
    """Listen for other processes' events before accepting connections, and let them know we are
    here (they publish only while someone else listens: realtime/redis_manager.py)."""
    _start_listener(app[SIO])
    await app[SIO].manager.join(JOIN_TIMEOUT_S)
    yield


async def _sweeper_ctx(app: web.Application) -> AsyncIterator[None]:
    """Re-queue what Redis lost, then keep the queue moving: offers that rang out, consoles and
    widgets gone for good, SLA breaches, and a dispatch in case a trigger was missed (e.g. an agent
    came online on another process a moment before a chat started here)."""
    router = app[ROUTER]
    try:
        await app[PRESENCE].processes.heartbeat()  # registered before the first socket connects
        requeued = await router.reconcile()
        if requeued:
            log.info("re-queued %d waiting conversations from the database", requeued)
    except Exception:
        log.exception("reconciling the queue failed; the sweeper will retry")

    stop = asyncio.Event()

    async def sweep() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SWEEP_INTERVAL_S)
            if stop.is_set():
                break
            try:
                await sweep_once(app)
            except Exception as exc:  # keep sweeping: Redis or the database may come back
                log.warning("queue sweep failed: %s", exc)

    task = asyncio.create_task(sweep())
    yield
    await _stop(task, stop)
    with contextlib.suppress(Exception):  # Redis may be gone; the heartbeat then simply expires
        await app[PRESENCE].processes.leave()


async def _line_ctx(app: web.Application) -> AsyncIterator[None]:
    """Tell waiting widgets how their department's line moves (services/line.py)."""
    stop = asyncio.Event()
    task = asyncio.create_task(app[ROUTER].line.run(stop))
    yield
    await _stop(task, stop)


async def _stop(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Stop on a flag, cancel only as a last resort: on Python 3.11 a cancel arriving while a
    Redis or database call completes can be swallowed, and the loop would run on."""
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), 5)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def sweep_once(app: web.Application) -> None:
    """One pass of the periodic housekeeping; tests call it directly with a fake clock."""
    sio = app[SIO]
    _start_listener(sio)  # normally done at start-up already; /healthz must be able to tell
    await sio.manager.probe()
    presence = app[PRESENCE]
    if not await presence.processes.heartbeat():
        # Another process presumed this one dead (it stalled past process_timeout_s) and removed
        # its sockets from presence: make the clients reconnect so presence is rebuilt.
        log.warning("this process was presumed dead; disconnecting its clients so they reconnect")
        await sio.eio.disconnect()
    await app[ROUTER].sweep_offers()
    await presence.sweep_dead_processes()
    await presence.sweep_gone_agents()
    await app[CHAT].close_abandoned()
    await app[ROUTER].sweep_sla()
    await app[ROUTER].dispatch()
