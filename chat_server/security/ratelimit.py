"""Rate limits in Redis, so every server process counts against the same budget."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ..errors import RateLimited

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_s: int


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, prefix: str, limits: Limits) -> None:
        self.redis = redis
        self.prefix = prefix
        self.limits = limits
        self._script = redis.register_script((Path(__file__).parent / "ratelimit.lua").read_text())

    def _key(self, limit: Limit, identity: str) -> str:
        return f"{self.prefix}:rl:{limit.name}:{identity}"

    async def hit(self, limit: Limit, *identities: str, cost: int = 1) -> None:
        """Count one use against each identity (visitor, IP, account...); refuse if any is over."""
        await self.hit_each(*((limit, identity) for identity in identities), cost=cost)

    async def hit_each(self, *uses: tuple[Limit, str], cost: int = 1) -> None:
        """Count one use against several (limit, identity) budgets in one Redis call; refuse, and
        count none, if any is over."""
        uses = tuple((limit, identity) for limit, identity in uses if identity and limit.limit > 0)
        if not uses:
            return
        args: list[int] = [cost]
        for limit, _ in uses:
            args += [limit.limit, limit.window_s * 1000]
        try:
            wait_ms = int(await self._script(keys=[self._key(limit, identity) for limit, identity in uses], args=args))
        except RedisError as exc:
            # Fail open: with Redis down the chat still answers (and says what is unavailable)
            # rather than refusing every visitor at the door.
            log.warning("rate limits %s not checked, Redis unavailable: %s", [u[0].name for u in uses], exc)
            return
        if wait_ms > 0:
            retry = max(1, math.ceil(wait_ms / 1000))
            raise RateLimited(f"Too many attempts; try again in {retry} s.", retry_after_s=retry)

    async def check(self, limit: Limit, *identities: str) -> None:
        """Refuse if over, without counting (e.g. before verifying a password)."""
        await self.hit(limit, *identities, cost=0)

    async def reset(self, limit: Limit, identity: str) -> None:
        await self.redis.delete(self._key(limit, identity))


@dataclass(frozen=True)
class Limits:
    """The limits in force, from settings. Per-IP budgets are three times the per-person ones:
    an office or a mobile carrier puts many people behind one address."""

    chats: Limit
    chats_ip: Limit
    messages: Limit
    messages_ip: Limit
    logins: Limit
    logins_ip: Limit
    connections_ip: Limit

    @classmethod
    def from_settings(cls, s: object) -> Limits:
        chats, messages, logins = (getattr(s, n) for n in (
            "limit_chats_per_hour", "limit_messages_per_minute", "limit_logins_per_15min"))
        return cls(
            chats=Limit("chats", chats, 3600), chats_ip=Limit("chats-ip", chats * 3, 3600),
            messages=Limit("msgs", messages, 60), messages_ip=Limit("msgs-ip", messages * 3, 60),
            logins=Limit("login", logins, 900), logins_ip=Limit("login-ip", logins * 3, 900),
            connections_ip=Limit("conn-ip", getattr(s, "limit_connections_per_minute"), 60),
        )
