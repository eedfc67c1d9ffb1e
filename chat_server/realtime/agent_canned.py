"""``/agent`` events of the canned-reply picker and the positive-language assistant, mixed into
``AgentNamespace`` (which provides ``_agent``, ``chat``, ``canned`` and ``assistant``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import validation
from ..errors import NotFound
from .base import event

if TYPE_CHECKING:
    from ..models import Agent
    from ..services.assistant import AssistantService
    from ..services.canned import CannedService
    from ..services.chat import ChatService


class CannedEvents:
    chat: ChatService
    canned: CannedService
    assistant: AssistantService

    async def _agent(self, sid: str) -> Agent:  # pragma: no cover - provided by AgentNamespace
        raise NotImplementedError

    @event("canned:used")
    async def canned_used(self, sid: str, data: dict[str, Any]) -> None:
        """The agent inserted a reply; ``conversation_id`` ties the use to that chat (and its rating)."""
        agent = await self._agent(sid)
        reply_id = data.get("canned_response_id")
        if not isinstance(reply_id, str) or not validation.ID_PATTERN.match(reply_id):
            if reply_id is None or reply_id == "":
                raise validation.MissingField("'canned_response_id' is required.", field="canned_response_id")
            raise NotFound("No such canned reply.")
        conversation_id = None
        if data.get("conversation_id") is not None:
            conversation = await self.chat.agent_conversation(agent, validation.conversation_id(data))
            conversation_id = conversation.id
        await self.canned.record_use(agent, reply_id, conversation_id)

    @event("assistant:feedback")
    async def assistant_feedback(self, sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """Batched counters from the console: suggestions shown, accepted with one key, ignored."""
        agent = await self._agent(sid)
        return {"recorded": await self.assistant.record_feedback(agent, data)}
