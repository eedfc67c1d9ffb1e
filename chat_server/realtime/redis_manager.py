"""python-socketio's Redis manager, watched.

Events between processes travel over one Redis pub/sub subscription per process. If that
listener dies or goes deaf (e.g. after a Redis restart), other processes' events silently stop
arriving. Each process therefore publishes a probe to itself every sweep; when its own probe has
not come back for a while the subscription is torn down so the library resubscribes, and
``/healthz`` reports ``pubsub: error`` until probes flow again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import socketio

log = logging.getLogger(__name__)
PROBE = "chat_probe"
DEAF_AFTER_S = 10.0


class WatchedRedisManager(socketio.AsyncRedisManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_probe_seen = time.monotonic()
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
        await self._publish({"method": PROBE, "host_id": self.host_id})
        if not self.healthy and getattr(self, "pubsub", None) is not None:
            log.warning("cross-process event listener is deaf; resubscribing")
            with contextlib.suppress(Exception):
                await self.pubsub.aclose()
            self.connected = False
        return self.healthy
