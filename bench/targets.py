"""The servers under test: the product (embedded or external Redis), the Python relay, the Node relay.

Each target knows how to start, how to make N chatting pairs and how an idle widget connects;
the scenarios in ``load.py`` and ``queueing.py`` drive them all the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis

from .procs import Pinning, Server, free_port
from .sio import RawSocket

REPO = Path(__file__).resolve().parent.parent
EXTERNAL_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "bench-password-123"
NODE_CACHE = Path(tempfile.gettempdir()) / "chat-bench-node"


@dataclass
class Pair:
    """One conversation: the visitor's socket, the agent's socket (shared by the agent's chats)."""

    visitor: RawSocket
    agent: RawSocket
    conversation_id: str


class Target:
    name = "target"
    is_product = False

    def __init__(self, workdir: Path, pinning: Pinning) -> None:
        self.workdir = workdir
        self.pinning = pinning
        self.server: Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.pid

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHAT_")}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
        # Thousands of clients from one loopback address: per-IP and per-visitor limits would
        # measure the limiter, not the server. Chats start before agents are online.
        env.update({"CHAT_LIMIT_CHATS_PER_HOUR": "0", "CHAT_LIMIT_MESSAGES_PER_MINUTE": "0",
                    "CHAT_LIMIT_CONNECTIONS_PER_MINUTE": "0", "CHAT_LIMIT_LOGINS_PER_15MIN": "0",
                    "CHAT_QUEUE_WHEN_UNSTAFFED": "true"})
        return env

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()

    async def connect_idle(self, http: aiohttp.ClientSession) -> RawSocket:
        """A widget that connects and does nothing; returns once the server has accepted it."""
        sock = RawSocket(http, self.url, "/visitor")
        await sock.connect()
        return sock

    async def make_pairs(self, http: aiohttp.ClientSession, count: int, per_agent: int) -> list[Pair]:
        raise NotImplementedError

    async def end_pairs(self, pairs: list[Pair]) -> None:
        await close_all({id(s): s for p in pairs for s in (p.visitor, p.agent)}.values())


async def close_all(sockets: Any, concurrency: int = 200) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(sock: RawSocket) -> None:
        async with gate:
            try:
                await sock.close()
            except Exception:
                pass

    await asyncio.gather(*(one(s) for s in sockets))


class RelayTarget(Target):
    """Shared by the Python and Node relays: same events, same topology."""

    async def make_pairs(self, http: aiohttp.ClientSession, count: int, per_agent: int) -> list[Pair]:
        agents = []
        for k in range(math.ceil(count / per_agent)):
            sock = RawSocket(http, self.url, "/agent")
            await sock.connect({"agent": f"a{k}"})
            agents.append(sock)
        pairs = []
        for i in range(count):
            sock = RawSocket(http, self.url, "/visitor")
            await sock.connect({"pair": f"p{i}", "agent": f"a{i // per_agent}"})
            pairs.append(Pair(sock, agents[i // per_agent], f"p{i}"))
        return pairs


class PythonRelay(RelayTarget):
    name = "python relay"

    async def start(self) -> None:
        port = free_port()
        argv = [*self.pinning.prefix(), sys.executable, "-m", "bench.relay", "--port", str(port)]
        self.server = Server(self.name, argv, port, self._env(), REPO, self.workdir / "relay-python.log")
        await self.server.start()


class NodeRelay(RelayTarget):
    name = "node relay"

    @staticmethod
    def install() -> str | None:
        """Install socket.io into a cache dir once; returns why it cannot run, or None."""
        if shutil.which("node") is None or shutil.which("npm") is None:
            return "node/npm not installed"
        if (NODE_CACHE / "node_modules" / "socket.io").exists():
            return None
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(NODE_CACHE), "socket.io@4"],
                check=True, timeout=180, capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            return f"npm install socket.io failed: {exc}"
        return None

    async def start(self) -> None:
        port = free_port()
        env = {**self._env(), "NODE_PATH": str(NODE_CACHE / "node_modules")}
        argv = [*self.pinning.prefix(), "node", str(REPO / "bench" / "node_relay.js"), str(port)]
        self.server = Server(self.name, argv, port, env, REPO, self.workdir / "relay-node.log")
        await self.server.start()

    @staticmethod
    def version() -> str:
        try:
            import json

            pkg = NODE_CACHE / "node_modules" / "socket.io" / "package.json"
            node = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
            return f"node {node}, socket.io {json.loads(pkg.read_text())['version']}"
        except Exception:
            return "unknown"


class Product(Target):
    """``python -m chat_server run`` with agents made in its data dir before it starts."""

    is_product = True

    def __init__(self, workdir: Path, pinning: Pinning, redis: str, agents: int, capacity: int) -> None:
        super().__init__(workdir, pinning)
        self.redis_mode = redis
        self.name = f"product ({redis} Redis)"
        self.prefix = f"bench-{uuid.uuid4().hex[:10]}"
        self.data_dir = workdir / f"product-{redis}-{self.prefix}"
        self.agent_count = agents
        self.capacity = capacity
        self.emails = [f"bench{i}@example.com" for i in range(agents)]
        self._tokens: dict[str, str] = {}

    @property
    def redis_url(self) -> str:
        if self.redis_mode == "external":
            return EXTERNAL_REDIS
        from chat_server.redis_backend.embedded import EmbeddedRedis

        return EmbeddedRedis(self.data_dir.resolve()).url

    def settings(self) -> Any:
        from chat_server.config import load_settings

        external = EXTERNAL_REDIS if self.redis_mode == "external" else ""
        return load_settings(env={}, data_dir=str(self.data_dir), redis_url=external, redis_prefix=self.prefix)

    async def create_agents(self) -> None:
        """Through the product's own store and password hasher. One hash shared by every account:
        argon2 costs ~0.25 s, and 20 ``chat-server agents add`` runs would take longer than a bench."""
        from argon2 import PasswordHasher

        from chat_server.store import create_store

        store = create_store(self.settings())
        await store.open()
        try:
            hashed = PasswordHasher().hash(PASSWORD)
            for i, email in enumerate(self.emails):
                await store.create_agent(  # type: ignore[attr-defined]
                    email=email, name=f"Agent {i}", role="agent", password_hash=hashed,
                    capacity=self.capacity, now=time.time(),
                )
        finally:
            await store.close()

    async def start(self) -> None:
        await self.create_agents()
        port = free_port()
        env = {**self._env(), "CHAT_REDIS_PREFIX": self.prefix}
        env["CHAT_REDIS_URL"] = EXTERNAL_REDIS if self.redis_mode == "external" else ""
        argv = [*self.pinning.prefix(), sys.executable, "-m", "chat_server", "run",
                "--port", str(port), "--data-dir", str(self.data_dir)]
        self.server = Server(self.name, argv, port, env, REPO, self.workdir / f"product-{self.redis_mode}.log")
        await self.server.start()

    async def stop(self) -> None:
        redis_pid = None
        if self.redis_mode == "embedded" and self.server is not None:
            with contextlib.suppress(Exception):
                client = self.redis()
                redis_pid = int((await client.info("server"))["process_id"])
                await client.aclose()
        await super().stop()
        if redis_pid is not None:  # a server killed after a slow shutdown leaves its Redis behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(redis_pid, signal.SIGTERM)
        if self.redis_mode == "external":
            client = aioredis.from_url(EXTERNAL_REDIS)
            try:
                keys = [k async for k in client.scan_iter(f"{self.prefix}:*", count=1000)]
                for i in range(0, len(keys), 1000):
                    await client.delete(*keys[i:i + 1000])
            finally:
                await client.aclose()

    def redis(self) -> aioredis.Redis:
        return aioredis.from_url(self.redis_url)

    def waiting_key(self) -> str:
        from chat_server.redis_backend.keys import Keys

        return Keys(self.prefix).waiting

    async def token(self, http: aiohttp.ClientSession, email: str) -> str:
        """Sign in over HTTP once per agent (each sign-in costs the server one argon2 check)."""
        if email not in self._tokens:
            async with http.post(f"{self.url}/api/auth/login", json={"email": email, "password": PASSWORD}) as r:
                body = await r.json()
                if r.status != 200:
                    raise RuntimeError(f"login failed: {r.status} {body}")
                self._tokens[email] = body["token"]
        return self._tokens[email]

    async def connect_agent(
        self, http: aiohttp.ClientSession, index: int, online: bool = True,
        setup: Callable[[RawSocket], None] | None = None, timeout: float = 30,
    ) -> RawSocket:
        """``setup`` installs handlers before connecting: an agent who was online before is put
        back online by the connect itself and may be assigned chats at once."""
        state: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        sock = RawSocket(http, self.url, "/agent")
        if setup is not None:
            setup(sock)
        sock.on("agent:state", lambda data: state.done() or state.set_result(data))
        await sock.connect({"token": await self.token(http, self.emails[index])}, timeout=timeout)
        await asyncio.wait_for(state, timeout)
        if online:
            ack = await sock.call("status:set", {"status": "online"}, timeout=timeout)
            if not ack.get("ok"):
                raise RuntimeError(f"status:set failed: {ack}")
        return sock

    async def connect_idle(self, http: aiohttp.ClientSession, timeout: float = 30) -> RawSocket:
        """Accepted = the ``session`` event arrived (the server has stored the new visitor)."""
        session: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        sock = RawSocket(http, self.url, "/visitor")
        sock.on("session", lambda data: session.done() or session.set_result(data))
        await sock.connect(timeout=timeout)
        await asyncio.wait_for(session, timeout)
        return sock

    async def make_pairs(self, http: aiohttp.ClientSession, count: int, per_agent: int) -> list[Pair]:
        needed = math.ceil(count / per_agent)
        if needed > self.agent_count or per_agent > self.capacity:
            raise ValueError(f"{count} pairs need {needed} agents of capacity {per_agent}")
        owner: dict[str, RawSocket] = {}
        agents = []
        def track(sock: RawSocket) -> None:
            sock.on("chat:assigned", lambda data: owner.__setitem__(data["conversation"]["id"], sock))

        for k in range(needed):
            agents.append(await self.connect_agent(http, k, setup=track))
        visitors = []
        for i in range(0, count, 50):
            visitors += await asyncio.gather(*(self._start_chat(http) for _ in range(min(50, count - i))))
        deadline = time.monotonic() + 30
        while any(cid not in owner for _, cid in visitors):
            if time.monotonic() > deadline:
                raise RuntimeError("not every conversation was assigned")
            await asyncio.sleep(0.05)
        return [Pair(sock, owner[cid], cid) for sock, cid in visitors]

    async def _start_chat(self, http: aiohttp.ClientSession) -> tuple[RawSocket, str]:
        sock = await self.connect_idle(http)
        ack = await sock.call("chat:start", {"text": "Hello, I need help"})
        if not ack.get("ok"):
            raise RuntimeError(f"chat:start failed: {ack}")
        return sock, ack["conversation_id"]

    async def end_pairs(self, pairs: list[Pair]) -> None:
        """Agents close their chats so the next scenario finds free agents, then all disconnect."""
        await asyncio.gather(*(p.agent.call("chat:close", {"conversation_id": p.conversation_id}) for p in pairs))
        await super().end_pairs(pairs)
