"""The event loop's own SQLite connection (store/database.py): hot reads and group commits run on it
in place, never wait there, and go to aiosqlite's thread whenever another connection holds the write
lock, so nothing is lost, reordered or stuck and the loop keeps turning meanwhile."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from pathlib import Path

import pytest

from chat_server.store.database import IntegrityError, SqliteDatabase
from chat_server.store.group_commit import GroupCommit


@pytest.fixture
async def database(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = SqliteDatabase(tmp_path / "chat.db")
    await db.open()
    await db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    yield db
    await db.close()


def insert(x: int):  # type: ignore[no-untyped-def]
    return lambda conn: conn.execute("INSERT INTO t VALUES (?)", (x,)).rowcount


async def rows(database: SqliteDatabase) -> list[int]:
    return [r[0] for r in await database.execute_fetchall("SELECT x FROM t ORDER BY x")]


async def test_the_loops_connection_never_waits_and_never_checkpoints(database):
    here = database._here
    assert here is not None
    assert here.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert here.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    assert here.execute("PRAGMA foreign_keys").fetchone()[0] == 1


async def test_a_group_commit_runs_in_place_when_the_lock_is_free(database):
    statements: list[str] = []
    database._here.set_trace_callback(statements.append)
    group = GroupCommit(database, quiet_s=math.inf)  # never quiet: every write waits for its group
    assert await asyncio.gather(*(group.run(insert(i)) for i in range(5))) == [1] * 5
    database._here.set_trace_callback(None)
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 1  # one transaction
    assert await rows(database) == [0, 1, 2, 3, 4]


async def test_after_a_quiet_spell_a_write_commits_in_its_callers_turn_and_the_next_ones_group(database):
    statements: list[str] = []
    database._here.set_trace_callback(statements.append)
    group = GroupCommit(database, quiet_s=0.5)
    turned: list[str] = []
    asyncio.get_running_loop().call_soon(turned.append, "turn")
    assert await group.run(insert(0)) == 1
    assert turned == []  # committed before the loop turned once: no task, no wake-up
    assert statements == ["BEGIN IMMEDIATE", "INSERT INTO t VALUES (0)", "COMMIT"]
    # Right behind it (within quiet_s) writes share a transaction again.
    assert await asyncio.gather(*(group.run(insert(i)) for i in range(1, 5))) == [1] * 4
    assert statements.count("BEGIN IMMEDIATE") == 2
    await asyncio.sleep(0.6)
    turned.clear()
    asyncio.get_running_loop().call_soon(turned.append, "turn")
    assert await group.run(insert(5)) == 1 and turned == []  # quiet again
    database._here.set_trace_callback(None)
    assert await rows(database) == [0, 1, 2, 3, 4, 5]


async def test_a_quiet_write_that_fails_raises_to_its_caller_and_leaves_the_connection_clean(database):
    group = GroupCommit(database, quiet_s=0.0)
    assert await group.run(insert(1)) == 1
    await asyncio.sleep(0.01)
    with pytest.raises(IntegrityError):
        await group.run(insert(1))
    assert not database._here.in_transaction
    assert await group.run(insert(2)) == 1
    assert await rows(database) == [1, 2]


async def test_writes_wait_on_the_thread_while_another_process_holds_the_lock_and_the_loop_turns(
        database, tmp_path):
    other = sqlite3.connect(tmp_path / "chat.db", isolation_level=None)  # as a second server process
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (100)")
    group = GroupCommit(database)
    writes = asyncio.ensure_future(asyncio.gather(*(group.run(insert(i)) for i in range(3))))
    ticks = 0
    started = time.monotonic()
    while time.monotonic() - started < 0.4:  # the loop is free while the writes wait for the lock
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks >= 20 and not writes.done()
    # A reader is not held up by the writer (WAL), on the loop's connection either.
    assert await database.read(lambda conn: conn.execute("SELECT COUNT(*) FROM t").fetchone()[0]) == 0
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(writes, 10) == [1, 1, 1]
    assert await rows(database) == [0, 1, 2, 100]


async def test_writes_asked_during_a_multi_step_transaction_go_after_it(database):
    group = GroupCommit(database)
    order: list[str] = []
    async with database.transaction() as tx:
        later = asyncio.ensure_future(group.run(insert(2)))
        await asyncio.sleep(0.05)
        assert not later.done()  # it waits for the transaction in progress, not beside it
        await tx.execute("INSERT INTO t VALUES (1)")
        order.append("transaction")
    assert await later == 1
    assert await rows(database) == [1, 2] and order == ["transaction"]


async def test_a_refused_write_fails_alone_and_the_loops_connection_is_left_clean(database):
    await database.run_in_transaction(insert(7), here=True)
    group = GroupCommit(database)
    results = await asyncio.gather(group.run(insert(8)), group.run(insert(7)), group.run(insert(9)),
                                   return_exceptions=True)
    assert results[0] == 1 and isinstance(results[1], IntegrityError) and results[2] == 1
    assert not database._here.in_transaction
    assert await rows(database) == [7, 8, 9]

