"""Outgoing events, addressed by room so they reach a client whichever process holds its socket
(python-socketio's Redis manager forwards emits between processes)."""

from __future__ import annotations

from typing import Any

import socketio

VISITOR_NS = "/visitor"
AGENT_NS = "/agent"


def visitor_room(conversation_id: str) -> str:
    return f"conv:{conversation_id}:visitor"


def agent_room(agent_id: str) -> str:
    return f"agent:{agent_id}"


class Events:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def to_visitor(self, conversation_id: str, event: str, data: dict[str, Any]) -> None:
        await self.sio.emit(event, data, room=visitor_room(conversation_id), namespace=VISITOR_NS)

    async def to_agent(self, agent_id: str, event: str, data: dict[str, Any]) -> None:
        await self.sio.emit(event, data, room=agent_room(agent_id), namespace=AGENT_NS)

    async def to_all_agents(self, event: str, data: dict[str, Any]) -> None:
        """Every connected console, on every process (e.g. a manager changed the shared library)."""
        await self.sio.emit(event, data, namespace=AGENT_NS)
