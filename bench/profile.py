"""``python -m bench profile``: sample the product with py-spy while the bench loads it, and say
where the time goes (by package and by function), so docs/performance.md can name what dominates.

py-spy samples the running server from outside (no code change, ~1% overhead with --nonblocking).
"""

from __future__ import annotations

import asyncio
import collections
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from . import load, queueing
from .procs import Pinning
from .targets import Product

FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")
BUCKETS = [
    ("/chat_server/", "chat_server (our code)"), ("/socketio/", "python-socketio"),
    ("/engineio/", "python-engineio"), ("/aiohttp/", "aiohttp"), ("/aiosqlite/", "aiosqlite (incl. sqlite3 calls)"),
    ("/redis/", "redis-py"), ("/json/", "json"), ("/asyncio/", "asyncio"), ("/uvloop/", "uvloop"),
    ("/multidict/", "multidict"), ("/argon2/", "argon2"), ("/selectors.py", "epoll wait (idle)"),
    ("/threading.py", "threading"), ("/queue.py", "queue (aiosqlite hand-off)"),
]


def bucket(path: str) -> str:
    path = "/" + path
    for needle, name in BUCKETS:
        if needle in path:
            return name
    return "other: " + path.rsplit("/", 1)[-1]


def summarize(raw: str, top: int = 25) -> dict[str, list[tuple[str, float]]]:
    """Collapsed stacks → share of samples by package (leaf frame) and by function (self, inclusive)."""
    total = 0
    by_bucket: collections.Counter[str] = collections.Counter()
    self_time: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [FRAME.match(f) for f in stack.split(";")]
        names = [f"{m['fn']} ({'/'.join(m['file'].split('/')[-2:])})" for m in frames if m]
        if not names:
            continue
        leaf = frames[-1]
        by_bucket[bucket(leaf["file"]) if leaf else "?"] += n
        self_time[names[-1]] += n
        for name in set(names):
            inclusive[name] += n

    def share(counter: collections.Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(v / max(total, 1) * 100, 1)) for k, v in counter.most_common(top)]

    return {"by_package": share(by_bucket), "self": share(self_time), "inclusive": share(inclusive)}


async def profile(scenario: str, seconds: float, out_dir: Path, pairs: int, waiting: int) -> dict[str, Any]:
    spy_bin = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if spy_bin is None:
        raise RuntimeError("py-spy is not installed: pip install py-spy")
    pinning = Pinning.detect()
    pinning.pin_load_generator()
    product = Product(out_dir, pinning, "embedded", agents=20, capacity=10)
    await product.start()
    raw_path = out_dir / f"{scenario}.collapsed"
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            spy = [spy_bin, "record", "--pid", str(product.pid), "--duration", str(int(seconds)),
                   "--rate", "200", "--nonblocking", "--format", "raw", "--output", str(raw_path)]
            started = asyncio.Event()
            if scenario == "throughput":
                run = load.throughput(product, http, pairs, 10, warmup=1, duration=seconds + 2,
                                      started_event=started)
            else:
                run = queueing.drain(product, http, waiting, 20, max_seconds=seconds + 2, started_event=started)
            task = asyncio.ensure_future(run)
            # Sample once the load is on (pairs made / line full), not during sign-ins and set-up.
            await asyncio.wait([task, asyncio.ensure_future(started.wait())], return_when=asyncio.FIRST_COMPLETED)
            proc = await asyncio.create_subprocess_exec(*spy, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, err = await proc.communicate()
            result = await task
    finally:
        await product.stop()
    if not raw_path.exists():
        raise RuntimeError(f"py-spy wrote nothing: {err.decode(errors='replace')[-500:]}")
    return {"result": result, "profile": summarize(raw_path.read_text()), "raw": str(raw_path)}
