"""A lean Socket.IO v5 client (Engine.IO v4, websocket transport only) for load generation.

Why not ``socketio.AsyncClient``: every AsyncClient owns its own aiohttp session, Engine.IO state
machine and one asyncio task per incoming event, which costs far more CPU per message than the
servers under test spend. On this 2-core machine the load generator gets one core, so with the
stock client the *client* saturates first and product and relay look equally fast (measured: see
docs/performance.md). This client shares one aiohttp session, parses frames inline and calls
plain callbacks, so one core can drive thousands of sockets. It speaks only what the benchmark
needs: one namespace per socket, events, acks, ping/pong. Correctness against python-socketio and
Node socket.io servers is exercised by tests/test_bench_smoke.py and by every bench run.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import aiohttp

try:  # orjson is ~5x faster; the load generator's CPU is the scarce resource.
    import orjson

    def dumps(obj: Any) -> str:
        return orjson.dumps(obj).decode()

    loads = orjson.loads
except ImportError:  # pragma: no cover
    import json

    def dumps(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"))

    loads = json.loads

Callback = Callable[[Any], None]


class SocketError(RuntimeError):
    """The server refused the namespace, closed the socket, or never answered."""


class RawSocket:
    """One websocket, one namespace. ``on(event, fn)`` callbacks run inline in the reader."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, namespace: str) -> None:
        self.http = http
        self.url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        self.namespace = namespace
        self.prefix = "" if namespace == "/" else namespace + ","
        self.handlers: dict[str, Callback] = {}
        self._ids = itertools.count(1)
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._connected: asyncio.Future[Any] | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.closed = False

    def on(self, event: str, fn: Callback) -> None:
        self.handlers[event] = fn

    async def connect(self, auth: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        """Open the websocket and the namespace; returns the CONNECT payload ({"sid": ...})."""
        loop = asyncio.get_running_loop()
        self._connected = loop.create_future()
        self._ws = await self.http.ws_connect(self.url, autoping=False, max_msg_size=0, timeout=timeout)
        self._reader = asyncio.create_task(self._read())
        body = dumps(auth) if auth else ""
        await self._ws.send_str(f"40{self.prefix}{body}")
        try:
            return await asyncio.wait_for(self._connected, timeout)
        except BaseException:
            await self.close()
            raise

    async def call(self, event: str, data: Any = None, timeout: float = 30) -> Any:
        """Emit with an ack and wait for the server's answer."""
        ack_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self._send(f"42{self.prefix}{ack_id}{dumps([event, data])}")
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._acks.pop(ack_id, None)

    async def emit(self, event: str, data: Any = None) -> None:
        await self._send(f"42{self.prefix}{dumps([event, data])}")

    async def _send(self, frame: str) -> None:
        if self._ws is None or self.closed:
            raise SocketError("socket is closed")
        await self._ws.send_str(frame)

    async def close(self, clean: bool = True) -> None:
        """``clean=False`` drops the connection without leaving the namespace, as a dying browser does."""
        if self.closed:
            return
        self.closed = True
        if self._ws is not None:
            try:
                if clean:
                    await self._ws.send_str(f"41{self.prefix}")
            except Exception:
                pass
            await self._ws.close()
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()
        self._fail(SocketError("socket closed"))

    def _fail(self, exc: Exception) -> None:
        if self._connected is not None and not self._connected.done():
            self._connected.set_exception(exc)
        for future in self._acks.values():
            if not future.done():
                future.set_exception(exc)

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for msg in self._ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    await self._frame(msg.data)
                elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    break
        except (asyncio.CancelledError, aiohttp.ClientError, ConnectionError):
            pass
        finally:
            self.closed = True
            self._fail(SocketError("connection lost"))

    async def _frame(self, frame: str) -> None:
        kind = frame[0]
        if kind == "2":  # Engine.IO ping: answer or the server drops us
            await self._ws.send_str("3")  # type: ignore[union-attr]
        elif kind == "4":
            self._packet(frame[1], frame[2:])

    def _packet(self, kind: str, rest: str) -> None:
        if self.prefix:
            if not rest.startswith(self.prefix):
                return
            rest = rest[len(self.prefix):]
        start = 0
        while start < len(rest) and rest[start].isdigit():
            start += 1
        ack_id = int(rest[:start]) if start else None
        payload = loads(rest[start:]) if start < len(rest) else None
        if kind == "2" and payload:
            handler = self.handlers.get(payload[0])
            if handler is not None:
                handler(payload[1] if len(payload) > 1 else None)
        elif kind == "3" and ack_id is not None:
            future = self._acks.get(ack_id)
            if future is not None and not future.done():
                future.set_result(payload[0] if payload else None)
        elif kind == "0" and self._connected is not None and not self._connected.done():
            self._connected.set_result(payload)
        elif kind in ("4", "1") and self._connected is not None and not self._connected.done():
            self._connected.set_exception(SocketError(f"namespace refused: {payload}"))
