"""SQLite's WAL is copied back into the database beside the writers, not inside a COMMIT: the
automatic checkpoint (an fsync inside whichever message's COMMIT crossed 1,000 pages) made a
message's ack wait for the disk."""

from __future__ import annotations

import asyncio
from pathlib import Path

from chat_server.store.database import SqliteDatabase


async def test_commits_never_checkpoint_and_the_background_checkpointer_does(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "chat.db", checkpoint_interval_s=0.2)
    await database.open()
    try:
        [(autocheckpoint,)] = await database.execute_fetchall("PRAGMA wal_autocheckpoint")
        assert autocheckpoint == 0
        await database.execute("CREATE TABLE t (x TEXT)")
        for _ in range(20):  # ~2 MB through the WAL, well past the automatic checkpoint's 1,000 pages
            await database.run_in_transaction(
                lambda db: db.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100))
        main_file = tmp_path / "chat.db"
        for _ in range(50):
            if main_file.stat().st_size > 1_500_000:
                break
            await asyncio.sleep(0.1)
        assert main_file.stat().st_size > 1_500_000  # the rows reached the database file itself
    finally:
        await database.close()
    assert not (tmp_path / "chat.db-wal").exists() or (tmp_path / "chat.db-wal").stat().st_size == 0
