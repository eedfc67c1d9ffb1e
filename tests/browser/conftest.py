"""Fixtures for the widget's browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from .widget_host import Host, open_host


@pytest.fixture
async def shop(browser: Any) -> AsyncIterator[Callable[..., Awaitable[Host]]]:
    """``await shop(server.url, attrs={"data-language": "sk"}, locale="sk-SK", width=360)``: a customer's
    page on another origin with the widget's script tag, in a fresh browser context."""
    hosts: list[Host] = []

    async def make(server_url: str, **options: Any) -> Host:
        host = await open_host(browser, server_url, **options)
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        await host.close()
