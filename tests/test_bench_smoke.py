"""The benchmark still runs end to end (tiny profile: a handful of clients for about a second per
scenario), so it cannot rot. Asserts that numbers came out, never what they are: this machine is
shared and performance targets belong to ``python -m bench run``, not to the test suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report
from bench.load import Recorder
from bench.profile import summarize

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(150)  # ~15 s normally; generous because the machine is shared
def test_tiny_benchmark_runs_against_product_and_relay(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "results.json", tmp_path / "report.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--profile", "tiny", "--no-pin",
         "--json", str(out_json), "--markdown", str(out_md)],
        cwd=REPO, capture_output=True, text=True, timeout=140, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out_json.read_text())
    relay, product = results["targets"]["relay-python"], results["targets"]["product-embedded"]
    for target in (relay, product):
        assert target["idle"]["connections"] == 10, target
        row = target["throughput"]["2"]
        assert row["msgs_per_s"] > 0 and row["p99_ms"] is not None and row["errors"] == 0, row
        paced = target["paced"]  # both servers up at once, taking turns (load.paced_in_turns)
        assert paced["in_turns_of_s"] == 0.25 and paced["offered_per_s"] == 20.0, paced
        assert paced["msgs_per_s"] > 0 and paced["p99_ms"] is not None and paced["errors"] == 0, paced
    assert product["assignment"]["assignments"] > 0, product["assignment"]
    drain = product["drain"]
    assert drain["assigned"] > 0 and drain["positions_at_rest"]["checked"] == 12, drain
    text = out_md.read_text()
    assert "| python relay | 2 |" in text and "**Targets**" in text
    assert {c.what for c in report.checks(results)} >= {
        "memory per idle widget", "throughput, 2 pairs", "p99 latency at 20 msgs/s offered (not saturated)"}
    assert "PASS" in done.stdout or "FAIL" in done.stdout


def test_recorder_ignores_own_echo_and_unknown_messages() -> None:
    rec = Recorder()
    rec.measuring = True
    on_visitor = rec.handler("visitor")
    rec.sent["c1:v0"] = 0.0
    on_visitor({"message": {"client_id": "c1:v0", "author": {"kind": "visitor"}}})  # the product's echo
    assert rec.delivered == 0 and "c1:v0" in rec.sent
    rec.handler("agent")({"message": {"client_id": "c1:v0", "author": {"kind": "visitor"}}})
    on_visitor({"message": {"client_id": "unknown", "author": {"kind": "agent"}}})
    assert rec.delivered == 1 and not rec.sent


def test_profile_summary_groups_by_package() -> None:
    raw = (
        "run (chat_server/cli.py:55);send (chat_server/realtime/visitor.py:74);_execute (aiosqlite/core.py:158) 3\n"
        "run (chat_server/cli.py:55);emit (socketio/async_server.py:180) 1\n"
    )
    found = summarize(raw)
    assert found["by_package"][0] == ("aiosqlite (incl. sqlite3 calls)", 75.0)
    assert ("run (chat_server/cli.py)", 100.0) in found["inclusive"]


def test_slow_callback_probe_logs_a_callback_that_holds_the_loop(tmp_path: Path) -> None:
    """bench/slow_callbacks: a process named chat_server that blocks its loop for 20 ms gets a
    line naming the task; a 5 ms threshold ignores the quick one beside it. A process not named
    chat_server is left unpatched."""
    script = tmp_path / "chat_server_probe.py"  # "chat_server" in argv, as a server's command line has
    script.write_text(
        "import asyncio, time\n"
        "async def hold():\n    time.sleep(0.02)\n"
        "async def quick():\n    pass\n"
        "async def main():\n    await asyncio.gather(hold(), quick())\n"
        "asyncio.run(main())\n"
    )
    env = {"PYTHONPATH": str(REPO / "bench" / "slow_callbacks"), "BENCH_SLOW_DIR": str(tmp_path / "out"),
           "BENCH_SLOW_MS": "5", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(script)], env=env, check=True, timeout=30)
    [log] = (tmp_path / "out").glob("*.log")
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith("task hold"), lines
    assert float(lines[0].split()[1]) >= 20
    other = tmp_path / "relay_probe.py"
    other.write_text(script.read_text())
    subprocess.run([sys.executable, str(other)], env=env, check=True, timeout=30)
    assert [p.name for p in (tmp_path / "out").glob("*.log")] == [log.name]
