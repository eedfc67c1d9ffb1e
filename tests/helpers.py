"""Test clients: real python-socketio clients that record every event they receive."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from typing import Any

import aiohttp
import socketio


class Peer:
    """One Socket.IO connection to one namespace, with an inbox per event name."""

    def __init__(self, base_url: str, namespace: str) -> None:
        self.base_url = base_url
        self.namespace = namespace
        self.sio = socketio.AsyncClient(reconnection=False)
        self.inbox: dict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        self.seen: list[tuple[str, Any]] = []

        async def record(event: str, data: Any = None) -> None:
            self.seen.append((event, data))
            await self.inbox[event].put(data)

        self.sio.on("*", record, namespace=namespace)

    async def connect(self, auth: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                      transports: list[str] | None = None) -> Peer:
        await self.sio.connect(
            self.base_url, namespaces=[self.namespace], auth=auth, headers=headers or {},
            transports=transports or ["websocket"], wait_timeout=10,
        )
        return self

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> Any:
        return await self.sio.call(event, data, namespace=self.namespace, timeout=timeout)

    async def next(self, event: str, timeout: float = 10) -> Any:
        return await asyncio.wait_for(self.inbox[event].get(), timeout)

    async def wait_for(self, event: str, predicate: Any, timeout: float = 10) -> Any:
        """Skip events of this name until one matches."""
        async def loop() -> Any:
            while True:
                data = await self.inbox[event].get()
                if predicate(data):
                    return data
        return await asyncio.wait_for(loop(), timeout)

    def drain(self, event: str) -> list[Any]:
        items = []
        while not self.inbox[event].empty():
            items.append(self.inbox[event].get_nowait())
        return items

    async def close(self) -> None:
        await self.sio.disconnect()


def cid() -> str:
    return uuid.uuid4().hex


async def login(base_url: str, email: str, password: str) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base_url}/api/auth/login", json={"email": email, "password": password}) as r:
            assert r.status == 200, await r.text()
            return (await r.json())["token"]


async def eventually(check: Any, timeout: float = 5.0, interval: float = 0.05) -> Any:
    """Poll an async predicate until it is truthy: for effects the server applies after we return."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition still false after {timeout}s")
        await asyncio.sleep(interval)
