"""Supervision: what a team lead watches during a shift. Who is waiting and for how long (with
SLA breaches flagged), every agent's status and load, and the chats in progress with who has them.

Read-only and assembled on demand from the queue (Redis) and the store; the managers' page asks
for it again whenever the ``/agent`` socket reports a change (``queue:changed``, ``agents:changed``,
``queue:sla``) and ticks the waiting times locally in between.
"""

from __future__ import annotations

from typing import Any

from ..clock import Clock, to_iso
from ..config import Settings
from ..models import Agent, Conversation
from ..routing.queue import Queue
from ..store import Store
from .presence import Presence


class SupervisionService:
    def __init__(self, *, store: Store, queue: Queue, presence: Presence, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.queue = queue
        self.presence = presence
        self.settings = settings
        self.clock = clock

    async def snapshot(self) -> dict[str, Any]:
        agents = [a for a in await self.store.list_agents() if not a.disabled]
        return {
            "generated_at": to_iso(self.clock.now()),
            "waiting": await self.waiting(),
            "agents": await self.agents(agents),
            "active": await self.active(agents),
        }

    async def waiting(self) -> list[dict[str, Any]]:
        """Everyone in line, longest wait first is the queue's own order (priority, then arrival)."""
        now_ms = self.clock.now_ms()
        out = []
        for w in await self.queue.waiting_details():
            conversation = await self.store.get_conversation(w.conversation_id)
            if conversation is None:
                continue
            department = self.settings.department(w.department)
            max_wait_s = department.max_wait_s if department else None
            waited_s = max(0, (now_ms - w.enqueued_ms) // 1000) if w.enqueued_ms else 0
            out.append({
                "conversation_id": w.conversation_id,
                "visitor_name": conversation.visitor_name,
                "department": w.department or conversation.department,
                "language": w.language or conversation.language,
                "waited_s": waited_s,
                "max_wait_s": max_wait_s,
                "sla_breached": conversation.sla_breached_at is not None
                or (max_wait_s is not None and waited_s > max_wait_s),
                "offered_to": await self.queue.offered_agent(w.conversation_id),
            })
        return out

    async def agents(self, agents: list[Agent]) -> list[dict[str, Any]]:
        """Every enabled account: taking chats (online with a console), away, or offline."""
        taking = {agent_id: (load, capacity) for agent_id, _, load, capacity in await self.queue.online_agents()}
        out = []
        for agent in agents:
            chosen = await self.presence.agent_status(agent)
            if agent.id in taking:
                status, (load, capacity) = "online", taking[agent.id]
            else:
                status = "away" if chosen in ("away", "online") else "offline"
                load = await self.store.count_open_for_agent(agent.id)
                capacity = agent.capacity or self.settings.agent_capacity
            out.append({
                "id": agent.id, "name": agent.name, "role": agent.role, "status": status,
                "load": load, "capacity": capacity or agent.capacity or self.settings.agent_capacity,
                "departments": list(agent.departments),
            })
        order = {"online": 0, "away": 1, "offline": 2}
        out.sort(key=lambda a: (order[a["status"]], -a["load"], a["name"].lower()))
        return out

    async def active(self, agents: list[Agent]) -> list[dict[str, Any]]:
        """Chats in progress, the one quiet the longest first."""
        out = [self._active(c) for agent in agents for c in await self.store.list_open_for_agent(agent.id)]
        out.sort(key=lambda c: c["last_message_at"] or c["assigned_at"] or "")
        return out

    @staticmethod
    def _active(c: Conversation) -> dict[str, Any]:
        last = c.messages[-1] if c.messages else None
        said = [m for m in c.messages if m.author_kind != "system"]
        return {
            "conversation_id": c.id,
            "visitor_name": c.visitor_name,
            "agent": {"id": c.agent_id, "name": c.agent_name},
            "department": c.department,
            "language": c.language,
            "started_at": to_iso(c.created_at),
            "assigned_at": to_iso(c.assigned_at) if c.assigned_at else None,
            "last_message_at": to_iso(last.created_at) if last else None,
            "last_author": said[-1].author_kind if said else None,
            "messages": len(said),
        }
