"""Canned replies: who may see and change which reply, versioned edits, revert, usage and live updates.

Agents use global replies, their departments' replies (all of them if they belong to no department, as
in routing) and manage their own personal ones; managers manage everything.
"""

from __future__ import annotations

from typing import Any

from .. import validation
from ..canned_models import (
    Actor,
    AgentUsage,
    CannedDraft,
    CannedResponse,
    CannedVersion,
    ImportResult,
    draft_of,
)
from ..clock import Clock
from ..errors import Forbidden, NotFound
from ..models import Agent
from ..realtime.events import Events
from ..store.canned import CannedStore
from . import canned_fields as fields
from . import placeholders, text_diff
from .canned_search import search

CHANGED_EVENT = "canned:changed"


def actor(agent: Agent) -> Actor:
    return Actor(agent.id, agent.name)


def may_edit(agent: Agent, draft: CannedDraft) -> bool:
    return agent.is_manager or (draft.scope == "personal" and draft.owner_id == agent.id)


def may_see(agent: Agent, draft: CannedDraft) -> bool:
    """Department replies follow the routing rule: an agent with no departments answers (and sees) all."""
    if draft.scope == "department":
        return agent.is_manager or not agent.departments or draft.department in agent.departments
    return draft.scope != "personal" or may_edit(agent, draft)


