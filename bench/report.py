"""Targets (PASS/FAIL) and the markdown report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

THROUGHPUT_RATIO = 0.75  # product msgs/s >= 0.75 x relay
P99_RATIO = 1.5  # product p99 <= 1.5 x relay
KB_PER_IDLE = 40.0
ASSIGNMENTS_PER_S = 500.0
FULL_WAITING = 10_000


@dataclass(frozen=True)
class Check:
    target: str
    what: str
    value: str
    goal: str
    ok: bool | None  # None: could not be measured

    @property
    def verdict(self) -> str:
        return "n/a" if self.ok is None else ("PASS" if self.ok else "FAIL")


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _ratio(a: Any, b: Any) -> float | None:
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b:
        return None
    return a / b


def checks(results: dict[str, Any]) -> list[Check]:
    out: list[Check] = []
    targets = results["targets"]
    relay = targets.get("relay-python", {})
    for key, product in targets.items():
        if not key.startswith("product-"):
            continue
        name = product["name"]
        for n, row in (product.get("throughput") or {}).items():
            base = _get(relay, "throughput", n)
            r = _ratio(_get(row, "msgs_per_s"), _get(base, "msgs_per_s"))
            out.append(Check(name, f"throughput, {n} pairs", _fmt_ratio(r), f">= {THROUGHPUT_RATIO} x relay",
                             None if r is None else r >= THROUGHPUT_RATIO))
            # Same goal per CPU-second: what each would do with a whole core, robust to other load.
            r = _ratio(_get(base, "cpu_us_per_msg"), _get(row, "cpu_us_per_msg"))
            out.append(Check(name, f"throughput per CPU-second, {n} pairs", _fmt_ratio(r),
                             f">= {THROUGHPUT_RATIO} x relay", None if r is None else r >= THROUGHPUT_RATIO))
            r = _ratio(_get(row, "p99_ms"), _get(base, "p99_ms"))
            out.append(Check(name, f"p99 latency, {n} pairs", _fmt_ratio(r), f"<= {P99_RATIO} x relay",
                             None if r is None else r <= P99_RATIO))
        paced, base = product.get("paced"), relay.get("paced")
        if isinstance(paced, dict) and paced.get("offered_per_s"):
            r = _ratio(paced.get("p99_ms"), _get(base, "p99_ms"))
            out.append(Check(name, f"p99 latency at {paced['offered_per_s']:g} msgs/s offered (not saturated)",
                             _fmt_ratio(r), f"<= {P99_RATIO} x relay", None if r is None else r <= P99_RATIO))
        kb = _get(product, "idle", "kb_per_connection")
        out.append(Check(name, "memory per idle widget", f"{kb} KB" if kb is not None else "-",
                         f"<= {KB_PER_IDLE:.0f} KB", None if kb is None else kb <= KB_PER_IDLE))
        drain = product.get("drain") or {}
        rate = drain.get("assignments_per_s")
        waiting = drain.get("waiting")
        note = "" if waiting in (None, FULL_WAITING) else f" (only {waiting} waiting)"
        out.append(Check(name, f"assignments/s with {FULL_WAITING:,} waiting{note}",
                         "-" if rate is None else f"{rate:,.0f}/s", f">= {ASSIGNMENTS_PER_S:.0f}/s",
                         None if rate is None else rate >= ASSIGNMENTS_PER_S))
        parts = [drain.get(k) for k in ("positions_at_rest", "positions_moving", "positions_after_stop")]
        if all(isinstance(p, dict) for p in parts):
            wrong = sum(p["wrong"] for p in parts)
            checked = sum(p["checked"] for p in parts)
            out.append(Check(name, "queue positions correct within 2 s", f"{wrong:,} wrong of {checked:,}",
                             "0 wrong", wrong == 0))
        else:
            out.append(Check(name, "queue positions correct within 2 s", "-", "0 wrong", None))
    return out


def _fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:.2f}x"


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def markdown(results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    targets = results["targets"]
    relay = targets.get("relay-python", {})
    redis_v = meta.get("redis_server", {})
    lines = [
        f"Run `{meta.get('argv', '')}` (profile **{results['profile']}**) finished {meta.get('date')}, "
        f"commit {meta.get('commit')}.",
        "",
        f"- Machine: {meta.get('nproc')} cores, {meta.get('cpu')}; {results.get('pinning')}. "
        f"Load average (1 min) before/after: {_cell(results.get('loadavg_before'))} / "
        f"{_cell(results.get('loadavg_after'))} (other work on a shared box lowers every number).",
        f"- Python {meta.get('python')}, aiohttp {meta.get('aiohttp')}, python-socketio "
        f"{meta.get('python-socketio')} (engineio {meta.get('python-engineio')}), redis-py {meta.get('redis-py')}, "
        f"uvloop {meta.get('uvloop')}, orjson {meta.get('orjson')}.",
        f"- Redis server: embedded {redis_v.get('embedded')}, external {redis_v.get('external')}. "
        f"Node relay: {meta.get('node')}.",
    ]
    for key, why in results.get("skipped", {}).items():
        lines.append(f"- Skipped {key}: {why}.")
    lines += ["", "**Messages between visitor-agent pairs** (each side sends as soon as its previous ack is back, "
              "or at a fixed rate in the `N @ R/s` rows, where all targets run at once and take turns; latency = "
              "send until the partner's `message:new`; CPU µs/msg counts the server process plus, for the "
              "product in the saturated rows, its Redis)", ""]
    rows = []
    for key, t in targets.items():
        runs = [(n, row, _get(relay, "throughput", n)) for n, row in (t.get("throughput") or {}).items()]
        if isinstance(t.get("paced"), dict) and t["paced"].get("offered_per_s"):
            paced = t["paced"]
            runs.append((f"{paced['pairs']} @ {paced['offered_per_s']:g}/s", paced, relay.get("paced")))
        for n, row, base in runs:
            rows.append([t["name"], n, row.get("msgs_per_s"), row.get("p50_ms"), row.get("p99_ms"),
                         _fmt_ratio(_ratio(row.get("msgs_per_s"), _get(base, "msgs_per_s"))),
                         _fmt_ratio(_ratio(row.get("p99_ms"), _get(base, "p99_ms"))),
                         row.get("cpu_us_per_msg"),
                         _fmt_ratio(_ratio(row.get("cpu_us_per_msg"), _get(base, "cpu_us_per_msg"))),
                         row.get("server_cpu_pct"), row.get("redis_cpu_pct"), row.get("loadgen_cpu_pct"),
                         row.get("error") or row.get("errors")])
    lines += _table(["target", "pairs", "msgs/s", "p50 ms", "p99 ms", "msgs/s vs relay", "p99 vs relay",
                     "CPU µs/msg", "CPU/msg vs relay", "server CPU %", "Redis CPU %", "loadgen CPU %", "errors"],
                    rows)
    lines += ["**Idle widgets** (RSS growth of the server process / connections; accepted = the server answered "
              "the connect)", ""]
    rows = []
    for key, t in targets.items():
        idle = t.get("idle") or {}
        rows.append([t["name"], idle.get("connections"), idle.get("kb_per_connection"),
                     _fmt_ratio(_ratio(idle.get("kb_per_connection"), _get(relay, "idle", "kb_per_connection"))),
                     idle.get("accepted_per_s"),
                     _fmt_ratio(_ratio(idle.get("accepted_per_s"), _get(relay, "idle", "accepted_per_s"))),
                     idle.get("connect_p99_ms"), idle.get("error") or idle.get("failures")])
    lines += _table(["target", "connections", "KB/connection", "vs relay", "accepted/s", "vs relay",
                     "connect p99 ms", "errors"], rows)
    lines += _queue_tables(targets)
    lines += ["**Targets**", ""]
    lines += _table(["target", "what", "measured", "goal", "verdict"],
                    [[c.target, c.what, c.value, c.goal, f"**{c.verdict}**"] for c in checks(results)])
    return "\n".join(lines)


def _queue_tables(targets: dict[str, Any]) -> list[str]:
    rows, drains = [], []
    for key, t in targets.items():
        a = t.get("assignment")
        if a is not None:
            rows.append([t["name"], a.get("agents"), a.get("concurrent_visitors"), a.get("assignments_per_s"),
                         a.get("p50_ms"), a.get("p99_ms"), a.get("server_cpu_pct"), a.get("error") or a.get("errors")])
        d = t.get("drain")
        if d is not None:
            pos = [d.get(k) or {} for k in ("positions_at_rest", "positions_moving", "positions_after_stop")]
            drains.append([t["name"], d.get("waiting"), f"{d.get('agents')} x {d.get('capacity')}",
                           d.get("queued_per_s"), d.get("assigned"), d.get("assignments_per_s"),
                           d.get("updates_per_assignment"),
                           " / ".join(f"{p.get('wrong', '-')}" for p in pos), d.get("server_cpu_pct"),
                           d.get("error")])
    out: list[str] = []
    if rows:
        out += ["**Assignment with free agents** (visitors loop `chat:start` → `chat:assigned` → `chat:end`)", ""]
        out += _table(["target", "agents", "visitors", "assignments/s", "p50 ms", "p99 ms", "server CPU %",
                       "errors"], rows)
    if drains:
        out += ["**Draining a long line** (agents close each chat the moment it is assigned, until half the line "
                "is served; positions checked against Redis at rest / while moving (2 s grace) / 2 s after the "
                "agents stop)", ""]
        out += _table(["target", "waiting", "agents x capacity", "queued/s", "assigned", "assignments/s",
                       "queue-position messages per assignment", "wrong positions rest / moving / stopped", "server CPU %",
                       "error"], drains)
    return out


def summary(results: dict[str, Any]) -> str:
    return "\n".join(f"{c.verdict:4}  {c.target}: {c.what}: {c.value} (goal {c.goal})" for c in checks(results))
