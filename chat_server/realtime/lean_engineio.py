"""Engine.IO's websocket loop without a task and a timer per packet.

python-engineio (4.x) reads every incoming frame through ``asyncio.wait_for(ensure_future(...))`` and
waits for every outgoing packet the same way: on Python 3.11 that is a new Task, a waiter future, a
timer and their callbacks per packet in each direction. Profiles of the product under load put
``wait_for``, ``create_task`` and ``call_soon`` at a third to three quarters of the server's samples
(most of it when a line tick writes to 10,000 waiting widgets; docs/performance.md).

``LeanSocket`` keeps the library's protocol and behaviour (same packets, same ping timeout, same
upgrade from polling) and changes only how it waits: ``asyncio.timeout`` around a plain await (one
timer, no task), and no wait at all when the outgoing queue already holds packets. The server
subclasses below make every new socket a ``LeanSocket``; nothing else in the library changes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import engineio
import socketio
from engineio import exceptions, packet
from engineio.async_socket import AsyncSocket


class LeanSocket(AsyncSocket):
    async def poll(self) -> list[packet.Packet]:
        """Wait for packets to send to the client (the library's, minus its per-call Task)."""
        queue = self.queue
        if queue.empty():
            try:
                async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
                    first = await queue.get()
            except (TimeoutError, asyncio.CancelledError):
                raise exceptions.QueueEmpty() from None
        else:
            first = queue.get_nowait()
        queue.task_done()
        if first is None:
            return []
        packets = [first]
        while not queue.empty():
            pkt = queue.get_nowait()
            queue.task_done()
            if pkt is None:
                queue.put_nowait(None)
                break
            packets.append(pkt)
        return packets

    async def _websocket_handler(self, ws: Any) -> None:
        """The library's handler: the same upgrade handshake, then lean read/write loops."""
        if self.connected:
            # An upgrade from polling: probe ping/pong, end the pending poll, expect UPGRADE.
            self.upgrading = True  # hold packet sends during the upgrade
            if not await self._upgrade_handshake(ws):
                self.upgrading = False
                return
            self.upgraded = True
            self.upgrading = False
        else:
            self.connected = True
            self.upgraded = True
        await self._websocket_loops(ws)

    async def _upgrade_handshake(self, ws: Any) -> bool:
        try:
            data = await ws.wait()
        except OSError:  # pragma: no cover
            return False
        probe = packet.Packet(encoded_packet=data)
        if probe.packet_type != packet.PING or probe.data != "probe":
            self.server.logger.info("%s: Failed websocket upgrade, no PING packet", self.sid)
            return False
        await ws.send(packet.Packet(packet.PONG, data="probe").encode())
        await self.queue.put(packet.Packet(packet.NOOP))  # end the pending poll
        try:
            data = await ws.wait()
        except OSError:  # pragma: no cover
            return False
        if packet.Packet(encoded_packet=data).packet_type != packet.UPGRADE:
            self.server.logger.info("%s: Failed websocket upgrade, expected UPGRADE packet", self.sid)
            return False
        return True

    async def _websocket_loops(self, ws: Any) -> None:
        server = self.server
        timeout = server.ping_interval + server.ping_timeout

        async def writer() -> None:
            while True:
                try:
                    packets = await self.poll()
                except exceptions.QueueEmpty:
                    break
                if not packets:  # the connection closed
                    break
                try:
                    for pkt in packets:
                        await ws.send(pkt.encode())
                except Exception:  # noqa: BLE001 - the peer went away; the reader notices too
                    break
            await ws.close()

        writer_task = asyncio.ensure_future(writer())
        while True:
            try:
                async with asyncio.timeout(timeout):
                    data = await ws.wait()
            except (asyncio.CancelledError, TimeoutError, OSError):
                break
            except Exception:  # noqa: BLE001 - as the library: any read error ends the socket
                break
            if data is None:  # closed by the client
                break
            if len(data) > server.max_http_buffer_size:
                break  # the library raises 'packet is too large' here and ends the socket the same way
            try:
                await self.receive(packet.Packet(encoded_packet=data))
            except exceptions.UnknownPacketError:  # pragma: no cover
                pass
            except exceptions.SocketIsClosedError:  # pragma: no cover
                break
            except Exception:  # pragma: no cover
                server.logger.exception("Unknown receive error")
        await self.queue.put(None)  # unlock the writer so it can exit
        await asyncio.wait([writer_task])
        await self.close(wait=False, abort=True, reason=server.reason.TRANSPORT_CLOSE)


class LeanEngineServer(engineio.AsyncServer):
    socket_class: type[AsyncSocket] = LeanSocket  # what every new socket becomes

    async def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        # 'connect' fires right after the library stored the new socket and before it serves any
        # transport on it: the one place to swap its class without copying _handle_connect.
        if event == "connect":
            sock = self.sockets.get(args[0])
            if type(sock) is AsyncSocket:
                sock.__class__ = self.socket_class
        return await super()._trigger_event(event, *args, **kwargs)


class ChatSocketServer(socketio.AsyncServer):
    engine_class: type[engineio.AsyncServer] = LeanEngineServer

    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return self.engine_class
