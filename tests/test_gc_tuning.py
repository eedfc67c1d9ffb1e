"""``chat-server run`` sets the collector for a long-lived server (chat_server/gc_tuning.py)."""

from __future__ import annotations

import gc

from chat_server.gc_tuning import YOUNG_THRESHOLD, tune_for_server


def test_the_server_collects_young_objects_less_often_and_never_walks_its_start_up_again():
    before = gc.get_threshold()
    try:
        kept = [object.__new__(type("Kept", (), {}))]  # a container that exists at start-up
        tune_for_server()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2])
        assert gc.get_freeze_count() > 0
        assert not any(obj is kept[0] for obj in gc.get_objects(2))  # frozen: outside every generation
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
