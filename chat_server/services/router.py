"""Dispatch: turns the queue's decisions into conversations that agents and visitors hear about.

The queue (``routing.queue``) decides atomically in Redis; this service records each decision in
the database and emits it. Every method is safe to run in every process at once.
"""

from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis

from .. import serializers
from ..clock import Clock
from ..config import Settings
from ..errors import ChatError, Conflict, NotFound
from ..models import Agent, Conversation, Message
from ..realtime.events import Events
from ..redis_backend.keys import Keys
from ..routing.queue import Assignment, Queue
from ..store import Store
from . import system_lines
from .line import LineBroadcaster

log = logging.getLogger(__name__)

PASS_SIZE = 25  # pairs one dispatch pass makes; callers of dispatch() wait for at most one pass


class AlreadyTaken(ChatError):
    code = "already_taken"
    http_status = 409


class Router:
    def __init__(
        self, *, store: Store, queue: Queue, redis: aioredis.Redis, keys: Keys, events: Events, clock: Clock,
        settings: Settings, line: LineBroadcaster,
    ) -> None:
        self.store = store
        self.queue = queue
        self.redis = redis
        self.keys = keys
        self.events = events
        self.clock = clock
        self.settings = settings
        self.line = line
        self._lock = asyncio.Lock()
        self._wanted = False  # a dispatch was asked for and no pass has started since
        self._full = False  # the last pass made as many pairs as it may: there may be more
        self._more: asyncio.Task[None] | None = None

    async def system_message(self, conversation_id: str, text: str) -> Message:
        """A line in the transcript written by the product (joins, hand-overs), not by a person."""
        message, _, _ = await self.store.append_message(
            conversation_id, author_kind="system", author_id=None, author_name=None, text=text,
            client_id=None, now=self.clock.now(),
        )
        return message

    async def dispatch(self) -> list[Assignment]:
        """Pair waiting visitors with free agents, record it, tell both sides; the line is told on
        the next tick. Coalesced: callers that arrive while a pass runs share the next pass (each
        still returns only after a pass that started after its call), so a burst of closes costs
        one assign script call, not one each. A pass makes at most ``PASS_SIZE`` pairs, recorded
        in one transaction and announced concurrently, so no caller waits behind a long line; a full pass schedules the next one in
        the background. Returns what this caller's pass made ([] when another's covered it)."""
        self._wanted = True
        async with self._lock:
            if not self._wanted:
                return []
            self._wanted = False
            made = await self.queue.assign(self.clock.now_ms(), limit=PASS_SIZE)
            await asyncio.gather(self.complete_many([d for d in made if not d.offered]),
                                 *(self._offer(d) for d in made if d.offered))
            self._full = len(made) >= PASS_SIZE
        self.line.touch()
        if self._full and (self._more is None or self._more.done()):
            self._more = asyncio.create_task(self._keep_dispatching())
        return made

    async def _keep_dispatching(self) -> None:
        """More may be assignable than one pass makes: go on until a pass comes back short."""
        try:
            while self._full:
                await self.dispatch()
        except Exception as exc:  # noqa: BLE001 - the sweeper's dispatch retries within seconds
            log.warning("dispatch failed: %s", exc)

    async def _offer(self, decision: Assignment) -> None:
        conversation = await self.store.get_conversation(decision.conversation_id, with_messages=True)
        if conversation is None or conversation.status != "queued":
            await self.queue.release(decision.conversation_id)
            return
        department = self.settings.department(conversation.department)
        timeout = department.offer_timeout_s if department else 30
        await self.events.to_agent(decision.agent_id, "chat:offer", {
            "conversation": serializers.conversation_for_agent(conversation), "expires_in_s": timeout,
        })

    async def complete(self, decision: Assignment) -> None:
        await self.complete_many([decision])

    async def complete_many(self, decisions: list[Assignment]) -> None:
        """Record assignments the queue made (one transaction for all) and tell both sides. The
        agents and the conversations announced are read in one query each for the whole pass."""
        agents = await self.store.get_agents([d.agent_id for d in decisions])
        joined = await self.store.assign_many([
            (d.conversation_id, d.agent_id, await self._joined_line(d, agent))
            for d in decisions if (agent := agents.get(d.agent_id)) is not None
        ], self.clock.now())
        for d in decisions:
            if d.conversation_id not in joined:
                # Closed while it waited (or the agent vanished): give the slot back.
                await self.queue.release(d.conversation_id)
        if not joined:
            return
        ids = list(joined)
        async with self.redis.pipeline(transaction=False) as pipe:  # one round trip, not two
            pipe.smismember(self.keys.sla_flagged, ids)
            pipe.srem(self.keys.sla_flagged, *ids)
            flagged, _ = await pipe.execute()
        for conversation_id, was_flagged in zip(ids, flagged, strict=True):
            if was_flagged:
                # An overdue chat may have rung for everyone: stop it ringing (the id only).
                await self.events.to_all_agents("chat:offer_withdrawn", {"conversation_id": conversation_id})
        conversations = await self.store.get_conversations(ids)
        await asyncio.gather(*(self._announce(conversations[d.conversation_id], agents[d.agent_id],
                                              joined[d.conversation_id])
                               for d in decisions if d.conversation_id in joined))

    async def _joined_line(self, decision: Assignment, agent: Agent) -> str:
        """In the conversation's language: the queue knows it for chats it paired, else ask the store."""
        if decision.language is not None:
            return system_lines.render("joined", decision.language, name=agent.name)
        return await system_lines.render_for(self.store, decision.conversation_id, "joined", name=agent.name)

    async def _announce(self, conversation: Conversation, agent: Agent, joined: Message) -> None:
        await self.events.to_agent(
            agent.id, "chat:assigned", {"conversation": serializers.conversation_for_agent(conversation)}
        )
        await self.events.to_visitor(
            conversation.id, "chat:assigned", {"conversation_id": conversation.id, "agent": {"name": agent.name}}
        )
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(joined)})
        department = self.settings.department(conversation.department) or self.settings.departments[0]
        await self.events.leave_line(conversation.id, department.key)
        await self.events.to_managers("queue:changed", {"conversation_id": conversation.id, "status": "assigned"})

    # -- offers --------------------------------------------------------------------------------
    async def accept(self, agent: Agent, conversation_id: str) -> None:
        """Take an offered chat, or any overdue chat that was broadcast to the department."""
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("No such conversation.")
        department = self.settings.department(conversation.department)
        broadcast = bool(conversation.sla_breached_at and department and department.sla_broadcast)
        eligible = agent.is_manager or not agent.departments or conversation.department in agent.departments
        await self.queue.prepare(agent.id, agent.capacity or self.settings.agent_capacity,
                                 await self.store.count_open_for_agent(agent.id))
        result = await self.queue.accept(conversation_id, agent.id, any_waiting=broadcast and eligible)
        if result == 0:
            raise AlreadyTaken("Another agent has taken this chat.")
        if result == -2:
            raise Conflict("You have no free slot; close a chat first.")
        await self.complete(Assignment(conversation_id, agent.id))
        self.line.touch()

    async def decline(self, agent: Agent, conversation_id: str) -> None:
        if not await self.queue.unoffer(conversation_id, agent.id):
            raise AlreadyTaken("This offer is no longer yours.")
        await self.store.record_offer_outcome(conversation_id, agent.id, "declined", self.clock.now())
        self.line.touch(force=True)  # back at its old place
        await self.dispatch()

    async def sweep_offers(self) -> list[tuple[str, str]]:
        """Offers that rang out: recorded as missed for that agent, then offered to the next."""
        missed = []
        for conversation_id, agent_id in await self.queue.expired_offers(self.clock.now_ms()):
            if await self.queue.unoffer(conversation_id, agent_id):
                await self.store.record_offer_outcome(conversation_id, agent_id, "missed", self.clock.now())
                await self.events.to_agent(agent_id, "chat:offer_expired", {"conversation_id": conversation_id})
                missed.append((conversation_id, agent_id))
        if missed:
            self.line.touch(force=True)  # back at their old places
            await self.dispatch()
        return missed

    # -- SLA -----------------------------------------------------------------------------------
    async def sweep_sla(self) -> list[str]:
        """Flag chats waiting past their department's maximum; optionally ring everyone."""
        now_ms = self.clock.now_ms()
        flagged = []
        for waiting in await self.queue.overdue(now_ms):
            department = self.settings.department(waiting.department)
            if department is None or now_ms - waiting.enqueued_ms <= department.max_wait_s * 1000:
                continue
            if not await self.redis.sadd(self.keys.sla_flagged, waiting.conversation_id):
                continue
            await self.store.mark_sla_breached(waiting.conversation_id, self.clock.now())
            flagged.append(waiting.conversation_id)
            waited = (now_ms - waiting.enqueued_ms) // 1000
            await self.events.to_managers("queue:sla", {
                "conversation_id": waiting.conversation_id, "department": waiting.department, "waited_s": waited,
            })
            if department.sla_broadcast:
                await self._broadcast_offer(waiting.conversation_id, waiting.department)
        return flagged

    async def _broadcast_offer(self, conversation_id: str, department: str) -> None:
        conversation = await self.store.get_conversation(conversation_id, with_messages=True)
        if conversation is None:
            return
        payload = {"conversation": serializers.conversation_for_agent(conversation), "expires_in_s": None,
                   "broadcast": True}
        for agent_id, tags, _, _ in await self.queue.online_agents():
            if not tags or f"|{department}|" in tags:
                await self.events.to_agent(agent_id, "chat:offer", payload)
        await self.events.to_managers("chat:offer", payload)

    # -- recovery ----------------------------------------------------------------------------
    async def reconcile(self) -> int:
        """Redis may have lost the line (restart without persistence): put back every conversation
        the database says is waiting. Returns how many were re-queued."""
        count = 0
        waiting = set(await self.queue.waiting())
        for conversation_id in await self.store.list_queued_ids():
            if conversation_id in waiting or await self.queue.offered_agent(conversation_id):
                continue
            agent_id = await self.queue.assigned_agent(conversation_id)
            if agent_id:
                # The queue decided but the process died before the database heard of it.
                await self.complete(Assignment(conversation_id, agent_id))
                continue
            conversation = await self.store.get_conversation(conversation_id)
            assert conversation is not None
            await self.queue.enqueue(
                conversation_id, department=conversation.department or "", language=conversation.language or "",
                priority=conversation.priority, now_ms=int(conversation.created_at * 1000),
            )
            count += 1
        return count