class CannedService:
    def __init__(
        self, store: CannedStore, events: Events, clock: Clock, limits: fields.Limits, default_language: str
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.limits = limits
        self.default_language = default_language

    # -- reading -------------------------------------------------------------------------------
    async def list_for(
        self,
        agent: Agent,
        *,
        language: str | None = None,
        category: str | None = None,
        scope: str | None = None,
        q: str | None = None,
        unused: bool = False,
        everyone: bool = False,
        fallback: bool = True,
    ) -> list[CannedResponse]:
        """What the agent may use. With a language, shortcuts missing in it come from the default language
        (so a half-translated library still works); ``everyone`` (managers) adds other agents' personal replies."""
        if everyone and not agent.is_manager:
            raise Forbidden("Only managers can list other agents' personal replies.")
        items = await self.store.list(
            visible_to=None if everyone else agent.id, category=category, scope=scope
        )
        items = [i for i in items if everyone or may_see(agent, i)]
        if language is not None:
            items = self._in_language(items, language, fallback)
        if unused:
            items = [i for i in items if i.usage.count == 0]
        return search(items, q) if q else items

    def _in_language(
        self, items: list[CannedResponse], language: str, fallback: bool
    ) -> list[CannedResponse]:
        own = [i for i in items if i.language == language]
        if not fallback or language == self.default_language:
            return own
        covered = {i.shortcut for i in own}
        extra = [i for i in items if i.language == self.default_language and i.shortcut not in covered]
        return own + extra

    async def get_for(self, agent: Agent, reply_id: str, *, include_deleted: bool = False) -> CannedResponse:
        reply = await self.store.get(reply_id, include_deleted=include_deleted)
        if reply is None or not may_see(agent, reply):
            raise NotFound("No such canned reply.")
        return reply

    async def _editable(
        self, agent: Agent, reply_id: str, *, include_deleted: bool = False
    ) -> CannedResponse:
        reply = await self.get_for(agent, reply_id, include_deleted=include_deleted)
        if not may_edit(agent, reply):
            raise Forbidden("Only managers can change shared replies; you can edit your personal ones.")
        return reply

    async def history(self, agent: Agent, reply_id: str) -> list[tuple[CannedVersion, dict[str, object]]]:
        await self._editable(agent, reply_id, include_deleted=True)
        versions = await self.store.history(reply_id)
        out, previous = [], None
        for v in versions:
            out.append((v, text_diff.changes(previous, draft_of(v))))
            previous = draft_of(v)
        return out

    async def usage(self, agent: Agent, reply_id: str) -> tuple[CannedResponse, list[AgentUsage]]:
        reply = await self._editable(agent, reply_id, include_deleted=True)
        return reply, await self.store.usage_by_agent(reply_id)

    # -- writing -------------------------------------------------------------------------------
    async def create(self, agent: Agent, data: dict[str, Any]) -> CannedResponse:
        data = {**data, "scope": data.get("scope") or ("global" if agent.is_manager else "personal")}
        self._check_scope(agent, data["scope"])
        draft = fields.draft(data, self.limits, owner_id=agent.id)
        reply = await self.store.create(draft, by=actor(agent), now=self.clock.now())
        await self._announce("created", reply)
        return reply

    async def update(self, agent: Agent, reply_id: str, data: dict[str, Any]) -> CannedResponse:
        current = await self._editable(agent, reply_id)
        expected = validation.integer(data, "version", minimum=1, maximum=2**31, required=False)
        merged = fields.merged(current, data)
        self._check_scope(agent, merged["scope"])
        draft = fields.draft(merged, self.limits, owner_id=current.owner_id or agent.id)
        if draft.same_content(current) and expected in (None, current.version):
            return current
        reply = await self.store.update(
            reply_id, draft, by=actor(agent), now=self.clock.now(), expected_version=expected
        )
        await self._announce("updated", reply, previous=current)
        return reply

    async def delete(self, agent: Agent, reply_id: str) -> None:
        current = await self._editable(agent, reply_id)
        await self.store.delete(reply_id, by=actor(agent), now=self.clock.now())
        await self._announce("deleted", current)

    async def revert(self, agent: Agent, reply_id: str, data: dict[str, Any]) -> CannedResponse:
        """Make an old version current again, as a new version (history only grows). Brings back a
        deleted reply too."""
        current = await self._editable(agent, reply_id, include_deleted=True)
        number = validation.integer(data, "version", minimum=1, maximum=2**31)
        target = next((v for v in await self.store.history(reply_id) if v.version == number), None)
        if target is None:
            raise NotFound(f"This reply has no version {number}.")
        draft = draft_of(target)
        if not may_edit(agent, draft):
            raise Forbidden("That version is a shared reply; only managers can restore it.")
        placeholders.check(draft.text)
        if current.deleted_at is None and draft.same_content(current):
            return current
        reply = await self.store.update(
            reply_id, draft, by=actor(agent), now=self.clock.now(), action="revert", reverted_from=number
        )
        await self._announce("updated", reply, previous=current)
        return reply

    async def import_drafts(self, agent: Agent, drafts: list[CannedDraft], *, replace: bool) -> ImportResult:
        self.require_manager(agent)
        result = await self.store.import_library(
            drafts, replace=replace, by=actor(agent), now=self.clock.now(), action="import"
        )
        await self.events.to_all_agents(CHANGED_EVENT, {"action": "imported"})
        return result

    async def record_use(self, agent: Agent, reply_id: str, conversation_id: str | None) -> None:
        """Counted when an agent inserts a reply; the conversation links it to that chat's rating."""
        await self.get_for(agent, reply_id)
        await self.store.record_usage(reply_id, agent.id, conversation_id, self.clock.now())

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def require_manager(agent: Agent) -> None:
        if not agent.is_manager:
            raise Forbidden("Only managers can do this.")

    @staticmethod
    def _check_scope(agent: Agent, scope: object) -> None:
        if scope != "personal" and not agent.is_manager and scope in ("global", "department"):
            raise Forbidden("Only managers can add or change shared replies; agents keep personal ones.")

    async def _announce(
        self, action: str, reply: CannedResponse, previous: CannedResponse | None = None
    ) -> None:
        """Shared replies reach every console; a personal one only its owner's (before and after a move)."""
        payload = {"action": action, "id": reply.id, "language": reply.language, "scope": reply.scope}
        states = [reply] + ([previous] if previous else [])
        if any(s.scope != "personal" for s in states):
            await self.events.to_all_agents(CHANGED_EVENT, payload)
            return
        for owner in {s.owner_id for s in states if s.owner_id}:
            await self.events.to_agent(owner, CHANGED_EVENT, payload)
