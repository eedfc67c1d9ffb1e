"""A waiting visitor's place and wait, as the server and every widget compute them.

``widget/widget.js`` has the same two functions (``placeIn``, ``estimateWait``): the server sends
each department's line as runs of tickets (``queue:line``) and the widget counts its own place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def estimate_wait(position: int, free_slots: int, total_slots: int, handle_time_s: float) -> int:
    """An honest estimate, never zero: those within the free slots are served at once (we still
    say 30 s: a person has to read and answer); beyond that a slot frees about every
    handle_time / total_slots seconds, so each visitor ahead adds that much. bench/queue_sim.py
    measures this against simulated waits (docs/queue_estimate.md)."""
    if position <= free_slots:
        return 30
    if total_slots <= 0:
        return int(max(60, position * handle_time_s))
    return int(max(30, math.ceil((position - free_slots) * handle_time_s / total_slots)))


def place_in(runs: Sequence[Sequence[int]], ticket: int) -> int:
    """1-based place of ``ticket`` in a line given as runs (first ticket, count) in line order;
    0 when it is not in the line."""
    ahead = 0
    for first, count in runs:
        if first <= ticket < first + count:
            return ahead + ticket - first + 1
        ahead += count
    return 0
