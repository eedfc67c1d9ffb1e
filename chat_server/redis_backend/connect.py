"""Redis connections from one URL: plain Redis, a unix socket, or a Redis Sentinel deployment.

Sentinel URLs name the sentinels and the monitored service; every connection asks a sentinel for
the current master, so a failover needs no restart::

    redis+sentinel://[user:password@]host:port[,host:port...]/service_name
    redis+sentinel://[user:password@]host:port[,host:port...]/db/service_name

The second form is python-socketio's, which the cross-process event manager is handed as
``canonical`` (it also accepts ``/service_name/db``). Credentials are the Redis master's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool

PLAIN_SCHEMES = ("redis", "rediss", "unix")
# Connections one client keeps open at most. A command that finds them all busy waits for one (up
# to POOL_WAIT_S) instead of failing: redis-py's default pool raises MaxConnectionsError at 100, so
# 5,000 widgets leaving at once made thousands of disconnect handlers fail (docs/reliability.md).
POOL_SIZE = 100
POOL_WAIT_S = 10.0
SENTINEL_SCHEME = "redis+sentinel"


class RedisUrlError(ValueError):
    """The Redis URL cannot be used; the message says what is wrong and what is expected."""


@dataclass(frozen=True)
class SentinelUrl:
    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int
    username: str | None
    password: str | None
    netloc: str

    @property
    def canonical(self) -> str:
        """The form python-socketio's Redis manager parses: ``/db/service_name``."""
        return f"{SENTINEL_SCHEME}://{self.netloc}/{self.db}/{self.service}"


def _sentinel_error(url: str, why: str) -> RedisUrlError:
    return RedisUrlError(f"redis_url {url!r}: {why}; expected "
                         f"{SENTINEL_SCHEME}://host:port[,host:port...]/[db/]service_name")


def parse_sentinel(url: str) -> SentinelUrl:
    parsed = urlparse(url)
    hosts = parsed.netloc.rsplit("@", 1)[-1]
    sentinels = []
    for part in filter(None, hosts.split(",")):
        host, sep, port = part.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _sentinel_error(url, f"{part!r} is not host:port")
        sentinels.append((host.strip("[]"), int(port)))
    if not sentinels:
        raise _sentinel_error(url, "no sentinel host:port given")
    parts = [p for p in parsed.path.split("/") if p]
    if len(parts) == 2 and parts[1].isdigit() and not parts[0].isdigit():
        parts.reverse()  # /service_name/db
    if len(parts) == 1 and not parts[0].isdigit():
        db, service = "0", parts[0]
    elif len(parts) == 2 and parts[0].isdigit() and not parts[1].isdigit():
        db, service = parts
    else:
        raise _sentinel_error(url, "the service name (as in `sentinel monitor NAME ...`) is missing or unclear")
    return SentinelUrl(
        sentinels=tuple(sentinels), service=service, db=int(db),
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        netloc=parsed.netloc,
    )


def check_redis_url(url: str) -> None:
    """Raise ``RedisUrlError`` at start-up for a URL no connection could use (empty: embedded)."""
    if not url:
        return
    scheme = urlparse(url).scheme
    if scheme == SENTINEL_SCHEME:
        parse_sentinel(url)
    elif scheme not in PLAIN_SCHEMES:
        raise RedisUrlError(f"redis_url {url!r}: unknown scheme {scheme!r}; use redis://, rediss://, unix:// "
                            f"or {SENTINEL_SCHEME}://")


def manager_url(url: str) -> str:
    """The URL for python-socketio's Redis manager (it parses sentinel URLs itself)."""
    return parse_sentinel(url).canonical if urlparse(url).scheme == SENTINEL_SCHEME else url


class WaitingSentinelPool(SentinelConnectionPool, aioredis.BlockingConnectionPool):
    """The Sentinel pool (asks a sentinel for the master) with the waiting of BlockingConnectionPool."""


def redis_client(url: str, **options: Any) -> aioredis.Redis:
    """A client for the URL; with Sentinel, one that follows the current master."""
    check_redis_url(url)
    if urlparse(url).scheme != SENTINEL_SCHEME:
        options = {"max_connections": POOL_SIZE, "timeout": POOL_WAIT_S, **options}
        return aioredis.Redis.from_pool(aioredis.BlockingConnectionPool.from_url(url, **options))
    target = parse_sentinel(url)
    auth = {k: v for k, v in (("username", target.username), ("password", target.password)) if v}
    sentinel = Sentinel(list(target.sentinels), sentinel_kwargs={"socket_timeout": options.get("socket_timeout")},
                        db=target.db, **auth, **options)
    return sentinel.master_for(target.service, connection_pool_class=WaitingSentinelPool,
                               max_connections=POOL_SIZE, timeout=POOL_WAIT_S)
