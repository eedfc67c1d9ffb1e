"""Who is here: agents' chosen status and live consoles, visitors' live widgets.

Socket ids live in Redis sets so every process sees every console. When the last console of an
agent is gone past the grace period, their chats go back to the queue; when a waiting visitor's
last widget is gone long enough, the chat is recorded as abandoned. Each process also indexes the
entries it added (``ProcessRegistry``), so the sockets of a process that died without a clean
stop are treated as disconnected once its heartbeat expires.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from .. import serializers
from ..clock import Clock
from ..models import Agent, Conversation
from ..realtime.events import Events
from ..redis_backend.keys import Keys
from ..routing.queue import Queue
from ..store import Store
from . import system_lines
from .processes import AGENT, VISITOR, ProcessRegistry
from .router import Router

AGENT_STATUSES = ("online", "away", "offline")


class Presence:
    def __init__(
        self, *, store: Store, queue: Queue, router: Router, redis: aioredis.Redis, keys: Keys, events: Events,
        clock: Clock, default_capacity: int, disconnect_grace_s: int, abandon_s: int, processes: ProcessRegistry,
    ) -> None:
        self.store = store
        self.queue = queue
        self.router = router
        self.redis = redis
        self.keys = keys
        self.events = events
        self.clock = clock
        self.default_capacity = default_capacity
        self.disconnect_grace_s = disconnect_grace_s
        self.abandon_s = abandon_s
        self.processes = processes

    # -- agents --------------------------------------------------------------------------------
    async def agent_status(self, agent: Agent | str) -> str:
        agent_id = agent if isinstance(agent, str) else agent.id
        status = await self.redis.get(self.keys.agent_status(agent_id))
        return status.decode() if status else "offline"

    async def agent_connected(self, agent: Agent, sid: str) -> str:
        """A console connected: restore the status the agent chose before a reload."""
        await self.processes.track(AGENT, agent.id, sid)
        await self.redis.sadd(self.keys.agent_sockets(agent.id), sid)
        await self.redis.zrem(self.keys.gone, agent.id)
        status = await self.agent_status(agent)
        if status == "online":
            await self._go_online(agent)
        return status

    async def agent_disconnected(self, agent: Agent | str, sid: str) -> None:
        """The last console closed: take no new chats (open ones stay with the agent for now)."""
        agent_id = agent if isinstance(agent, str) else agent.id
        key = self.keys.agent_sockets(agent_id)
        await self.redis.srem(key, sid)
        await self.processes.untrack(AGENT, agent_id, sid)
        if await self.redis.scard(key) == 0:
            await self.queue.set_unavailable(agent_id)
            self.router.line.touch()  # fewer slots: longer estimates
            await self.redis.zadd(self.keys.gone, {agent_id: self.clock.now_ms()})
            await self.events.to_managers("agents:changed", {"agent_id": agent_id, "status": "disconnected"})

    async def set_agent_status(self, agent: Agent, status: str) -> None:
        await self.redis.set(self.keys.agent_status(agent.id), status)
        if status == "online":
            await self._go_online(agent)
        else:
            await self.queue.set_unavailable(agent.id)
            self.router.line.touch()  # fewer slots: longer estimates
        await self.events.to_agent(agent.id, "status", {"status": status})
        await self.events.to_managers("agents:changed", {"agent_id": agent.id, "status": status})

    async def _go_online(self, agent: Agent) -> None:
        open_chats = await self.store.count_open_for_agent(agent.id)
        await self.queue.set_online(
            agent.id, agent.capacity or self.default_capacity, open_chats, agent.departments, agent.languages
        )
        await self.router.dispatch()

    async def sweep_gone_agents(self) -> list[str]:
        """Consoles gone past the grace period: the agent becomes away and their open chats go
        back to the head of the queue, transcript intact. ZREM decides which process handles it."""
        cutoff = self.clock.now_ms() - self.disconnect_grace_s * 1000
        handled = []
        for raw in await self.redis.zrangebyscore(self.keys.gone, "-inf", cutoff):
            agent_id = raw.decode()
            if not await self.redis.zrem(self.keys.gone, agent_id):
                continue
            if await self.redis.scard(self.keys.agent_sockets(agent_id)) > 0:
                continue
            await self.redis.set(self.keys.agent_status(agent_id), "away")
            await self.queue.set_unavailable(agent_id)
            for conversation in await self.store.list_open_for_agent(agent_id):
                await self.requeue(conversation, system_lines.render("stepped_away", conversation.language))
            handled.append(agent_id)
        if handled:
            await self.router.dispatch()
        return handled

    async def sweep_dead_processes(self) -> list[str]:
        """Sockets of processes whose heartbeat expired (killed, not stopped) count as disconnected
        now; the grace period and abandonment then run as for any disconnect."""
        dead = await self.processes.claim_dead()
        for process_id in dead:
            for kind, owner, sid in await self.processes.take_entries(process_id):
                if kind == AGENT:
                    await self.agent_disconnected(owner, sid)
                elif kind == VISITOR:
                    await self.visitor_left(owner, sid)
        return dead

    async def requeue(self, conversation: Conversation, system_text: str) -> None:
        """Back to the head of the queue with its transcript; the visitor is told why."""
        if not await self.store.requeue_conversation(conversation.id):
            return
        await self.queue.release(conversation.id)
        await self.queue.enqueue(
            conversation.id, department=conversation.department or "", language=conversation.language or "",
            front=True, now_ms=self.clock.now_ms(),
        )
        message = await self.router.system_message(conversation.id, system_text)
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(message)})
        status = await self.queue.status(conversation.id)
        if status is not None:  # back in line: the widget shows the place and follows queue:line again
            await self.events.to_visitor(conversation.id, "queue:update",
                                         {"conversation_id": conversation.id, **status.as_dict()})
        if conversation.agent_id:
            await self.events.to_agent(conversation.agent_id, "chat:removed", {"conversation_id": conversation.id})

    # -- visitors ------------------------------------------------------------------------------
    async def visitor_following(self, conversation_id: str, sid: str) -> None:
        await self.processes.track(VISITOR, conversation_id, sid)
        await self.redis.sadd(self.keys.visitor_sockets(conversation_id), sid)
        await self.redis.zrem(self.keys.visitors_gone, conversation_id)

    async def visitor_left(self, conversation_id: str, sid: str) -> None:
        key = self.keys.visitor_sockets(conversation_id)
        await self.redis.srem(key, sid)
        await self.processes.untrack(VISITOR, conversation_id, sid)
        if await self.redis.scard(key) == 0:
            await self.redis.zadd(self.keys.visitors_gone, {conversation_id: self.clock.now_ms()})

    async def visitor_present(self, conversation_id: str) -> bool:
        return bool(await self.redis.scard(self.keys.visitor_sockets(conversation_id)))

    async def abandoned(self) -> list[str]:
        """Waiting conversations whose widgets have been gone past ``abandon_s``; claimed once."""
        cutoff = self.clock.now_ms() - self.abandon_s * 1000
        found = []
        for raw in await self.redis.zrangebyscore(self.keys.visitors_gone, "-inf", cutoff):
            conversation_id = raw.decode()
            if await self.redis.zrem(self.keys.visitors_gone, conversation_id) and not await self.visitor_present(
                conversation_id
            ):
                found.append(conversation_id)
        return found
