"""Agent accounts and sign-in sessions."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..clock import Clock
from ..errors import Conflict, InvalidPayload, Unauthorized
from ..ids import hash_secret, new_secret
from ..models import Agent
from ..store import Store

ROLES = ("agent", "manager")


class AuthService:
    def __init__(self, store: Store, clock: Clock, session_ttl_hours: int) -> None:
        self.store = store
        self.clock = clock
        self.session_ttl_s = session_ttl_hours * 3600
        self.hasher = PasswordHasher()
        # Verified against when the email is unknown, so both paths cost one argon2 check and
        # response time does not reveal which emails have accounts.
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    async def create_agent(
        self, *, email: str, name: str, password: str, role: str = "agent", capacity: int | None = None
    ) -> Agent:
        if role not in ROLES:
            raise InvalidPayload(f"role must be one of: {', '.join(ROLES)}.")
        self.check_password(password)
        return await self.store.create_agent(
            email=email.strip().lower(),
            name=name.strip(),
            role=role,
            password_hash=await self.hash_password(password),
            capacity=capacity,
            now=self.clock.now(),
        )

    async def hash_password(self, password: str) -> str:
        """argon2 costs ~0.1-0.3 s of CPU by design; on a worker thread (argon2-cffi releases the
        GIL) so the event loop keeps serving every other socket meanwhile."""
        return await asyncio.to_thread(self.hasher.hash, password)

    @staticmethod
    def check_password(password: str) -> None:
        if len(password) < 8 or len(password) > 1024:
            raise InvalidPayload("The password must have 8 to 1024 characters.", field="password")

    async def ensure_first_manager(self) -> tuple[str, str] | None:
        """On a fresh install, create a manager and return its (email, password) to print once."""
        if await self.store.count_agents() > 0:
            return None
        email, password = "admin@example.com", secrets.token_urlsafe(12)
        try:
            await self.create_agent(email=email, name="Admin", password=password, role="manager")
        except Conflict:
            return None  # another process starting on the same empty database made it first
        return email, password

    async def login(self, email: str, password: str) -> tuple[str, Agent]:
        found = await self.store.get_agent_credentials(email.strip().lower())
        stored_hash = found[1] if found else self._dummy_hash
        try:
            await asyncio.to_thread(self.hasher.verify, stored_hash, password)
        except (VerificationError, InvalidHashError):
            raise Unauthorized("Wrong email or password.") from None
        if found is None or found[0].disabled:
            raise Unauthorized("Wrong email or password.")
        token = new_secret()
        now = self.clock.now()
        await self.store.create_session(hash_secret(token), found[0].id, now, now + self.session_ttl_s)
        return token, found[0]

    async def authenticate(self, token: object) -> Agent:
        if not isinstance(token, str) or not token or len(token) > 200:
            raise Unauthorized("Sign in first.")
        agent = await self.store.get_session_agent(hash_secret(token), self.clock.now())
        if agent is None:
            raise Unauthorized("Your session has ended; sign in again.")
        return agent

    async def logout(self, token: str) -> None:
        await self.store.delete_session(hash_secret(token))
