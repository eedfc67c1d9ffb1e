"""How big each run is. Every count and duration is bounded here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SCENARIOS = ("idle", "throughput", "assignment", "drain")


@dataclass(frozen=True)
class Profile:
    name: str
    modes: tuple[str, ...]  # product Redis modes: "embedded", "external"
    relays: tuple[str, ...]  # baselines: "python", "node"
    pairs: tuple[int, ...]  # visitor-agent conversations exchanging messages
    per_agent: int  # conversations per agent socket (agents have this capacity)
    warmup_s: float
    measure_s: float
    idle: int  # idle widgets connected for the memory / accept-rate test
    idle_concurrency: int
    assign_agents: int
    assign_visitors: int  # visitors looping start → assigned → end, concurrently
    assign_s: float
    waiting: int  # visitors in line for the drain test
    drain_agents: int
    drain_max_s: float
    agents: int  # accounts created in the product's data dir
    capacity: int
    paced_pairs: int = 50  # a latency run well below capacity: each side sends `paced_rate` msgs/s
    paced_rate: float = 1.0
    paced_slice_s: float = 2.0  # the paced run's targets take turns this long (load.paced_in_turns)
    paced_measure_s: float = 30.0  # per target: 3,000 samples, so the p99 is not the 10th-worst of 1,000
    settle_s: float = 2.0
    # Filling a 10,000-long line takes minutes per product, so the full run drains in one mode.
    drain_modes: tuple[str, ...] = ("embedded", "external")  # pause before reading a server's RSS
    scenarios: tuple[str, ...] = SCENARIOS

    def replace(self, **changes: object) -> Profile:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


FULL = Profile(
    name="full", modes=("embedded", "external"), relays=("python", "node"), pairs=(50, 200), per_agent=10,
    warmup_s=2, measure_s=10, idle=5000, idle_concurrency=100, assign_agents=10, assign_visitors=20,
    assign_s=10, waiting=10_000, drain_agents=20, drain_max_s=60, agents=20, capacity=10,
    drain_modes=("embedded",),
)

QUICK = FULL.replace(
    name="quick", modes=("embedded",), relays=("python",), warmup_s=1, measure_s=2, idle=300,
    assign_agents=5, assign_visitors=10, assign_s=2, waiting=300, drain_agents=10, drain_max_s=10,
    settle_s=1.0, paced_measure_s=6.0,
)

# For tests/test_bench_smoke.py: proves the code runs, measures nothing worth reading.
TINY = FULL.replace(
    name="tiny", modes=("embedded",), drain_modes=("embedded",), relays=("python",), pairs=(2,), per_agent=2,
    warmup_s=0.2, measure_s=0.5, idle=10, idle_concurrency=10, assign_agents=1, assign_visitors=2,
    assign_s=0.5, waiting=12, drain_agents=1, drain_max_s=5, agents=2, capacity=2, settle_s=0.2,
    paced_pairs=2, paced_rate=5.0, paced_slice_s=0.25, paced_measure_s=0.5,
)

PROFILES = {p.name: p for p in (FULL, QUICK, TINY)}
