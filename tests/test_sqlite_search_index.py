"""SQLite's full-text index is filled in batches (migration 0008), not inside every message's COMMIT:
a search still sees the message stored a moment ago, and the background round keeps up on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from chat_server.store.database import SqliteDatabase
from chat_server.store.sqlite_hot import WARM_UP, WARM_UP_LAST, SqliteStore


async def _progress(store: SqliteStore) -> int:
    [(through,)] = await store.db.execute_fetchall("SELECT indexed_through FROM fts_progress")
    return int(through)


async def test_search_sees_a_message_stored_a_moment_ago(tmp_path: Path) -> None:
    store = SqliteStore(SqliteDatabase(tmp_path / "chat.db"), index_interval_s=3600)
    await store.open()
    try:
        visitor = await store.create_visitor("hash", 1.0)
        conversation = await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hello", client_id=None, now=1.0)
        await store.append_message(conversation.id, author_kind="visitor", author_id=visitor.id, author_name=None,
                                   text="my parcel zebrafish never arrived", client_id=None, now=2.0)
        before = await _progress(store)
        found = await store.search_conversations(q="zebrafi", visitor_email=None, agent_id=None, visible_to=None,
                                                 from_ts=None, to_ts=None)
        assert [c.id for c in found] == [conversation.id]
        assert await _progress(store) == before + 2  # both messages went in with the search
        assert await store.index_messages() == 0
    finally:
        await store.close()


async def test_the_background_round_indexes_without_a_search(tmp_path: Path) -> None:
    store = SqliteStore(SqliteDatabase(tmp_path / "chat.db"), index_interval_s=0.1)
    await store.open()
    try:
        visitor = await store.create_visitor("hash", 1.0)
        await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hello", client_id=None, now=1.0)
        for _ in range(50):
            if await _progress(store) > 0:
                break
            await asyncio.sleep(0.05)
        assert await _progress(store) > 0
        [(matches,)] = await store.db.execute_fetchall(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'hello'")
        assert matches == 1
    finally:
        await store.close()


async def test_the_store_warms_the_loops_connection_through_its_hot_indexes(tmp_path: Path) -> None:
    """The warm-up reads the b-trees a message's transaction walks, each by its index, and an
    indexing round (a write on the thread's connection) runs it."""
    store = SqliteStore(SqliteDatabase(tmp_path / "chat.db"), index_interval_s=3600)
    await store.open()
    statements: list[str] = []
    try:
        visitor = await store.create_visitor("hash", 1.0)
        await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hello", client_id=None, now=1.0)
        here = store.sqlite._here
        assert here is not None
        for sql in WARM_UP + WARM_UP_LAST:
            plan = " ".join(str(row[3]) for row in here.execute("EXPLAIN QUERY PLAN " + sql, ("c_x",) * sql.count("?")))
            assert plan.startswith("SEARCH"), (sql, plan)  # a walk from the root, never a scan
        here.set_trace_callback(statements.append)
        assert await store.index_messages() == 1
        assert statements[0] == "BEGIN" and statements[-1] == "COMMIT"
        assert len(statements) == len(WARM_UP) + len(WARM_UP_LAST) + 2
        assert not here.in_transaction
        statements.clear()
        assert await store.index_messages() == 0  # nothing written: nothing to warm
        assert statements == []
    finally:
        store.sqlite._here.set_trace_callback(None)
        await store.close()
