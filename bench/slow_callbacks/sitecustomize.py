"""Logs every event-loop callback of a chat-server process that runs longer than a threshold.

A tail latency of a few milliseconds at low load is one callback holding the loop: this says which.
Put this folder on ``PYTHONPATH`` (the benchmark passes it on to the servers it starts)::

    BENCH_SLOW_DIR=/tmp/slow PYTHONPATH=bench/slow_callbacks python -m bench run --scenarios throughput

Each server process writes ``BENCH_SLOW_DIR/<pid>.log``: one line per slow callback, ``unix-time
milliseconds what`` (a task's coroutine name, else the callback). ``BENCH_SLOW_MS`` sets the
threshold (default 0.3). Only processes whose command line names chat_server are patched (decided
once, from ``sys.orig_argv``: ``sys.argv`` is not filled in yet when this runs), so the relay and the
load generator run untouched; and only the stock asyncio loop is watched (the server's; uvloop's
handles are not Python objects). Diagnostics only: nothing in the product imports this.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

THRESHOLD_S = float(os.environ.get("BENCH_SLOW_MS", "0.3")) / 1000
OUT_DIR = Path(os.environ.get("BENCH_SLOW_DIR", "/tmp/chat-slow-callbacks"))
_run = asyncio.events.Handle._run
_log: TextIO | None = None


def describe(handle: asyncio.Handle) -> str:
    owner = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        return f"task {getattr(coro, '__qualname__', coro)}"
    return repr(handle._callback)[:120]  # type: ignore[attr-defined]


def _timed_run(self: Any) -> None:
    global _log
    started = time.perf_counter()
    _run(self)
    took = time.perf_counter() - started
    if took > THRESHOLD_S:
        if _log is None:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            _log = (OUT_DIR / f"{os.getpid()}.log").open("a", buffering=1)
        _log.write(f"{time.time():.3f} {took * 1000:.2f} {describe(self)}\n")


if "chat_server" in " ".join(sys.orig_argv):
    asyncio.events.Handle._run = _timed_run  # type: ignore[method-assign]
