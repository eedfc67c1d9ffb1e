"""One emit to many websockets: the frame is built once and written straight to each idle socket.

A line tick (``queue:line``) goes to every waiting widget: 10,000 sockets when the line is long.
Through Engine.IO each recipient costs a queue put, a wake-up of its writer, the writer's timeout
context and aiohttp building the same frame again; a drain profile put ~60 % of the server's samples
there (docs/performance.md, "Drain, third pass"). A server-to-client websocket frame is not masked,
so for a text packet it is the same bytes for every recipient: ``DirectSocket.write_now`` writes
those bytes to the transport itself when nothing can be ahead of them (its outgoing queue is empty
and its writer sits waiting on it, the kernel took everything written so far), and says so; any
other socket (long-polling, upgrading, a writer busy or a client slow to read) takes the usual path,
in order behind what it has queued.

A connection that negotiated permessage-deflate still gets these frames uncompressed (RSV1 clear),
which RFC 7692 allows per message; the deflate context is not involved, so aiohttp's later
compressed frames stay valid.
"""

from __future__ import annotations

import struct
import time
from typing import Any

from .lean_engineio import ChatSocketServer, LeanEngineServer, LeanSocket

TEXT_FIN = 0x81  # FIN + text opcode, no RSV bits (uncompressed)


def text_frame(payload: str) -> bytes:
    """An unmasked, final websocket text frame (what a server sends) carrying ``payload``."""
    data = payload.encode()
    n = len(data)
    if n < 126:
        header = struct.pack("!BB", TEXT_FIN, n)
    elif n < 65536:
        header = struct.pack("!BBH", TEXT_FIN, 126, n)
    else:
        header = struct.pack("!BBQ", TEXT_FIN, 127, n)
    return header + data


class DirectSocket(LeanSocket):
    """A LeanSocket that remembers its websocket, so a ready frame can be written to it directly."""

    direct_ws: Any = None  # engineio's aiohttp WebSocket wrapper while the websocket loops run

    async def _websocket_loops(self, ws: Any) -> None:
        self.direct_ws = ws
        try:
            await super()._websocket_loops(ws)
        finally:
            self.direct_ws = None

    def write_now(self, frame: bytes) -> bool:
        """Write ``frame`` (a complete websocket frame) now if nothing can be ahead of it; False
        means "not written, send it the usual way"."""
        ws = self.direct_ws
        if ws is None or self.closed or self.upgrading:
            return False
        queue = self.queue
        getters = queue._getters  # type: ignore[attr-defined]  # the writer waits here when idle
        if not queue.empty() or not getters or getters[-1].done():
            return False
        last_ping = self.last_ping
        if last_ping and time.time() - last_ping > self.server.ping_timeout:
            return False  # the usual path closes a socket whose client is gone
        # aiohttp internals: a version that names them differently just takes the usual path.
        writer = getattr(getattr(ws, "_sock", None), "_writer", None)
        transport = getattr(writer, "transport", None)
        if (transport is None or getattr(writer, "_closing", True) or transport.is_closing()
                or transport.get_write_buffer_size()):
            return False
        transport.write(frame)
        return True


class DirectEngineServer(LeanEngineServer):
    socket_class = DirectSocket


class DirectSocketServer(ChatSocketServer):
    engine_class = DirectEngineServer
