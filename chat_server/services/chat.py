"""Conversations: starting, messaging, assignment, closing and rating.

Transports (socket namespaces, HTTP views) validate input and call these methods; these methods
own the rules and emit what the other side must see.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import redis.asyncio as aioredis

from .. import serializers
from ..clock import Clock
from ..errors import AlreadyActive, ConversationClosed, ConversationNotFound, NotClosed, RatingExpired
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
        rating_scale: str = "stars5",
        rating_window_s: float = 72 * 3600,
    ) -> None:
        self.store = store
        self.queue = queue
        self.redis = redis
        self.keys = keys
        self.events = events
        self.clock = clock
        self.default_capacity = default_capacity
        self.rating_scale = rating_scale
        self.rating_window_s = rating_window_s
        # Called (synchronously, must not block) after the queue or agent availability changed:
        # the live dashboard listens here.
        self.on_change: list[Callable[[], None]] = []
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
        conversation = await self.store.find_visitor_conversation(visitor.id)
        if conversation is not None and not conversation.is_open and not self._can_rate(conversation):
            conversation = None  # an unrated chat is offered for rating only within the window
        return visitor, token, conversation

    def _can_rate(self, conversation: Conversation) -> bool:
        closed_at = conversation.closed_at or 0.0
        return self.clock.now() - closed_at <= self.rating_window_s

    async def open_conversation(
        self,
        visitor: Visitor,
        *,
        text: str,
        name: str | None,
        email: str | None,
        page_url: str | None,
        client_id: str | None,
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
        )

    async def enqueue(self, conversation: Conversation) -> tuple[str, QueueStatus | None]:
        """Put a new conversation in line and try to assign at once; returns (status, queue)."""
        if conversation.status == "queued":
            await self.queue.enqueue(conversation.id)
            await self.dispatch()
            self._changed()
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
    async def agent_conversation(self, agent: Agent, conversation_id: str, *, with_messages: bool = False) -> Conversation:
        """Managers see every conversation; an agent only those assigned to them."""
        conversation = await self.store.get_conversation(conversation_id, with_messages=with_messages)
        if conversation is None or not (agent.is_manager or conversation.agent_id == agent.id):
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
        if current is not None and current.agent_id:
            await self.events.to_agent(current.agent_id, "message:new", payload)

    async def resume(self, conversation: Conversation, after_seq: int) -> list[Message]:
        return await self.store.messages_after(conversation.id, after_seq)

    async def typing(self, conversation: Conversation, *, by: str, typing: bool) -> None:
        if not conversation.is_open:
            raise ConversationClosed("This chat has ended.")
        payload = {"conversation_id": conversation.id, "typing": typing}
        if by == "agent":
            await self.events.to_visitor(conversation.id, "typing", payload)
        elif conversation.agent_id:
            await self.events.to_agent(conversation.agent_id, "typing", payload)

    # -- closing and rating --------------------------------------------------------------------
    async def close(self, conversation: Conversation, *, by: str) -> None:
        """Idempotent: closing a closed chat is a no-op. Frees the agent's slot and refills it."""
        if not await self.store.close_conversation(conversation.id, by, self.clock.now()):
            return
        agent_id = await self.queue.release(conversation.id) or conversation.agent_id
        payload = {"conversation_id": conversation.id, "closed_by": by}
        await self.events.to_visitor(conversation.id, "chat:closed", payload)
        if agent_id:
            await self.events.to_agent(agent_id, "chat:closed", payload)
        await self.dispatch()
        self._changed()

    async def rate(self, conversation: Conversation, score: int, comment: str | None) -> Rating:
        """``score`` is already on the stored 1..5 axis (services/ratings.py)."""
        if conversation.is_open:
            raise NotClosed("A chat can be rated once it has ended.")
        if not self._can_rate(conversation):
            raise RatingExpired("The time to rate this chat has passed.")
        rating = await self.store.add_rating(
            conversation.id, score, comment, self.clock.now(), scale=self.rating_scale
        )
        self._changed()
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
            self._changed()

    async def set_agent_status(self, agent: Agent, status: str) -> None:
        await self.redis.set(self.keys.agent_status(agent.id), status)
        if status == "online":
            await self._go_online(agent)
        else:
            await self.queue.set_unavailable(agent.id)
        await self.events.to_agent(agent.id, "status", {"status": status})
        self._changed()

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
        if made:
            self._changed()
        return made

    def _changed(self) -> None:
        for listener in self.on_change:
            listener()

    async def _complete(self, assignment: Assignment) -> None:
        agent = await self.store.get_agent(assignment.agent_id)
        recorded = agent is not None and await self.store.assign_conversation(
            assignment.conversation_id, assignment.agent_id, self.clock.now()
        )
        if not recorded or agent is None:
            # Closed while it waited (or the agent vanished): give the slot back.
            await self.queue.release(assignment.conversation_id)
            return
        joined, _ = await self.store.append_message(
            assignment.conversation_id,
            author_kind="system",
            author_id=None,
            author_name=None,
            text=f"{agent.name} joined the chat.",
            client_id=None,
            now=self.clock.now(),
        )
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
