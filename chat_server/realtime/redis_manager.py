"""python-socketio's Redis manager, watched.

Events between processes travel over one Redis pub/sub subscription per process. If that
listener dies or goes deaf (e.g. after a Redis restart), other processes' events silently stop
arriving. Each process therefore publishes a probe to itself every sweep; when its own probe has
not come back for a while the subscription is torn down so the library resubscribes, and
``/healthz`` reports ``pubsub: error`` until probes flow again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

from ..redis_backend.connect import redis_client
from .direct_write import DirectSocket, text_frame
from .room_index import RoomIndex

log = logging.getLogger(__name__)
PROBE = "chat_probe"
DEAF_AFTER_S = 10.0
HELLO = "chat_hello"
HELLO_ACK = "chat_hello_ack"
ALONE_PROBE_S = 5.0  # two sweeps and a bit: how long our own probe may be out before "alone" is doubted
ALONE_ANSWERED_S = 30.0  # how long an answered probe vouches for "alone" when the next one is late


class WatchedRedisManager(socketio.AsyncRedisManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_probe_seen = time.monotonic()
        self.probe_sent_at = self.last_probe_seen  # when the latest probe went out
        self._probe_marker = f'"{PROBE}"'.encode()

    async def _listen(self) -> AsyncIterator[Any]:  # type: ignore[override]
        async for data in super()._listen():
            if isinstance(data, bytes) and self._probe_marker in data and self.host_id.encode() in data:
                self.last_probe_seen = time.monotonic()
                continue
            yield data

    @property
    def healthy(self) -> bool:
        return time.monotonic() - self.last_probe_seen < DEAF_AFTER_S

    async def probe(self) -> bool:
        """Send a probe round the loop; if none came back lately, force a resubscribe."""
        self.probe_sent_at = time.monotonic()
        await self._publish({"method": PROBE, "host_id": self.host_id})
        if not self.healthy and getattr(self, "pubsub", None) is not None:
            log.warning("cross-process event listener is deaf; resubscribing")
            with contextlib.suppress(Exception):
                await self.pubsub.aclose()
            self.connected = False
        return self.healthy



class PeerAwareRedisManager(RoomIndex, WatchedRedisManager):
    """Publishes an emit to Redis only when another process listens on the channel.

    A process alone on its Redis (the usual single-process install) would otherwise pay, per emit,
    a JSON dump and ``PUBLISH``, then read its own message back and drop it: about half the CPU of
    a chat message (docs/performance.md). Local clients are always emitted to directly.

    Knowing who listens:

    - ``PUBSUB NUMSUB`` on the channel, minus this process, after each (re)subscribe and then at
      every sweep (``probe``). Unknown (not subscribed yet, Redis error, own probe not back within
      5 s) counts as "not alone", so the failure mode is publishing, never dropping.
    - A process that has just subscribed publishes a hello; everyone already listening switches to
      publishing on receipt and answers with an ack. ``join`` waits (bounded) for the acks of every
      process counted by its NUMSUB, and the app awaits it before it accepts connections, so no
      client of the new process can be in a room before the others publish to it. A NUMSUB reply
      that was asked before the latest hello/ack never lowers the count (replies and hellos arrive
      on different connections, in either order).
    - What remains: a resubscribe after a Redis outage whose hello reaches a peer that is itself
      still resubscribing; the peers' NUMSUB at the next sweep (2 s) repairs it, and events during
      an outage were not delivered before either.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others: int | None = None  # other processes listening; None = unknown
        self.subscribed = False
        self._peer_seen_at = 0.0
        self._acks_expected = 0
        self._acks = 0
        self._joined = asyncio.Event()

    @property
    def alone(self) -> bool:
        # NUMSUB minus one is only "the others" while this process surely listens: its latest probe
        # must have come back, or be out for less than ALONE_PROBE_S; else count as not alone.
        # Measured from when the probe was sent, not from when the last one came back: a busy
        # process sweeps (and so probes) late, and must not fall back to publishing every emit to
        # Redis just because it is busy (a drain profile had 8 % of its samples in that).
        now = time.monotonic()
        answered = self.last_probe_seen >= self.probe_sent_at and now - self.last_probe_seen < ALONE_ANSWERED_S
        fresh = answered or now - self.probe_sent_at < ALONE_PROBE_S
        return self.subscribed and self.others == 0 and fresh

    async def emit(self, event: str, data: Any, namespace: str | None = None, room: Any = None,
                   skip_sid: Any = None, callback: Any = None, to: Any = None, **kwargs: Any) -> Any:
        if self.alone and callback is None:
            return await self._emit_here(event, data, namespace or "/", to or room, skip_sid)
        return await super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                                  callback=callback, to=to, **kwargs)

    async def _emit_here(self, event: str, data: Any, namespace: str, room: Any, skip_sid: Any) -> None:
        """python-socketio's local emit (AsyncManager.emit) without a task per recipient: encoded
        once, and written straight to every idle websocket as one ready frame (direct_write.py);
        other sockets get the packet queued for their writer as before. Nothing is encoded for a
        room nobody is in (e.g. ``queue:changed`` with no manager online)."""
        if namespace not in self.rooms:
            return
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        recipients = [eio_sid for sid, eio_sid in self.get_participants(namespace, room) if sid not in skip]
        if not recipients:
            return
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        frames = [eio_packet.Packet(eio_packet.MESSAGE, p) for p in (encoded if isinstance(encoded, list) else [encoded])]
        ready = text_frame(frames[0].encode()) if len(frames) == 1 and isinstance(encoded, str) else None
        sockets = self.server.eio.sockets
        for eio_sid in recipients:
            if ready is not None:
                sock = sockets.get(eio_sid)
                if isinstance(sock, DirectSocket) and sock.write_now(ready):
                    continue
            for frame in frames:
                try:
                    await self.server._send_eio_packet(eio_sid, frame)
                except Exception:  # one broken socket must not stop the others
                    log.exception("emit %s to %s failed", event, eio_sid)

    async def join(self, timeout: float) -> bool:
        """Wait until subscribed and every process that listened before has seen our hello."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._joined.wait(), timeout)
        if not self._joined.is_set():
            log.warning("not every server process answered within %.0f s; they will notice at their next sweep",
                        timeout)
        return self._joined.is_set()

    async def probe(self) -> bool:
        healthy = await super().probe()
        await self.count_others()
        return healthy

    async def count_others(self) -> int | None:
        asked_at = time.monotonic()
        try:
            [(_, listening)] = await self.redis.pubsub_numsub(self.channel)
        except Exception as exc:  # noqa: BLE001 - any failure means "unknown", i.e. keep publishing
            log.debug("PUBSUB NUMSUB failed: %s", exc)
            self.others = None
            return None
        others = max(0, int(listening) - (1 if self.subscribed else 0))
        if others > 0 or self._peer_seen_at < asked_at:
            self.others = others
        return self.others

    # -- listening -------------------------------------------------------------------------------
    def _redis_connect(self) -> None:
        # The product's own client (a pool that waits when busy, Sentinel URLs followed); keep the
        # subscribe confirmations: they say when this process really listens.
        self.redis = redis_client(self.redis_url, **self.redis_options)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=False)
        self.connected = True

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:  # type: ignore[override]
        async for message in super()._redis_listen_with_retries():
            kind = message.get("type")
            if kind in (b"subscribe", "subscribe"):
                await self._on_subscribed()
            elif kind in (b"unsubscribe", "unsubscribe"):
                self.subscribed = False
            else:
                yield message

    async def _on_subscribed(self) -> None:
        self.subscribed = True
        self._acks = 0
        others = await self.count_others()
        self._acks_expected = others or 0
        await self._publish({"method": HELLO, "host_id": self.host_id})
        if others == 0:
            self._joined.set()

    async def _listen(self) -> AsyncIterator[Any]:  # type: ignore[override]
        async for data in super()._listen():
            if isinstance(data, bytes) and b'"chat_hello' in data and await self._greeting(data):
                continue
            yield data

    async def _greeting(self, data: bytes) -> bool:
        """Handle a hello or an ack; False when ``data`` is something else (e.g. a chat message
        that merely contains the word)."""
        try:
            message = json.loads(data)
        except ValueError:
            return False
        if not isinstance(message, dict) or message.get("method") not in (HELLO, HELLO_ACK):
            return False
        method, sender = message["method"], message.get("host_id")
        if sender == self.host_id or (method == HELLO_ACK and message.get("to") != self.host_id):
            return True
        self._peer_seen_at = time.monotonic()
        self.others = max(self.others or 0, 1)
        if method == HELLO:
            await self._publish({"method": HELLO_ACK, "host_id": self.host_id, "to": sender})
        else:
            self._acks += 1
            if self._acks >= self._acks_expected:
                self._joined.set()
        return True
