"""Typed application keys: everything the factory builds, reachable from a request."""

from __future__ import annotations

import jinja2
import socketio
import redis.asyncio as aioredis
from aiohttp import web

from ..clock import Clock
from ..config import Settings
from ..security.ratelimit import RateLimiter
from ..services.accounts import AccountsService
from ..reports.dashboard import DashboardService
from ..reports.qa import QaService
from ..reports.service import ReportService
from ..services.assistant import AssistantService
from ..services.auth import AuthService
from ..services.canned import CannedService
from ..services.chat import ChatService
from ..services.presence import Presence
from ..services.router import Router
from ..services.supervision import SupervisionService
from ..services.team import TeamService
from ..store import Store

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
STORE = web.AppKey("store", Store)
REDIS = web.AppKey("redis", aioredis.Redis)
AUTH = web.AppKey("auth", AuthService)
CHAT = web.AppKey("chat", ChatService)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
TEAM = web.AppKey("team", TeamService)
ACCOUNTS = web.AppKey("accounts", AccountsService)
ROUTER = web.AppKey("router", Router)
PRESENCE = web.AppKey("presence", Presence)
LIMITER = web.AppKey("limiter", RateLimiter)
REPORTS = web.AppKey("reports", ReportService)
QA = web.AppKey("qa", QaService)
DASHBOARD = web.AppKey("dashboard", DashboardService)
# Canned replies and the positive-language assistant (services/canned.py, services/assistant.py).
CANNED = web.AppKey("canned", CannedService)
ASSISTANT = web.AppKey("assistant", AssistantService)
SUPERVISION = web.AppKey("supervision", SupervisionService)
SIO = web.AppKey("sio", socketio.AsyncServer)
