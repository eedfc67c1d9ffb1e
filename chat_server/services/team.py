"""Team workflow around a conversation: internal notes, transfers, follow-ups, the visitor's
history and search. The rules follow the support articles: the customer never repeats themselves
to a second agent (the transcript and a handover note travel with a transfer), and a promise comes
with a due date that is tracked until done."""

from __future__ import annotations

from dataclasses import dataclass

from .. import serializers
from ..clock import Clock
from ..errors import Conflict, ConversationClosed, Forbidden, InvalidPayload, NotFound
from ..models import Agent, Conversation, FollowUp, Note
from ..realtime.events import Events
from ..store import Store
from . import system_lines
from .chat import ChatService

TRANSFER_ERRORS = {
    0: "This chat is no longer assigned to you.",
    -1: "That agent is not online.",
    -2: "That agent has no free slot right now.",
}


@dataclass(frozen=True)
class SearchFilters:
    q: str | None = None
    visitor_email: str | None = None
    agent_id: str | None = None
    from_ts: float | None = None
    to_ts: float | None = None


class TeamService:
    def __init__(self, store: Store, chat: ChatService, events: Events, clock: Clock) -> None:
        self.store = store
        self.chat = chat
        self.events = events
        self.clock = clock

    async def add_note(self, author: Agent, conversation: Conversation, text: str) -> Note:
        """A note by the assigned agent, or a manager's whisper; only staff ever receive it."""
        kind = "note" if conversation.agent_id == author.id or not author.is_manager else "whisper"
        note = await self.store.add_note(conversation.id, author, kind, text, self.clock.now())
        await self.events.to_staff(
            conversation.id, conversation.agent_id, "note:new",
            {"conversation_id": conversation.id, "note": serializers.note(note)},
        )
        return note

    async def conversation_detail(self, conversation: Conversation) -> dict[str, object]:
        """Everything an agent needs to pick up a chat: transcript, notes, earlier chats."""
        full = await self.store.get_conversation(conversation.id, with_messages=True)
        assert full is not None
        history = await self.store.visitor_history(full.visitor_id, full.visitor_email, full.id)
        return {
            **serializers.conversation_for_agent(full),
            "notes": [serializers.note(n) for n in await self.store.list_notes(full.id)],
            "history": [serializers.conversation_for_agent(c) for c in history],
        }

    async def transfer(
        self, agent: Agent, conversation: Conversation, *, to_agent_id: str | None, note: str | None
    ) -> Agent:
        """Hand a chat to another online agent with a free slot; the visitor keeps the conversation."""
        if not conversation.is_open:
            raise ConversationClosed("This chat has ended.")
        if not to_agent_id:
            raise InvalidPayload("Say who receives the chat: 'to_agent_id'.")
        target = await self.store.get_agent(to_agent_id)
        if target is None or target.disabled:
            raise NotFound("No such agent.")
        if target.id == agent.id:
            raise InvalidPayload("The chat is already yours.")
        outcome = await self.chat.queue.transfer(conversation.id, agent.id, target.id)
        if outcome != 1:
            raise Conflict(TRANSFER_ERRORS[outcome])
        if not await self.store.transfer_conversation(conversation.id, agent.id, target.id, self.clock.now()):
            await self.chat.queue.transfer(conversation.id, target.id, agent.id)  # undo the Redis half
            raise Conflict(TRANSFER_ERRORS[0])
        if note:
            await self.store.add_note(conversation.id, agent, "handover", note, self.clock.now())
        line = system_lines.render("transferred", conversation.language, name=target.name)
        joined = await self.chat.router.system_message(conversation.id, line)
        detail = await self.conversation_detail(conversation)
        await self.events.to_agent(target.id, "chat:assigned", {"conversation": detail, "transferred_from": agent.name})
        await self.events.to_agent(agent.id, "chat:removed", {"conversation_id": conversation.id})
        await self.events.to_visitor(
            conversation.id, "chat:assigned", {"conversation_id": conversation.id, "agent": {"name": target.name}}
        )
        await self.events.to_visitor(conversation.id, "message:new", {"message": serializers.message(joined)})
        return target

    async def close_with_outcome(
        self, agent: Agent, conversation: Conversation, *, outcome: str, due_date: str | None, note: str | None,
        sid: str | None = None,
    ) -> FollowUp | None:
        follow_up = None
        if outcome == "follow_up":
            if not due_date:
                raise InvalidPayload("A follow-up needs a 'due_date' (YYYY-MM-DD).", field="due_date")
            if not conversation.is_open:
                raise ConversationClosed("This chat has ended.")
        closed = await self.chat.close(conversation, by="agent", outcome=outcome, staff_sid=sid)
        if closed and outcome == "follow_up" and due_date:
            follow_up = await self.store.create_follow_up(conversation.id, agent.id, due_date, note, self.clock.now())
        return follow_up

    async def follow_ups(self, agent: Agent, *, include_done: bool) -> list[FollowUp]:
        return await self.store.list_follow_ups(agent.id, include_done=include_done)

    async def complete_follow_up(self, agent: Agent, follow_up_id: str) -> FollowUp:
        follow_up = await self.store.get_follow_up(follow_up_id)
        if follow_up is None or not (agent.is_manager or follow_up.agent_id == agent.id):
            raise NotFound("No such follow-up.")
        if follow_up.done_at is not None:
            raise Conflict("This follow-up is done already.")
        if not await self.store.complete_follow_up(follow_up_id, agent.id, self.clock.now()):
            raise Conflict("This follow-up is done already.")
        done = await self.store.get_follow_up(follow_up_id)
        assert done is not None
        return done

    async def search(self, agent: Agent, filters: SearchFilters) -> list[Conversation]:
        if filters.agent_id and not agent.is_manager and filters.agent_id != agent.id:
            raise Forbidden("Agents can search only their own conversations.")
        return await self.store.search_conversations(
            q=filters.q, visitor_email=filters.visitor_email, agent_id=filters.agent_id,
            visible_to=None if agent.is_manager else agent.id, from_ts=filters.from_ts, to_ts=filters.to_ts,
        )
