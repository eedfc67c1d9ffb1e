"""Conversations: starting, messaging, assignment, closing and rating.

Transports (socket namespaces, HTTP views) validate input and call these methods; these methods
own the rules and emit what the other side must see.
"""

from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis

from .. import serializers
from ..clock import Clock
from ..errors import AlreadyActive, ConversationClosed, ConversationNotFound, NotClosed
from ..ids import hash_secret, new_secret
from ..models import Agent, Conversation, Message, Rating, Visitor
from ..realtime.events import Events
from ..redis_backend.keys import Keys
from ..routing.queue import Assignment, Queue, QueueStatus
from ..store import Store

log = logging.getLogger(__name__)

AGENT_STATUSES = ("online", "away", "offline")


class ChatService:
    def __init__(
        self,
        *,
        store: Store,
        queue: Queue,
        redis: aioredis.Redis,
        keys: Keys,
        events: Events,
        clock: Clock,
        default_capacity: int,
        breathing_time_s: int = 0,
        disconnect_grace_s: int = 30,
    ) -> None:
        self.store = store
        self.queue = queue
        self.redis = redis
        self.keys = keys
        self.events = events
        self.clock = clock
        self.default_capacity = default_capacity
        self.breathing_time_s = breathing_time_s
        self.disconnect_grace_s = disconnect_grace_s
        self._positions_sent: dict[str, tuple[int, int]] = {}
        self._dispatch_lock = asyncio.Lock()

    # -- visitors ------------------------------------------------------------------------------
    async def visitor_session(self, token: object) -> tuple[Visitor, str, Conversation | None]:
        """Find the visitor a token names, or make a new one. Unknown tokens are not an error:
        the browser may hold one from a wiped database; it simply gets a fresh identity."""
        visitor = None
        if isinstance(token, str) and 0 < len(token) <= 200:
            visitor = await self.store.get_visitor_by_token(hash_secret(token))
        if visitor is None:
            token = new_secret()
            visitor = await self.store.create_visitor(hash_secret(token), self.clock.now())
        assert isinstance(token, str)
        return visitor, token, await self.store.find_visitor_conversation(visitor.id)

    async def open_conversation(
        self,
        visitor: Visitor,
        *,
        text: str,
        name: str | None,
        email: str | None,
        page_url: str | None,
        client_id: str | None,
        context: dict[str, str | None] | None = None,
    ) -> Conversation:
        """Create the conversation with its first message. A retried start (same client_id)
        returns the conversation the first attempt made."""
        current = await self.store.find_visitor_conversation(visitor.id)
        if current is not None and current.is_open:
            first = current.messages[0] if current.messages else None
            if client_id and first is not None and first.client_id == client_id:
                return current
            raise AlreadyActive("You already have an open chat.", conversation_id=current.id)
        return await self.store.create_conversation(
            visitor_id=visitor.id,
            name=name,
            email=email,
            page_url=page_url,
            first_text=text,
            client_id=client_id,
            now=self.clock.now(),
            context=context,
        )

    async def enqueue(self, conversation: Conversation) -> tuple[str, QueueStatus | None]:
        """Put a new conversation in line and try to assign at once; returns (status, queue)."""
        if conversation.status == "queued":
            await self.queue.enqueue(conversation.id)
            await self.dispatch()
        fresh = await self.store.get_conversation(conversation.id)
        assert fresh is not None
        return fresh.status, await self.queue_status(fresh)

    async def queue_status(self, conversation: Conversation) -> QueueStatus | None:
        if conversation.status != "queued":
            return None
        return await self.queue.status(conversation.id)

    async def visitor_conversation(self, visitor: Visitor, conversation_id: str) -> Conversation:
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None or conversation.visitor_id != visitor.id:
            raise ConversationNotFound()
        return conversation

    # -- agents' view --------------------------------------------------------------------------
    async def agent_conversation(
        self, agent: Agent, conversation_id: str, *, with_messages: bool = False, write: bool = False
    ) -> Conversation:
        """Managers read every conversation; an agent reads those they took part in and writes
        only to the one currently assigned to them. Anything else is indistinguishable from absent."""
        conversation = await self.store.get_conversation(conversation_id, with_messages=with_messages)
        if conversation is None:
            raise ConversationNotFound()
        if conversation.agent_id == agent.id:
            return conversation
        if write or not (agent.is_manager or await self.store.took_part(conversation_id, agent.id)):
            raise ConversationNotFound()
        return conversation

    # -- messages ------------------------------------------------------------------------------
    async def send_message(
        self,
        conversation: Conversation,
        *,
        author_kind: str,
        author_id: str | None,
        author_name: str | None,
        text: str,
        client_id: str | None,
    ) -> Message:
        if not conversation.is_open:
            # A resend of something stored before the close is still answered with the original.
            if client_id:
                for m in await self.store.messages_after(conversation.id, 0):
                    if m.client_id == client_id and m.author_kind == author_kind:
                        return m
            raise ConversationClosed("This chat has ended.")
        message, created = await self.store.append_message(
            conversation.id,
            author_kind=author_kind,
            author_id=author_id,
            author_name=author_name,
            text=text,
            client_id=client_id,
            now=self.clock.now(),
        )
        if created:
            await self._broadcast_message(conversation.id, message)
        return message

    async def _broadcast_message(self, conversation_id: str, message: Message) -> None:
        payload = {"message": serializers.message(message)}
        await self.events.to_visitor(conversation_id, "message:new", payload)
        current = await self.store.get_conversation(conversation_id)
        await self.events.to_staff(conversation_id, current.agent_id if current else None, "message:new", payload)

    async def resume(self, conversation: Conversation, after_seq: int) -> list[Message]:
        return await self.store.messages_after(conversation.id, after_seq)

    async def typing(self, conversation: Conversation, *, by: str, typing: bool) -> None:
        if not conversation.is_open:
            raise ConversationClosed("This chat has ended.")
        payload = {"conversation_id": conversation.id, "typing": typing}
        if by == "agent":
            await self.events.to_visitor(conversation.id, "typing", payload)
        else:
            await self.events.to_staff(conversation.id, conversation.agent_id, "typing", payload)

    # -- closing and rating --------------------------------------------------------------------
    async def close(self, conversation: Conversation, *, by: str, outcome: str | None = None) -> bool:
        """Idempotent: closing a closed chat is a no-op (returns False). Frees the agent's slot,
        lets them breathe if configured, and refills the queue."""
        if not await self.store.close_conversation(conversation.id, by, self.clock.now(), outcome):
            return False
        agent_id = await self.queue.release(conversation.id) or conversation.agent_id
        if agent_id and by == "agent" and self.breathing_time_s:
            await self.queue.rest(agent_id, self.clock.now_ms() + self.breathing_time_s * 1000)
        payload = {"conversation_id": conversation.id, "closed_by": by}
        await self.events.to_visitor(conversation.id, "chat:closed", payload)
        await self.events.to_staff(conversation.id, agent_id, "chat:closed", payload)
        await self.dispatch()
        return True

    async def rate(self, conversation: Conversation, score: int, comment: str | None) -> Rating:
        if conversation.is_open:
            raise NotClosed("A chat can be rated once it has ended.")
        rating = await self.store.add_rating(conversation.id, score, comment, self.clock.now())
        if conversation.agent_id:
            await self.events.to_agent(
                conversation.agent_id,
                "chat:rated",
                {"conversation_id": conversation.id, "rating": serializers.rating(rating)},
            )
        return rating

    # -- agent presence ------------------------------------------------------------------------
    async def agent_status(self, agent: Agent) -> str:
        status = await self.redis.get(self.keys.agent_status(agent.id))
        return status.decode() if status else "offline"

    async def agent_connected(self, agent: Agent, sid: str) -> str:
        """A console connected: restore the status the agent chose before a reload."""
        await self.redis.sadd(self.keys.agent_sockets(agent.id), sid)
        await self.redis.zrem(self.keys.gone, agent.id)
        status = await self.agent_status(agent)
        if status == "online":
            await self._go_online(agent)
        return status

    async def agent_disconnected(self, agent: Agent, sid: str) -> None:
        """The last console closed: take no new chats (open ones stay with the agent)."""
        key = self.keys.agent_sockets(agent.id)
        await self.redis.srem(key, sid)
        if await self.redis.scard(key) == 0:
            await self.queue.set_unavailable(agent.id)
            await self.redis.zadd(self.keys.gone, {agent.id: self.clock.now_ms()})

    async def sweep_gone_agents(self) -> list[str]:
        """Agents whose consoles have been gone longer than the grace period become away and
        their open chats go back to the head of the queue, transcript intact. Safe to run in every
        process: ZREM decides which process handles each agent."""
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
                await self.requeue(conversation, "Your agent had to step away. You are first in line for the"
                                   " next available agent, and they will see the whole conversation.")
            handled.append(agent_id)
        if handled:
            await self.dispatch()
        return handled

    async def requeue(self, conversation: Conversation, system_text: str) -> None:
        """Back to the head of the queue with its transcript; the visitor is told why."""
        if not await self.store.requeue_conversation(conversation.id):
            return
        await self.queue.release(conversation.id)
        await self.queue.enqueue(conversation.id, front=True)
        message = await self.system_message(conversation.id, system_text)
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(message)})
        if conversation.agent_id:
            await self.events.to_agent(conversation.agent_id, "chat:removed", {"conversation_id": conversation.id})

    async def set_agent_status(self, agent: Agent, status: str) -> None:
        await self.redis.set(self.keys.agent_status(agent.id), status)
        if status == "online":
            await self._go_online(agent)
        else:
            await self.queue.set_unavailable(agent.id)
        await self.events.to_agent(agent.id, "status", {"status": status})

    async def _go_online(self, agent: Agent) -> None:
        open_chats = await self.store.count_open_for_agent(agent.id)
        await self.queue.set_online(agent.id, agent.capacity or self.default_capacity, open_chats)
        await self.dispatch()

    async def agent_state(self, agent: Agent, status: str) -> dict[str, object]:
        conversations = await self.store.list_open_for_agent(agent.id)
        return {
            "agent": serializers.agent(agent, status=status, capacity=agent.capacity or self.default_capacity),
            "conversations": [serializers.conversation_for_agent(c) for c in conversations],
        }

    # -- assignment ----------------------------------------------------------------------------
    async def dispatch(self) -> list[Assignment]:
        """Pair waiting visitors with free agents, record it, tell both sides, refresh positions."""
        async with self._dispatch_lock:
            made = await self.queue.assign(self.clock.now_ms())
            for assignment in made:
                await self._complete(assignment)
            await self._send_positions()
        return made

    async def system_message(self, conversation_id: str, text: str) -> Message:
        """A line in the transcript written by the product (joins, hand-overs), not by a person."""
        message, _ = await self.store.append_message(
            conversation_id, author_kind="system", author_id=None, author_name=None, text=text,
            client_id=None, now=self.clock.now(),
        )
        return message

    async def _complete(self, assignment: Assignment) -> None:
        agent = await self.store.get_agent(assignment.agent_id)
        recorded = agent is not None and await self.store.assign_conversation(
            assignment.conversation_id, assignment.agent_id, self.clock.now()
        )
        if not recorded or agent is None:
            # Closed while it waited (or the agent vanished): give the slot back.
            await self.queue.release(assignment.conversation_id)
            return
        joined = await self.system_message(assignment.conversation_id, f"{agent.name} joined the chat.")
        conversation = await self.store.get_conversation(assignment.conversation_id, with_messages=True)
        assert conversation is not None
        await self.events.to_agent(
            agent.id, "chat:assigned", {"conversation": serializers.conversation_for_agent(conversation)}
        )
        await self.events.to_visitor(
            conversation.id, "chat:assigned", {"conversation_id": conversation.id, "agent": {"name": agent.name}}
        )
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(joined)})

    async def _send_positions(self) -> None:
        """Tell each waiting visitor their place, only when it (or the estimate) changed."""
        statuses = await self.queue.statuses()
        for conversation_id in list(self._positions_sent):
            if conversation_id not in statuses:
                del self._positions_sent[conversation_id]
        for conversation_id, status in statuses.items():
            key = (status.position, status.estimated_wait_s)
            if self._positions_sent.get(conversation_id) == key:
                continue
            self._positions_sent[conversation_id] = key
            await self.events.to_visitor(
                conversation_id, "queue:update", {"conversation_id": conversation_id, **status.as_dict()}
            )

    async def reconcile(self) -> int:
        """Redis may have lost the line (restart without persistence): put back every conversation
        the database says is waiting. Returns how many were re-queued."""
        count = 0
        for conversation_id in await self.store.list_queued_ids():
            agent_id = await self.queue.assigned_agent(conversation_id)
            if agent_id:
                # The queue decided but the process died before the database heard of it.
                await self._complete(Assignment(conversation_id, agent_id))
            elif await self.queue.position(conversation_id) is None:
                await self.queue.enqueue(conversation_id)
                count += 1
        return count
