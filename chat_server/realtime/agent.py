"""The ``/agent`` namespace: the agent console."""

from __future__ import annotations

from typing import Any

import socketio

from .. import serializers, validation
from ..config import Settings
from ..errors import Forbidden, InvalidPayload, InvalidStatus, Unauthorized
from ..models import Agent
from ..services.assistant import AssistantService
from ..services.auth import AuthService
from ..services.canned import CannedService
from ..errors import RateLimited
from ..security.addresses import environ_ip
from ..security.ratelimit import RateLimiter
from ..services.chat import ChatService
from ..services.presence import AGENT_STATUSES, Presence
from ..services.router import Router
from ..services.team import TeamService
from .agent_canned import CannedEvents
from .staff_auth import authenticate_staff
from .base import ChatNamespace, event
from .events import AGENT_NS, MANAGERS_ROOM, agent_room, watch_room

OUTCOMES = ("resolved", "follow_up")

class AgentNamespace(CannedEvents, ChatNamespace):
    def __init__(
        self, *, chat: ChatService, team: TeamService, presence: Presence, router: Router, auth: AuthService,
        limiter: RateLimiter, settings: Settings, canned: CannedService, assistant: AssistantService,
    ) -> None:
        super().__init__(AGENT_NS)
        self.limiter = limiter
        self.chat = chat
        self.team = team
        self.presence = presence
        self.router = router
        self.auth = auth
        self.settings = settings
        self.canned = canned
        self.assistant = assistant

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            await self.limiter.hit(self.limiter.limits.connections_ip, environ_ip(environ, self.settings.trust_proxy))
        except RateLimited as exc:
            raise socketio.exceptions.ConnectionRefusedError("rate_limited", exc.extra) from exc
        agent = await authenticate_staff(self.auth, environ, auth)
        await self.save_session(sid, {"agent": agent})
        await self.enter_room(sid, agent_room(agent.id))
        if agent.is_manager:
            await self.enter_room(sid, MANAGERS_ROOM)
        status = await self.presence.agent_connected(agent, sid)
        await self.emit("agent:state", await self.chat.agent_state(agent, status), to=sid)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        session = await self.get_session(sid)
        if session and session.get("agent"):
            await self.presence.agent_disconnected(session["agent"], sid)

    async def _agent(self, sid: str) -> Agent:
        session = await self.get_session(sid)
        agent = session.get("agent") if session else None
        if agent is None:
            raise Unauthorized("Sign in first.")
        return agent

    @event("status:set")
    async def set_status(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        status = validation.choice(data, "status", AGENT_STATUSES, InvalidStatus)
        await self.presence.set_agent_status(agent, status)
        return {"status": status}

    @event("message:send")
    async def send(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        await self.limiter.hit(self.limiter.limits.messages, agent.id)
        conversation_id = validation.conversation_id(data)
        text = validation.text(data, "text", max_length=self.settings.max_message_length)
        client_id = validation.client_id(data)
        assert text is not None
        message = await self.chat.send_from_agent(agent, conversation_id, text=text, client_id=client_id,
                                                  sender_sid=sid)
        return {"message": serializers.message(message)}

    @event("chat:resume")
    async def resume(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        after_seq = validation.integer(data, "after_seq", minimum=0, maximum=2**31)
        conversation = await self.chat.agent_conversation(agent, conversation_id)
        messages = await self.chat.resume(conversation, after_seq or 0)
        return {"messages": [serializers.message(m) for m in messages], "status": conversation.status}

    @event("typing")
    async def typing(self, sid: str, data: dict[str, Any]) -> None:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        typing = validation.boolean(data, "typing")
        conversation = await self.chat.agent_conversation(agent, conversation_id)
        await self.chat.typing(conversation, by="agent", typing=typing)

    @event("chat:close")
    async def close(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        outcome = validation.choice(data, "outcome", OUTCOMES, InvalidPayload) if "outcome" in data else "resolved"
        due_date = validation.date(data, "due_date")
        note = validation.text(data, "note", max_length=self.settings.max_message_length, required=False)
        conversation = await self.chat.agent_conversation(agent, conversation_id, write=True)
        follow_up = await self.team.close_with_outcome(
            agent, conversation, outcome=outcome, due_date=due_date, note=note, sid=sid
        )
        return {"follow_up": serializers.follow_up(follow_up) if follow_up else None}

    @event("chat:accept")
    async def accept(self, sid: str, data: dict[str, Any]) -> None:
        """Take an offered chat (or, for an overdue broadcast chat, the first to accept wins)."""
        agent = await self._agent(sid)
        await self.router.accept(agent, validation.conversation_id(data))

    @event("chat:decline")
    async def decline(self, sid: str, data: dict[str, Any]) -> None:
        agent = await self._agent(sid)
        await self.router.decline(agent, validation.conversation_id(data))

    @event("offline:claim")
    async def claim_offline(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """Answer a message left while the team was away."""
        agent = await self._agent(sid)
        conversation = await self.chat.agent_conversation(agent, validation.conversation_id(data))
        claimed = await self.chat.claim_offline(agent, conversation)
        return {"conversation": serializers.conversation_for_agent(claimed)}

    @event("offline:list")
    async def list_offline(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """The offline inbox again, after an `offline:changed` poke."""
        agent = await self._agent(sid)
        return {"offline": [serializers.conversation_for_agent(c) for c in await self.chat.offline_inbox(agent)]}

    @event("note:add")
    async def add_note(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        text = validation.text(data, "text", max_length=self.settings.max_message_length)
        conversation = await self.chat.agent_conversation(agent, conversation_id, write=not agent.is_manager)
        assert text is not None
        note = await self.team.add_note(agent, conversation, text)
        return {"note": serializers.note(note)}

    @event("chat:transfer")
    async def transfer(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        to_agent_id = validation.agent_id(data, "to_agent_id")
        note = validation.text(data, "note", max_length=self.settings.max_message_length, required=False)
        conversation = await self.chat.agent_conversation(agent, conversation_id, write=True)
        target = await self.team.transfer(agent, conversation, to_agent_id=to_agent_id, note=note)
        return {"agent": {"id": target.id, "name": target.name}}

    @event("chat:detail")
    async def detail(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """Transcript, notes and the visitor's earlier chats, for the visitor panel."""
        agent = await self._agent(sid)
        conversation = await self.chat.agent_conversation(agent, validation.conversation_id(data))
        return {"conversation": await self.team.conversation_detail(conversation)}

    @event("chat:watch")
    async def watch(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """Managers follow any chat live, read-only (they can whisper with note:add)."""
        agent = await self._agent(sid)
        if not agent.is_manager:
            raise Forbidden("Only managers can supervise chats.")
        conversation = await self.chat.agent_conversation(agent, validation.conversation_id(data))
        await self.enter_room(sid, watch_room(conversation.id))
        return {"conversation": await self.team.conversation_detail(conversation)}

    @event("chat:unwatch")
    async def unwatch(self, sid: str, data: dict[str, Any]) -> None:
        await self._agent(sid)
        await self.leave_room(sid, watch_room(validation.conversation_id(data)))
