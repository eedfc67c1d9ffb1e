"""Conversations: starting (and routing), messaging, closing and rating.

Transports (socket namespaces, HTTP views) validate input and call these methods; these methods
own the rules and emit what the other side must see.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .. import serializers
from ..clock import Clock
from ..config import Settings
from ..departments import Department
from ..errors import (
    AlreadyActive,
    ConversationClosed,
    ConversationNotFound,
    InvalidPayload,
    NotClosed,
    RatingExpired,
)
from ..ids import hash_secret, new_secret
from ..models import Agent, Appended, Conversation, Message, Rating, Visitor, WriteGuard
from ..realtime.events import Events
from ..routing.queue import Queue, QueueStatus
from ..store import Store
from .mailer import Mailer
from .presence import Presence
from .router import Router
from .survey import SurveyAnswer


@dataclass(frozen=True)
class StartRequest:
    text: str
    name: str | None = None
    email: str | None = None
    page_url: str | None = None
    client_id: str | None = None
    department: str | None = None
    language: str | None = None
    vip: bool = False
    page_title: str | None = None
    timezone: str | None = None
    user_agent: str | None = None


def fill(template: str, values: dict[str, str]) -> str:
    """Fill placeholders; an empty one takes its leading comma with it ("Thanks, {visitor.name}!"
    becomes "Thanks!"), so a missing name never leaves a gap."""
    for key, value in values.items():
        if not value:
            template = re.sub(r",?\s*\{" + re.escape(key) + r"\}", "", template)
        template = template.replace("{" + key + "}", value)
    return template


class ChatService:
    def __init__(
        self, *, store: Store, queue: Queue, router: Router, presence: Presence, events: Events, clock: Clock,
        settings: Settings, mailer: Mailer,
    ) -> None:
        self.store = store
        self.queue = queue
        self.router = router
        self.presence = presence
        self.events = events
        self.clock = clock
        self.settings = settings
        self.mailer = mailer
        self.default_capacity = settings.agent_capacity
        self.rating_scale = settings.rating_scale
        self.rating_window_s = settings.rating_window_hours * 3600

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
            return visitor, token, None  # brand new: no conversation to look for
        assert isinstance(token, str)
        conversation = await self.store.find_visitor_conversation(visitor.id)
        if conversation is not None and not conversation.is_open and not self._can_rate(conversation):
            conversation = None  # an unrated chat is offered for rating only within the window
        return visitor, token, conversation

    def rating_scale_for(self, conversation: Conversation | None) -> str:
        """The survey's scale: the conversation's department may set its own (rating_scale)."""
        department = self.settings.department(conversation.department) if conversation else None
        return (department.rating_scale if department else "") or self.rating_scale

    def survey_question_for(self, conversation: Conversation | None) -> dict[str, object] | None:
        """The survey's optional extra question for this chat's department, as the widget draws it."""
        question = self.settings.survey_question_for(conversation.department if conversation else None)
        return question.public() if question else None

    def _can_rate(self, conversation: Conversation) -> bool:
        return self.clock.now() - (conversation.closed_at or 0.0) <= self.rating_window_s

    def language_for(self, requested: str | None) -> str:
        return requested if requested in self.settings.languages else self.settings.default_language

    async def open_conversation(self, visitor: Visitor, request: StartRequest) -> Conversation:
        """Create the conversation with its first message, routed to a department, in 'offline'
        state when that department is closed or none of its agents is online. A retried start
        (same client_id) returns the conversation the first attempt made."""
        current = await self.store.find_visitor_conversation(visitor.id)
        if current is not None and current.is_open:
            first = current.messages[0] if current.messages else None
            if request.client_id and first is not None and first.client_id == request.client_id:
                return current
            raise AlreadyActive("You already have an open chat.", conversation_id=current.id)
        department = self.settings.department(request.department)
        if department is None:
            raise InvalidPayload("Unknown department.", field="department")
        available = department.is_open(self.clock.now()) and (
            self.settings.queue_when_unstaffed or await self.queue.serves(department.key))
        returning = await self.store.count_earlier_conversations(visitor.id, request.email) > 0
        priority = max([1] + [r.priority for r in self.settings.priority_rules
                              if r.matches(returning=returning, page_url=request.page_url, vip=request.vip)])
        return await self.store.create_conversation(
            visitor_id=visitor.id, name=request.name, email=request.email, page_url=request.page_url,
            first_text=request.text, client_id=request.client_id, now=self.clock.now(),
            context={
                "page_title": request.page_title, "timezone": request.timezone, "user_agent": request.user_agent,
                "department": department.key, "language": self.language_for(request.language),
                "priority": priority, "status": "queued" if available else "offline",
            },
        )

    async def enqueue(self, conversation: Conversation) -> tuple[str, QueueStatus | None]:
        """Put a new conversation in line, try to assign at once, and answer automatically with a
        time frame; returns (status, queue)."""
        department = self.settings.department(conversation.department) or self.settings.departments[0]
        if conversation.status == "offline":
            await self._autoreply(conversation, department, "offline_reply", None)
            await self.events.to_managers("queue:changed", {"conversation_id": conversation.id, "status": "offline"})
            await self._offline_changed()
            return "offline", None
        if conversation.status == "queued":
            await self.queue.enqueue(
                conversation.id, department=department.key, language=conversation.language or "",
                priority=conversation.priority, now_ms=self.clock.now_ms(),
            )
            await self.router.dispatch()
        fresh = await self.store.get_conversation(conversation.id)
        assert fresh is not None
        queue = await self.queue_status(fresh)
        if fresh.status == "queued" and fresh.last_seq == 1:
            await self._autoreply(fresh, department, "autoreply", queue)
            await self.events.to_managers("queue:changed", {"conversation_id": fresh.id, "status": "queued"})
        return fresh.status, queue

    async def _autoreply(
        self, conversation: Conversation, department: Department, which: str, queue: QueueStatus | None
    ) -> None:
        template = department.text(which, conversation.language or "", self.settings.default_language)
        wait = queue.estimated_wait_s if queue else self.settings.default_handle_time_s
        text = fill(template, {
            "visitor.name": conversation.visitor_name or "", "company": self.settings.company_name,
            "wait_minutes": str(max(1, math.ceil(wait / 60))), "answer_within_h": str(department.answer_within_h),
        })
        message = await self.router.system_message(conversation.id, text)
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(message)})

    def line_department(self, conversation: Conversation) -> str:
        """The department whose line a conversation waits in (enqueue's fallback included)."""
        department = self.settings.department(conversation.department) or self.settings.departments[0]
        return department.key

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
        """Managers read every conversation; an agent reads those they took part in (and offline
        messages waiting for an answer) and writes only to the one currently assigned to them.
        Anything else is indistinguishable from absent."""
        conversation = await self.store.get_conversation(conversation_id, with_messages=with_messages)
        if conversation is None:
            raise ConversationNotFound()
        if conversation.agent_id == agent.id:
            return conversation
        readable = agent.is_manager or await self.store.took_part(conversation_id, agent.id) or (
            conversation.status == "offline" and self._answers(agent, conversation.department))
        if write or not readable:
            raise ConversationNotFound()
        return conversation

    @staticmethod
    def _answers(agent: Agent, department: str | None) -> bool:
        return not agent.departments or department in agent.departments

    async def offline_inbox(self, agent: Agent) -> list[Conversation]:
        return await self.store.list_offline(() if agent.is_manager else agent.departments)

    async def claim_offline(self, agent: Agent, conversation: Conversation) -> Conversation:
        """Answer a message left while the team was away: it becomes this agent's chat."""
        if not await self.store.claim_offline(conversation.id, agent.id, self.clock.now()):
            raise ConversationClosed("This message has been answered already.")
        await self.queue.attach(conversation.id, agent.id)
        fresh = await self.store.get_conversation(conversation.id, with_messages=True)
        assert fresh is not None
        await self.events.to_agent(agent.id, "chat:assigned", {"conversation": serializers.conversation_for_agent(fresh)})
        await self.events.to_visitor(conversation.id, "chat:assigned", {"conversation_id": fresh.id,
                                                                          "agent": {"name": agent.name}})
        await self.events.to_managers("queue:changed", {"conversation_id": fresh.id, "status": "assigned"})
        await self._offline_changed()
        return fresh

    async def _offline_changed(self) -> None:
        """Open consoles refetch their offline inbox (`offline:list`). The poke carries no content:
        which messages an agent may read depends on their departments, checked on the fetch."""
        await self.events.to_all_agents("offline:changed", {})

    # -- messages ------------------------------------------------------------------------------
    async def send_message(
        self, conversation: Conversation, *, author_kind: str, author_id: str | None, author_name: str | None,
        text: str, client_id: str | None, sender_sid: str | None = None,
    ) -> Message:
        """``sender_sid``: the socket that sent it gets the message in its ack, so the
        ``message:new`` to its room skips it (the sender's other tabs still get it)."""
        if not conversation.is_open:
            # A resend of something stored before the close is still answered with the original.
            if client_id:
                for m in await self.store.messages_after(conversation.id, 0):
                    if m.client_id == client_id and m.author_kind == author_kind:
                        return m
            raise ConversationClosed("This chat has ended.")
        message, created, agent_id = await self.store.append_message(
            conversation.id, author_kind=author_kind, author_id=author_id, author_name=author_name, text=text,
            client_id=client_id, now=self.clock.now(),
        )
        if created:
            await self._sent(Appended(message, created, agent_id, conversation.visitor_name, conversation.visitor_email,
                                      conversation.was_offline), sender_sid)
        return message

    async def send_from_visitor(self, visitor: Visitor, conversation_id: str, *, text: str, client_id: str | None,
                                sender_sid: str | None = None) -> Message:
        """A visitor's message, checked and stored in one transaction (the common case: their own
        open chat); anything else goes through the full check, which says what is wrong."""
        return await self._send_guarded(
            WriteGuard("visitor_id", visitor.id), conversation_id, "visitor", None, text, client_id, sender_sid,
            lambda: self.visitor_conversation(visitor, conversation_id))

    async def send_from_agent(self, agent: Agent, conversation_id: str, *, text: str, client_id: str | None,
                              sender_sid: str | None = None) -> Message:
        """An agent writes only to the chat assigned to them (``agent_conversation(write=True)``),
        checked inside the append's transaction; anything else takes the full check."""
        return await self._send_guarded(
            WriteGuard("agent_id", agent.id), conversation_id, "agent", agent.name, text, client_id, sender_sid,
            lambda: self.agent_conversation(agent, conversation_id, write=True))

    async def _send_guarded(
        self, guard: WriteGuard, conversation_id: str, author_kind: str, author_name: str | None, text: str,
        client_id: str | None, sender_sid: str | None, full_check: Callable[[], Awaitable[Conversation]],
    ) -> Message:
        appended = await self.store.append_guarded(
            conversation_id, guard, author_kind=author_kind, author_id=guard.value, author_name=author_name,
            text=text, client_id=client_id, now=self.clock.now())
        if appended is None:  # not theirs, closed or unknown: the full check raises or answers a resend
            conversation = await full_check()
            name = conversation.visitor_name if author_kind == "visitor" else author_name
            return await self.send_message(conversation, author_kind=author_kind, author_id=guard.value,
                                           author_name=name, text=text, client_id=client_id, sender_sid=sender_sid)
        if appended.created:
            await self._sent(appended, sender_sid)
        return appended.message

    async def _sent(self, appended: Appended, sender_sid: str | None) -> None:
        """Deliver a newly stored message; an answer to an offline message is also emailed to a
        visitor who is not on the site."""
        message = appended.message
        author_kind = message.author_kind
        await self._broadcast_message(message.conversation_id, message, appended.agent_id,
                                      visitor_sid=sender_sid if author_kind == "visitor" else None,
                                      staff_sid=sender_sid if author_kind == "agent" else None)
        if (author_kind == "agent" and appended.was_offline and appended.visitor_email
                and not await self.presence.visitor_present(message.conversation_id)):
            await self.mailer.send_answer(appended.visitor_email, appended.visitor_name, message.author_name or "",
                                          message.text)

    async def _broadcast_message(self, conversation_id: str, message: Message, agent_id: str | None, *,
                                 visitor_sid: str | None = None, staff_sid: str | None = None) -> None:
        """``agent_id`` as of the append's commit (see ``append_message``), not as loaded
        before it: an assignment or transfer in between must not leave the new agent without it.
        The sending socket (``*_sid``) is skipped: its ack carries the message."""
        payload = {"message": serializers.message(message)}
        await self.events.to_visitor(conversation_id, "message:new", payload, skip_sid=visitor_sid)
        await self.events.to_staff(conversation_id, agent_id, "message:new", payload, skip_sid=staff_sid)

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
    async def close(self, conversation: Conversation, *, by: str, outcome: str | None = None,
                    staff_sid: str | None = None) -> bool:
        """Idempotent: closing a closed chat is a no-op (returns False). Frees the agent's slot,
        lets them breathe if configured, and refills the queue. A visitor leaving before any agent
        joined is recorded as abandoned. ``staff_sid``: the console that closed it, told by its
        ack rather than by ``chat:closed`` (its other tabs and watching managers still hear it)."""
        if outcome is None and by == "visitor" and conversation.status in ("queued", "offline"):
            outcome = "abandoned"
        now = self.clock.now()
        if not await self.store.close_conversation(conversation.id, by, now, outcome):
            return False
        handled = ((conversation.department, now - conversation.assigned_at)
                   if conversation.assigned_at and conversation.department else None)
        agent_id = await self.queue.release(conversation.id, handled) or conversation.agent_id
        if agent_id and by == "agent" and self.settings.breathing_time_s:
            await self.queue.rest(agent_id, self.clock.now_ms() + self.settings.breathing_time_s * 1000)
        payload = {"conversation_id": conversation.id, "closed_by": by}
        await self.events.to_visitor(conversation.id, "chat:closed", {
            **payload, "rating_scale": self.rating_scale_for(conversation),
            "survey_question": self.survey_question_for(conversation),
        })
        await self.events.to_staff(conversation.id, agent_id, "chat:closed", payload, skip_sid=staff_sid)
        await self.events.to_managers("queue:changed", {"conversation_id": conversation.id, "status": "closed"})
        await self.router.dispatch()
        return True

    async def close_abandoned(self) -> list[str]:
        closed = []
        for conversation_id in await self.presence.abandoned():
            conversation = await self.store.get_conversation(conversation_id)
            if conversation and conversation.status == "queued" and await self.close(conversation, by="visitor"):
                closed.append(conversation_id)
        return closed

    async def rate(
        self, conversation: Conversation, score: int, comment: str | None, survey: SurveyAnswer | None = None
    ) -> Rating:
        """``score`` is already on the stored 1..5 axis (services/ratings.py); ``survey`` is the extra
        question's answer, already checked against the question (services/survey.py)."""
        if conversation.is_open:
            raise NotClosed("A chat can be rated once it has ended.")
        if not self._can_rate(conversation):
            raise RatingExpired("The time to rate this chat has passed.")
        rating = await self.store.add_rating(
            conversation.id, score, comment, self.clock.now(), scale=self.rating_scale_for(conversation), survey=survey
        )
        await self.events.to_managers("chat:rated", {"conversation_id": conversation.id})
        if conversation.agent_id:
            await self.events.to_agent(
                conversation.agent_id, "chat:rated",
                {"conversation_id": conversation.id, "rating": serializers.rating(rating)},
            )
        return rating

    async def agent_state(self, agent: Agent, status: str) -> dict[str, object]:
        conversations = await self.store.list_open_for_agent(agent.id)
        return {
            "agent": serializers.agent(agent, status=status, capacity=agent.capacity or self.default_capacity),
            "conversations": [serializers.conversation_for_agent(c) for c in conversations],
            "offline": [serializers.conversation_for_agent(c) for c in await self.offline_inbox(agent)],
        }
