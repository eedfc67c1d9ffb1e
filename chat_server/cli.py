"""The ``chat-server`` command."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import click
from aiohttp import web

from .config import ConfigError, Settings, load_settings

def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    try:
        return load_settings(ctx.obj["config"], **overrides)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, envvar="CHAT_CONFIG",
              help="Settings file (default: config.toml in the project root). CHAT_<SETTING> overrides it.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """A live-chat server: website widget, agent console, Redis-backed queue."""
    ctx.obj = {"config": config_path}


@main.command()
@click.option("--host", default=None, help="Listen address (setting: host, env CHAT_HOST).")
@click.option("--port", type=int, default=None, help="Listen port (setting: port, env CHAT_PORT).")
@click.option("--data-dir", default=None, help="SQLite and embedded Redis live here (env CHAT_DATA_DIR).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (one per core); they share Redis and the database.")
@click.option("--reuse-port", is_flag=True, hidden=True, help="Internal: a worker started by --workers.")
@click.pass_context
def run(ctx: click.Context, host: str | None, port: int | None, data_dir: str | None, workers: int,
        reuse_port: bool) -> None:
    """Start the server (with an embedded Redis unless redis_url is set)."""
    settings = _settings(ctx, host=host, port=port, data_dir=data_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from .errors import Unavailable

    try:
        if workers > 1:
            from .workers import run_workers

            run_workers(settings, workers, ctx.obj["config"])
            return
        _serve(settings, reuse_port=reuse_port, banner=not reuse_port)
    except Unavailable as exc:  # e.g. PostgreSQL not reachable at start-up: one clear line, no traceback
        raise click.ClickException(exc.message) from exc


def _serve(settings: Settings, *, reuse_port: bool, banner: bool) -> None:
    from .app import create_app
    from .gc_tuning import tune_for_server
    from .web.keys import AUTH

    app = create_app(settings)

    async def print_banner(app: web.Application) -> None:
        click.echo(await startup_banner(settings, await app[AUTH].ensure_first_manager()))

    async def tune_gc(app: web.Application) -> None:
        tune_for_server()

    if banner:
        app.on_startup.append(print_banner)
    app.on_startup.append(tune_gc)  # last: after the app's own start-up made what lives for good
    web.run_app(app, host=settings.host, port=settings.port, print=None, reuse_port=reuse_port or None)


async def startup_banner(settings: Settings, first: tuple[str, str] | None) -> str:
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"Demo page:     {base}/", f"Agent console: {base}/console"]
    if first:
        lines += ["", "First start: a manager account was created. Sign in with",
                  f"  email:    {first[0]}", f"  password: {first[1]}",
                  "(shown once; add agents with `chat-server agents add`)."]
    return "\n".join(lines)


@main.group()
def agents() -> None:
    """Manage agent and manager accounts."""


@agents.command("add")
@click.option("--email", required=True, help="Sign-in email.")
@click.option("--name", required=True, help="Name shown to visitors.")
@click.option("--role", type=click.Choice(["agent", "manager"]), default="agent", show_default=True)
@click.option("--capacity", type=int, default=None, help="Chats at once (default: agent_capacity setting).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; prompted when omitted.")
@click.pass_context
def agents_add(ctx: click.Context, email: str, name: str, role: str, capacity: int | None, password: str) -> None:
    """Add an account."""
    from .clock import Clock
    from .errors import ChatError
    from .services.auth import AuthService
    from .store import create_store

    settings = _settings(ctx)

    async def add() -> None:
        store = create_store(settings)
        await store.open()
        try:
            agent = await AuthService(store, Clock(), settings.session_ttl_hours).create_agent(
                email=email, name=name, password=password, role=role, capacity=capacity
            )
        finally:
            await store.close()
        click.echo(f"Added {agent.role} {agent.name} <{agent.email}> ({agent.id}).")

    try:
        asyncio.run(add())
    except ChatError as exc:
        raise click.ClickException(exc.message) from exc
