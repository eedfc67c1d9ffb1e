"""``chat-server run --workers N``: one supervisor, N server processes on one port.

The kernel spreads new connections across the workers (SO_REUSEPORT); they share Redis (queue,
presence, cross-process events) and the database. Websocket clients need nothing more; long-polling
clients need a sticky proxy in front (docs/deployment.md). The supervisor starts the embedded Redis
once for all workers when no Redis URL is configured, and stops everything on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import click

from .clock import Clock
from .config import Settings
from .redis_backend.embedded import EmbeddedRedis
from .services.auth import AuthService
from .store import create_store


async def _prepare(settings: Settings) -> tuple[EmbeddedRedis | None, str, tuple[str, str] | None]:
    embedded = None
    url = settings.redis_url
    if not url:
        embedded = EmbeddedRedis(settings.data_path)
        url = await embedded.start()
    store = create_store(settings)
    await store.open()  # migrations run once here, before the workers race to
    try:
        first = await AuthService(store, Clock(), settings.session_ttl_hours).ensure_first_manager()
    finally:
        await store.close()
    return embedded, url, first


def run_workers(settings: Settings, count: int, config_path: str | None) -> None:
    from .cli import startup_banner

    embedded, redis_url, first = asyncio.run(_prepare(settings))
    click.echo(asyncio.run(startup_banner(settings, first)))
    click.echo(f"Starting {count} worker processes on port {settings.port}.")
    env = {**os.environ, "CHAT_REDIS_URL": redis_url, "CHAT_HOST": settings.host, "CHAT_PORT": str(settings.port),
           "CHAT_DATA_DIR": settings.data_dir}
    command = [sys.executable, "-m", "chat_server"] + (["--config", config_path] if config_path else [])
    procs = [subprocess.Popen([*command, "run", "--reuse-port"], env=env) for _ in range(count)]

    def stop(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        for p in procs:
            p.wait()
    finally:
        stop()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        if embedded is not None:
            asyncio.run(embedded.stop())
