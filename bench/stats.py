"""Small measuring helpers: percentiles and CPU use over a window."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .procs import cpu_seconds


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no samples."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


@dataclass
class CpuWindow:
    """CPU share of the server and of this load generator between start() and stop(), in % of a core."""

    pid: int
    wall: float = 0.0
    server: float = 0.0
    load: float = 0.0

    def start(self) -> CpuWindow:
        self._t = time.perf_counter()
        self._server = cpu_seconds(self.pid)
        self._load = time.process_time()
        return self

    def stop(self) -> dict[str, float]:
        self.wall = time.perf_counter() - self._t
        self.server = (cpu_seconds(self.pid) - self._server) / self.wall * 100
        self.load = (time.process_time() - self._load) / self.wall * 100
        return {"server_cpu_pct": round(self.server, 1), "loadgen_cpu_pct": round(self.load, 1)}
