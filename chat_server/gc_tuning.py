"""The garbage collector set for a server that holds thousands of connections.

CPython's defaults suit short programs: a young collection every 700 container allocations, so
every future, frame and packet in flight is promoted, and a full collection whenever the old
generation has grown by a quarter. A server with 10,000 widgets connected holds ~850,000
long-lived objects (sockets, sessions, coroutine frames); a full collection walks all of them
(0.7-1.5 s on the benchmark machine: a pause in every chat) and frees almost nothing. Measured on
the 10,000-waiting drain: 24 full collections and 20 s of collector CPU with the defaults, 2 and
5 s with a young threshold of 10,000 (docs/performance.md, "Drain, fourth pass").

Applied by ``chat-server run`` only: an app built in a test or embedded in another program leaves
its host's collector alone.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # container allocations between young collections (CPython: 700)


def tune_for_server() -> None:
    """Call once the app has started: what exists then (modules, templates, scripts, settings)
    lives as long as the process, so no full collection needs to walk it again."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
