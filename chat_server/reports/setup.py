"""Wire reports, quality review and the live dashboard into the app (called by ``create_app``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
import socketio
from aiohttp import web

from ..clock import Clock
from ..config import Settings
from ..realtime.events import MANAGE_NS, MANAGERS_ROOM, Events
from ..realtime.manage import ManageNamespace
from ..redis_backend.keys import Keys
from ..services.auth import AuthService
from ..services.survey import SurveyQuestion
from ..store.qa import QaStore
from ..store.reports import ReportStore
from ..store.sqlite import SqlStore
from ..web import manage_pages, reports_api
from ..web.keys import DASHBOARD, QA, REPORTS
from .dashboard import DashboardPublisher, DashboardService
from .qa import QaService
from .service import ReportService

PUBLISHER = web.AppKey("dashboard_publisher", DashboardPublisher)
# Queue changes within this many seconds reach the dashboards as one update.
DASHBOARD_THROTTLE_S = 0.5


def configured_questions(settings: Settings) -> list[SurveyQuestion]:
    """The extra questions departments ask now (their own or the site-wide one), in config order."""
    found: dict[str, SurveyQuestion] = {}
    for d in settings.departments:
        question = settings.survey_question_for(d.key)
        if question is not None:
            found.setdefault(question.key, question)
    return list(found.values())


def setup_reports(
    app: web.Application,
    *,
    settings: Settings,
    store: SqlStore,
    redis: aioredis.Redis,
    keys: Keys,
    clock: Clock,
    events: Events,
    auth: AuthService,
    sio: socketio.AsyncServer,
) -> None:
    report_store = ReportStore(store)
    dashboard = DashboardService(
        store=store,
        reports=report_store,
        redis=redis,
        keys=keys,
        clock=clock,
        tz=settings.timezone,
        default_capacity=settings.agent_capacity,
    )
    publisher = DashboardPublisher(
        dashboard, events, throttle_s=DASHBOARD_THROTTLE_S, refresh_s=settings.dashboard_refresh_s,
        watched=lambda: next(iter(sio.manager.get_participants(MANAGE_NS, MANAGERS_ROOM)), None) is not None,
    )
    events.listeners.append(publisher.poke)
    sio.register_namespace(ManageNamespace(dashboard, auth))
    app[REPORTS] = ReportService(
        store, report_store, clock, settings.timezone, [(d.key, d.name) for d in settings.departments],
        survey_questions=configured_questions(settings),
    )
    app[QA] = QaService(
        store=store,
        qa=QaStore(store),
        clock=clock,
        tz=settings.timezone,
        seed=settings.qa_seed,
        sample_size=settings.qa_sample_size,
        period_days=settings.qa_period_days,
        rubric=settings.qa_rubric,
    )
    app[DASHBOARD] = dashboard
    app[PUBLISHER] = publisher
    reports_api.setup(app)
    manage_pages.setup(app)
    app.cleanup_ctx.append(_dashboard_ctx)


async def _dashboard_ctx(app: web.Application) -> AsyncIterator[None]:
    """The dashboards' periodic refresh (queue changes push at once, see DashboardPublisher)."""
    publisher = app[PUBLISHER]
    task = asyncio.create_task(publisher.run())
    yield
    await publisher.stop(task)
