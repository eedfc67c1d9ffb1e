"""Managers administer accounts: add, disable and re-enable, reset passwords, set role, capacity,
departments and languages. Disabling ends the agent's sessions and closes their open consoles."""

from __future__ import annotations

from typing import Any

import socketio

from ..errors import Forbidden, NotFound
from ..models import Agent
from ..realtime.events import AGENT_NS
from ..store import Store
from .auth import AuthService
from .chat import ChatService
from .presence import Presence


class AccountsService:
    def __init__(
        self, store: Store, auth: AuthService, chat: ChatService, presence: Presence, sio: socketio.AsyncServer
    ) -> None:
        self.presence = presence
        self.store = store
        self.auth = auth
        self.chat = chat
        self.sio = sio

    @staticmethod
    def require_manager(agent: Agent) -> None:
        if not agent.is_manager:
            raise Forbidden("Only managers can manage accounts.")

    async def list(self, manager: Agent) -> list[Agent]:
        self.require_manager(manager)
        return await self.store.list_agents()

    async def add(self, manager: Agent, **fields: Any) -> Agent:
        self.require_manager(manager)
        extra = {k: fields.pop(k) for k in ("departments", "languages") if k in fields}
        agent = await self.auth.create_agent(**fields)
        if extra:
            updated = await self.store.update_agent(agent.id, **extra)
            assert updated is not None
            agent = updated
        return agent

    async def update(self, manager: Agent, agent_id: str, **fields: Any) -> Agent:
        self.require_manager(manager)
        if agent_id == manager.id and (fields.get("disabled") or fields.get("role") == "agent"):
            raise Forbidden("You cannot disable yourself or drop your own manager role.")
        if await self.store.get_agent(agent_id) is None:
            raise NotFound("No such agent.")
        agent = await self.store.update_agent(agent_id, **fields)
        assert agent is not None
        if fields.get("disabled"):
            await self._sign_out_everywhere(agent)
        elif await self.chat.queue.is_online(agent.id):
            await self.presence.set_agent_status(agent, "online")  # new capacity, departments, languages
        return agent

    async def reset_password(self, manager: Agent, agent_id: str, password: str) -> None:
        self.require_manager(manager)
        agent = await self.store.get_agent(agent_id)
        if agent is None:
            raise NotFound("No such agent.")
        self.auth.check_password(password)
        await self.store.set_password_hash(agent_id, await self.auth.hash_password(password))
        await self._sign_out_everywhere(agent, keep_status=True)

    async def close_consoles(self, agent: Agent) -> None:
        """After a sign-out: every open console of the agent disconnects; consoles signed in with
        another session reconnect by themselves, the one signed out cannot."""
        await self._sign_out_everywhere(agent, keep_status=True)

    async def _sign_out_everywhere(self, agent: Agent, keep_status: bool = False) -> None:
        """Sessions are deleted by the store; here every open console (on any process) is closed."""
        if not keep_status:
            await self.presence.set_agent_status(agent, "offline")
        for sid in await self.presence.redis.smembers(self.presence.keys.agent_sockets(agent.id)):
            await self.sio.disconnect(sid.decode(), namespace=AGENT_NS)
