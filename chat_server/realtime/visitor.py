"""The ``/visitor`` namespace: the website widget."""

from __future__ import annotations

from typing import Any

import socketio

from .. import serializers, validation
from ..config import Settings
from ..errors import Unauthorized
from ..models import Conversation, Visitor
from ..services import ratings, survey
from ..services.chat import ChatService, StartRequest
from ..errors import RateLimited
from ..security.addresses import environ_ip
from ..security.ratelimit import RateLimiter
from ..services.presence import Presence
from .base import ChatNamespace, event
from .events import VISITOR_NS, line_room, visitor_room


class VisitorNamespace(ChatNamespace):
    def __init__(self, chat: ChatService, presence: Presence, limiter: RateLimiter, settings: Settings) -> None:
        super().__init__(VISITOR_NS)
        self.limiter = limiter
        self.chat = chat
        self.presence = presence
        self.settings = settings

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        ip = environ_ip(environ, self.settings.trust_proxy)
        try:
            await self.limiter.hit(self.limiter.limits.connections_ip, ip)
        except RateLimited as exc:
            raise socketio.exceptions.ConnectionRefusedError("rate_limited", exc.extra) from exc
        token = auth.get("visitor_token") if isinstance(auth, dict) else None
        visitor, token, conversation = await self.chat.visitor_session(token)
        user_agent = validation.clean_text(str(environ.get("HTTP_USER_AGENT", "")))[:300]
        await self.save_session(sid, {"visitor": visitor, "user_agent": user_agent, "ip": ip})
        current = None
        if conversation is not None:
            await self._follow(sid, conversation)
            current = serializers.conversation_for_visitor(
                conversation, await self.chat.queue_status(conversation)
            )
        await self.emit(
            "session",
            {
                "visitor_token": token,
                "conversation": current,
                "rating_scale": self.chat.rating_scale_for(conversation),
                "survey_question": self.chat.survey_question_for(conversation),
            },
            to=sid,
        )

    async def _follow(self, sid: str, conversation: Conversation) -> None:
        """Hear this conversation's events, and how its department's line moves (``queue:line``;
        the widget ignores it unless it is waiting)."""
        await self.enter_room(sid, visitor_room(conversation.id))
        await self.enter_room(sid, line_room(self.chat.line_department(conversation)))
        await self.presence.visitor_following(conversation.id, sid)
        session = await self.get_session(sid)
        session["conversation_id"] = conversation.id
        await self.save_session(sid, session)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        session = await self.get_session(sid)
        if session and session.get("conversation_id"):
            await self.presence.visitor_left(session["conversation_id"], sid)

    async def _visitor(self, sid: str) -> Visitor:
        session = await self.get_session(sid)
        visitor = session.get("visitor") if session else None
        if visitor is None:
            raise Unauthorized("Reconnect to start a session.")
        return visitor

    def _text(self, data: dict[str, Any]) -> str:
        text = validation.text(data, "text", max_length=self.settings.max_message_length)
        assert text is not None
        return text

    async def _spend(self, sid: str, visitor: Visitor, per_visitor: Any, per_ip: Any) -> None:
        await self.limiter.hit_each((per_visitor, visitor.id), (per_ip, (await self.get_session(sid)).get("ip", "")))

    @event("chat:start")
    async def start(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        visitor = await self._visitor(sid)
        limits = self.limiter.limits
        await self._spend(sid, visitor, limits.chats, limits.chats_ip)
        limit = self.settings.max_field_length
        text = self._text(data)
        name = validation.text(data, "name", max_length=limit, required=False)
        email = validation.email(data)
        page_url = validation.text(data, "page_url", max_length=2000, required=False)
        client_id = validation.client_id(data) if data.get("client_id") is not None else None
        request = StartRequest(
            text=text, name=name, email=email, page_url=page_url, client_id=client_id,
            department=validation.text(data, "department", max_length=40, required=False),
            language=validation.text(data, "language", max_length=10, required=False),
            vip=validation.boolean(data, "vip") if "vip" in data else False,
            page_title=validation.text(data, "page_title", max_length=limit, required=False),
            timezone=validation.text(data, "timezone", max_length=64, required=False),
            user_agent=(await self.get_session(sid)).get("user_agent") or None,
        )
        conversation = await self.chat.open_conversation(visitor, request)
        await self._follow(sid, conversation)
        status, queue = await self.chat.enqueue(conversation)
        return {
            "conversation_id": conversation.id,
            "status": status,
            "queue": queue.as_dict() if queue else None,
            "message": serializers.message(conversation.messages[0]),
        }

    @event("message:send")
    async def send(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        visitor = await self._visitor(sid)
        await self._spend(sid, visitor, self.limiter.limits.messages, self.limiter.limits.messages_ip)
        conversation_id = validation.conversation_id(data)
        text = self._text(data)
        client_id = validation.client_id(data)
        message = await self.chat.send_from_visitor(visitor, conversation_id, text=text, client_id=client_id,
                                                    sender_sid=sid)
        return {"message": serializers.message(message)}

    @event("chat:resume")
    async def resume(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        visitor = await self._visitor(sid)
        conversation_id = validation.conversation_id(data)
        after_seq = validation.integer(data, "after_seq", minimum=0, maximum=2**31)
        conversation = await self.chat.visitor_conversation(visitor, conversation_id)
        await self._follow(sid, conversation)
        messages = await self.chat.resume(conversation, after_seq or 0)
        queue = await self.chat.queue_status(conversation)
        return {
            "messages": [serializers.message(m) for m in messages],
            "status": conversation.status,
            "queue": queue.as_dict() if queue else None,
        }

    @event("typing")
    async def typing(self, sid: str, data: dict[str, Any]) -> None:
        visitor = await self._visitor(sid)
        conversation_id = validation.conversation_id(data)
        typing = validation.boolean(data, "typing")
        conversation = await self.chat.visitor_conversation(visitor, conversation_id)
        await self.chat.typing(conversation, by="visitor", typing=typing)

    @event("chat:end")
    async def end(self, sid: str, data: dict[str, Any]) -> None:
        visitor = await self._visitor(sid)
        conversation = await self.chat.visitor_conversation(visitor, validation.conversation_id(data))
        await self.chat.close(conversation, by="visitor")

    @event("chat:rate")
    async def rate(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        visitor = await self._visitor(sid)
        conversation_id = validation.conversation_id(data)
        comment = validation.text(data, "comment", max_length=self.settings.max_message_length, required=False)
        conversation = await self.chat.visitor_conversation(visitor, conversation_id)
        score = ratings.parse_score(self.chat.rating_scale_for(conversation), data)
        question = self.settings.survey_question_for(conversation.department)
        answer = survey.parse_answer(question, data)
        rating = await self.chat.rate(conversation, score, comment, answer)
        return {"rating": serializers.rating(rating)}
