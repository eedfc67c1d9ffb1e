"""The soak still runs end to end (a handful of clients for a few seconds), so it cannot rot.
Asserts what must hold at any speed (nothing lost, nothing duplicated, numbers came out), never how
fast: the five-minute run and its memory verdict belong to ``python -m bench soak``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench.soak import audit, slope_mb_per_min
from bench.soak_clients import Ledger

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(150)  # ~25 s normally; generous because the machine is shared
def test_tiny_soak_runs_and_loses_nothing(tmp_path: Path) -> None:
    out_json = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "soak", "--visitors", "8", "--agents", "2", "--minutes", "0.25",
         "--no-pin", "--json", str(out_json)],
        cwd=REPO, capture_output=True, text=True, timeout=140, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out_json.read_text())
    assert result["audit"]["lost"] == 0 and result["audit"]["duplicated"] == 0, result["audit"]
    assert result["counts"]["chats started"] > 0 and result["counts"]["visitor messages acked"] > 0, result
    assert result["messages_stored"] > 0 and not result["crashed_clients"] and result["server_cpu_pct"] > 0, result
    assert result["memory"]["samples"] >= 3 and result["memory"]["peak_mb"] > 0, result["memory"]
    assert "| visitors / agents / minutes" in done.stdout and "zero lost" in done.stdout


def _message(seq: int, client_id: str | None, kind: str = "visitor") -> SimpleNamespace:
    return SimpleNamespace(seq=seq, client_id=client_id, author_kind=kind)


def test_audit_counts_lost_undelivered_and_duplicated() -> None:
    ledger = Ledger()
    ledger.ack("c1", "v-1", "visitor", {"seq": 1})
    ledger.ack("c1", "a-1", "agent", {"seq": 2})
    ledger.ack("c1", "a-1", "agent", {"seq": 3})  # a resend answered with another seq
    ledger.got("agent", {"conversation_id": "c1", "seq": 1}, resumed=True)
    ledger.ack("c2", "v-2", "visitor", {"seq": 1})  # never stored, never taken by an agent
    stored = {"c1": [_message(1, "v-1"), _message(2, "a-1", "agent"), _message(4, "a-1", "agent")], "c2": []}
    found = audit(ledger, stored, taken={"c1"})
    assert found["lost_from_transcript"] == 1 and found["not_delivered"] == 1  # c2's; a-1 never reached c1's visitor
    assert found["duplicated_in_transcript"] == 1 and found["seq_gaps"] == 1 and found["resend_new_seq"] == 1
    assert ledger.via_resume["agent"] == 1 and ledger.contiguous("agent", "c1") == 3


def test_memory_slope_ignores_the_warm_up() -> None:
    mb = 2**20
    samples = [(0.0, 50 * mb), (10.0, 80 * mb)] + [(t, int(80 * mb + t / 60 * mb)) for t in (20.0, 40.0, 60.0, 80.0)]
    assert slope_mb_per_min(samples, after_s=20) == pytest.approx(1.0, abs=0.02)
    assert slope_mb_per_min(samples[:3], after_s=20) is None
