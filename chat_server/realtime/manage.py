"""The ``/manage`` namespace: managers' live dashboards and wall screens.

Separate from ``/agent`` on purpose: a wall screen signed in as a manager must not count as that
manager's console, or it would keep them "online" and receiving chats nobody is there to answer.
"""

from __future__ import annotations

from typing import Any

import socketio

from ..errors import Forbidden
from ..models import Agent
from ..reports.dashboard import UPDATE_EVENT, DashboardService
from ..services.auth import AuthService
from .staff_auth import authenticate_staff
from .base import ChatNamespace, event
from .events import MANAGE_NS, MANAGERS_ROOM


class ManageNamespace(ChatNamespace):
    def __init__(self, dashboard: DashboardService, auth: AuthService) -> None:
        super().__init__(MANAGE_NS)
        self.dashboard = dashboard
        self.auth = auth

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        agent = await authenticate_staff(self.auth, environ, auth)
        if not agent.is_manager:
            raise socketio.exceptions.ConnectionRefusedError("forbidden")
        await self.save_session(sid, {"agent": agent})
        await self.enter_room(sid, MANAGERS_ROOM)
        await self.emit(UPDATE_EVENT, await self.dashboard.snapshot(), to=sid)

    async def _manager(self, sid: str) -> Agent:
        session = await self.get_session(sid)
        agent = session.get("agent") if session else None
        if agent is None or not agent.is_manager:
            raise Forbidden("Managers only.")
        return agent

    @event("dashboard:get")
    async def get(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        await self._manager(sid)
        return {"dashboard": await self.dashboard.snapshot()}
