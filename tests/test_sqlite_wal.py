"""SQLite's WAL is copied back into the database beside the writers, not inside a COMMIT: the
automatic checkpoint (an fsync inside whichever message's COMMIT crossed 1,000 pages) made a
message's ack wait for the disk."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

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


def _wal_salt(path: Path) -> bytes:
    """The WAL header's salts: SQLite changes them every time the WAL starts over from its beginning."""
    with path.open("rb") as wal:
        return wal.read(32)[16:24]


async def test_the_checkpointer_starts_the_wal_over_so_no_commit_on_the_loop_does(tmp_path: Path) -> None:
    """The first write after a complete checkpoint restarts the WAL and fsyncs its header; the
    checkpointer makes that write itself (database._start_wal_over), not the next message's COMMIT."""
    database = SqliteDatabase(tmp_path / "chat.db", checkpoint_interval_s=3600)  # rounds run by hand
    await database.open()
    wal = tmp_path / "chat.db-wal"
    checkpointer = await aiosqlite.connect(tmp_path / "chat.db", isolation_level=None)
    try:
        await database.execute("CREATE TABLE t (x TEXT)")

        async def write_on_the_loop() -> None:
            await database.run_in_transaction(lambda db: db.execute("INSERT INTO t VALUES ('m')"), here=True)

        # Without the restart write, the loop's next COMMIT is the one that starts the WAL over.
        await write_on_the_loop()
        before = _wal_salt(wal)
        await checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        await write_on_the_loop()
        assert _wal_salt(wal) != before

        for _ in range(3):
            before = _wal_salt(wal)
            await database.checkpoint(checkpointer)
            restarted = _wal_salt(wal)
            assert restarted != before  # the checkpointer started the WAL over
            await write_on_the_loop()
            assert _wal_salt(wal) == restarted  # the loop's COMMIT only appended to it
        [(count,)] = await database.execute_fetchall("SELECT COUNT(*) FROM t")
        assert count == 5
        [(version,)] = await database.execute_fetchall("PRAGMA user_version")
        assert version == 0  # rewritten with its own value, never changed
    finally:
        await checkpointer.close()
        await database.close()


async def test_the_wal_stays_bounded_while_writers_never_pause(tmp_path: Path) -> None:
    """Passive checkpoints alone never let the WAL start over while the loop writes without a
    break (1 GB in 14 s of the benchmark); past ``wal_restart_pages`` the checkpointer holds the
    writers back briefly and starts it over. Every write still lands."""
    database = SqliteDatabase(tmp_path / "chat.db", checkpoint_interval_s=0.05, wal_restart_pages=256)
    await database.open()
    wal = tmp_path / "chat.db-wal"
    written = 0
    largest = 0
    try:
        await database.execute("CREATE TABLE t (x TEXT)")
        loop = asyncio.get_running_loop()
        until = loop.time() + 2.0
        rows = [("x" * 2000,)] * 20  # ~40 KB a transaction
        while loop.time() < until:
            await database.run_in_transaction(lambda db: db.executemany("INSERT INTO t VALUES (?)", rows), here=True)
            written += len(rows)
            largest = max(largest, wal.stat().st_size)
            await asyncio.sleep(0)  # let the checkpointer's hops come back, nothing more
        [(count,)] = await database.execute_fetchall("SELECT COUNT(*) FROM t")
        assert count == written
        through = written * 2000
        assert through > 40 * 2**20, written  # enough went through to matter
        # Without the held-back restart the WAL keeps every page written (largest ~ through).
        assert largest < through / 4, f"the WAL grew to {largest / 2**20:.0f} of {through / 2**20:.0f} MB"
    finally:
        await database.close()


async def test_after_the_checkpointer_writes_the_loops_connection_is_warmed_at_once(tmp_path: Path) -> None:
    """Its write starts the WAL over and so drops the loop connection's page cache; the pages a
    message walks are read back right away (SqliteDatabase.rewarm), not by the next message."""
    database = SqliteDatabase(tmp_path / "chat.db", checkpoint_interval_s=3600)  # rounds run by hand
    await database.open()
    checkpointer = await aiosqlite.connect(tmp_path / "chat.db", isolation_level=None)
    warmed: list[object] = []
    database.warm_up = warmed.append
    try:
        await database.execute("CREATE TABLE t (x TEXT)")
        await database.run_in_transaction(lambda db: db.execute("INSERT INTO t VALUES ('m')"), here=True)
        await database.checkpoint(checkpointer)
        assert warmed == [database._here]  # on the loop's own connection, once
        await database.checkpoint(checkpointer)  # nothing new: the WAL starts over again, so again
        assert len(warmed) == 2

        def busy(_: object) -> None:
            exc = sqlite3.OperationalError("database is locked")
            exc.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
            raise exc

        database.warm_up = busy  # a busy connection is left for its next user to refill
        await database.checkpoint(checkpointer)

        def broken(_: object) -> None:
            raise sqlite3.OperationalError("no such table: conversations")

        database.warm_up = broken  # anything else is a real fault and says so
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            database.rewarm()
    finally:
        await checkpointer.close()
        await database.close()

