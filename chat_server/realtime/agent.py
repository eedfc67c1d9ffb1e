"""The ``/agent`` namespace: the agent console."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import socketio

from .. import serializers, validation
from ..config import Settings
from ..errors import InvalidStatus, Unauthorized
from ..models import Agent
from ..services.assistant import AssistantService
from ..services.auth import AuthService
from ..services.canned import CannedService
from ..services.chat import AGENT_STATUSES, ChatService
from .agent_canned import CannedEvents
from .base import ChatNamespace, event
from .events import AGENT_NS, agent_room

SESSION_COOKIE = "chat_session"


def cookie_token(environ: dict[str, Any]) -> str | None:
    raw = environ.get("HTTP_COOKIE")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None


class AgentNamespace(CannedEvents, ChatNamespace):
    def __init__(
        self, chat: ChatService, auth: AuthService, settings: Settings, *,
        canned: CannedService, assistant: AssistantService,
    ) -> None:
        super().__init__(AGENT_NS)
        self.chat = chat
        self.auth = auth
        self.settings = settings
        self.canned = canned
        self.assistant = assistant

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            # Browsers attach cookies to cross-site websocket handshakes too; only our own pages may.
            origin = environ.get("HTTP_ORIGIN")
            if origin and origin.split("://", 1)[-1] != environ.get("HTTP_HOST"):
                raise socketio.exceptions.ConnectionRefusedError("unauthorized")
            token = cookie_token(environ)
        try:
            agent = await self.auth.authenticate(token)
        except Unauthorized as exc:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from exc
        await self.save_session(sid, {"agent": agent})
        await self.enter_room(sid, agent_room(agent.id))
        status = await self.chat.agent_connected(agent, sid)
        await self.emit("agent:state", await self.chat.agent_state(agent, status), to=sid)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        session = await self.get_session(sid)
        if session and session.get("agent"):
            await self.chat.agent_disconnected(session["agent"], sid)

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
        await self.chat.set_agent_status(agent, status)
        return {"status": status}

    @event("message:send")
    async def send(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        agent = await self._agent(sid)
        conversation_id = validation.conversation_id(data)
        text = validation.text(data, "text", max_length=self.settings.max_message_length)
        client_id = validation.client_id(data)
        conversation = await self.chat.agent_conversation(agent, conversation_id)
        assert text is not None
        message = await self.chat.send_message(
            conversation, author_kind="agent", author_id=agent.id, author_name=agent.name, text=text,
            client_id=client_id,
        )
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
    async def close(self, sid: str, data: dict[str, Any]) -> None:
        agent = await self._agent(sid)
        conversation = await self.chat.agent_conversation(agent, validation.conversation_id(data))
        await self.chat.close(conversation, by="agent")
