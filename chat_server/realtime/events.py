"""Outgoing events, addressed by room so they reach a client whichever process holds its socket
(python-socketio's Redis manager forwards emits between processes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import socketio

VISITOR_NS = "/visitor"
AGENT_NS = "/agent"
MANAGE_NS = "/manage"
MANAGERS_ROOM = "managers"


def visitor_room(conversation_id: str) -> str:
    return f"conv:{conversation_id}:visitor"


def agent_room(agent_id: str) -> str:
    return f"agent:{agent_id}"


def line_room(department: str) -> str:
    """Widgets whose conversation belongs to a department: they hear how its line moves."""
    return f"line:{department}"


def watch_room(conversation_id: str) -> str:
    """Managers supervising a conversation (read-only)."""
    return f"watch:{conversation_id}"



class Events:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio
        # Called (synchronously, must not block) whenever managers are told of a change: the
        # live dashboards listen here.
        self.listeners: list[Callable[[], None]] = []

    async def to_visitor(self, conversation_id: str, event: str, data: dict[str, Any],
                         skip_sid: str | None = None) -> None:
        await self.sio.emit(event, data, room=visitor_room(conversation_id), namespace=VISITOR_NS, skip_sid=skip_sid)

    async def to_line(self, department: str, event: str, data: dict[str, Any]) -> None:
        await self.sio.emit(event, data, room=line_room(department), namespace=VISITOR_NS)

    async def leave_line(self, conversation_id: str, department: str) -> None:
        """A chat left the line: its widgets on this process stop hearing ``queue:line`` (those on
        another process keep hearing it and ignore it; the widget rejoins with chat:resume when it
        is put back in line)."""
        for sid, _ in list(self.sio.manager.get_participants(VISITOR_NS, visitor_room(conversation_id))):
            await self.sio.leave_room(sid, line_room(department), namespace=VISITOR_NS)

    async def to_agent(self, agent_id: str, event: str, data: dict[str, Any]) -> None:
        await self.sio.emit(event, data, room=agent_room(agent_id), namespace=AGENT_NS)

    async def to_staff(self, conversation_id: str, agent_id: str | None, event: str, data: dict[str, Any],
                       skip_sid: str | None = None) -> None:
        """The assigned agent and any manager watching; a socket in both rooms gets it once."""
        rooms = [watch_room(conversation_id)] + ([agent_room(agent_id)] if agent_id else [])
        await self.sio.emit(event, data, room=rooms, namespace=AGENT_NS, skip_sid=skip_sid)

    async def to_managers(self, event: str, data: dict[str, Any]) -> None:
        """Managers' consoles and supervision pages. The queue or the team changed, so the live
        dashboards are poked too. The supervision page listens on ``/manage`` so that having it open
        never counts as a console that can be given chats."""
        await self.sio.emit(event, data, room=MANAGERS_ROOM, namespace=AGENT_NS)
        await self.sio.emit(event, data, room=MANAGERS_ROOM, namespace=MANAGE_NS)
        for listener in self.listeners:
            listener()

    async def to_dashboards(self, event: str, data: dict[str, Any]) -> None:
        """Managers' dashboards and wall screens (the ``/manage`` namespace)."""
        await self.sio.emit(event, data, room=MANAGERS_ROOM, namespace=MANAGE_NS)

    async def to_all_agents(self, event: str, data: dict[str, Any]) -> None:
        """Every connected console, on every process (e.g. a manager changed the shared library)."""
        await self.sio.emit(event, data, namespace=AGENT_NS)
