"""A message's seq comes from the messages it follows (migration 0009), not from a counter on the
conversation: on SQLite a message writes three b-trees, and a database made before the change keeps
its transcripts, their order and their search index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chat_server.models import WriteGuard
from chat_server.store.database import SqliteDatabase
from chat_server.store.migrations import load_migrations
from chat_server.store.sqlite_hot import GUARDED_HEAD, SEQ_HEAD, SqliteStore


def _database_as_of(path: Path, version: int) -> sqlite3.Connection:
    """A file migrated up to ``version``, as the store would have left it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT)")
    for migration in load_migrations("sqlite"):
        if migration.version > version:
            break
        for statement in migration.statements:
            db.execute(statement)
        db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (migration.version, migration.name))
    return db


async def test_a_database_from_before_keeps_its_messages_their_order_and_their_search(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    old = _database_as_of(path, 8)
    old.execute("INSERT INTO visitors (id, token_hash, created_at) VALUES ('v_1', 'hash', 1.0)")
    old.execute("INSERT INTO conversations (id, visitor_id, status, created_at, last_seq)"
                " VALUES ('c_1', 'v_1', 'queued', 1.0, 2)")
    for seq, text in ((1, "my zebrafish parcel"), (2, "still waiting")):
        old.execute("INSERT INTO messages (id, conversation_id, seq, client_id, author_kind, author_id, text,"
                    " created_at) VALUES (?, 'c_1', ?, ?, 'visitor', 'v_1', ?, 1.0)", (f"m_{seq}", seq, f"k{seq}", text))
    old.execute("INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages")
    old.execute("UPDATE fts_progress SET indexed_through = (SELECT MAX(rowid) FROM messages)")
    rowids = old.execute("SELECT rowid, id FROM messages ORDER BY rowid").fetchall()
    old.close()

    store = SqliteStore(SqliteDatabase(path, checkpoint_interval_s=3600), index_interval_s=3600)
    await store.open()
    try:
        here = store.sqlite._here
        assert here is not None
        assert [tuple(r) for r in here.execute("SELECT rowid, id FROM messages ORDER BY rowid")] == rowids
        assert "last_seq" not in {r["name"] for r in here.execute("PRAGMA table_info(conversations)")}
        indexes = {r["name"] for r in here.execute("PRAGMA index_list(messages)")}
        assert indexes == {"sqlite_autoindex_messages_1", "messages_client"}  # (conversation_id, seq), client ids
        conversation = await store.get_conversation("c_1", with_messages=True)
        assert conversation is not None and conversation.last_seq == 2
        assert [m.text for m in conversation.messages] == ["my zebrafish parcel", "still waiting"]

        appended = await store.append_guarded(
            "c_1", WriteGuard("visitor_id", "v_1"), author_kind="visitor", author_id="v_1", author_name=None,
            text="hello again", client_id="k3", now=2.0)
        assert appended is not None and appended.created and appended.message.seq == 3
        resent = await store.append_guarded(
            "c_1", WriteGuard("visitor_id", "v_1"), author_kind="visitor", author_id="v_1", author_name=None,
            text="my zebrafish parcel", client_id="k1", now=3.0)
        assert resent is not None and not resent.created and resent.message.seq == 1
        following, _, _ = await store.append_message(
            "c_1", author_kind="system", author_id=None, author_name=None, text="line", client_id=None, now=4.0)
        assert following.seq == 4  # a resend took no seq
        assert (await store.get_conversation("c_1")).last_seq == 4  # type: ignore[union-attr]

        found = await store.search_conversations(q="zebrafi", visitor_email=None, agent_id=None, visible_to=None,
                                                 from_ts=None, to_ts=None)
        assert [c.id for c in found] == ["c_1"]
        [(kept,)] = here.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
                                 " AND name = 'messages_fts_delete'").fetchall()
        assert kept == 1
    finally:
        await store.close()


async def test_a_message_writes_three_pages_and_never_scans(tmp_path: Path) -> None:
    """The table's last leaf, (conversation_id, seq) and messages_client: the conversation's row is
    only read. Five pages before migration 0009 (docs/performance.md, "Session 9")."""
    store = SqliteStore(SqliteDatabase(tmp_path / "chat.db", checkpoint_interval_s=3600), index_interval_s=3600)
    await store.open()
    try:
        visitor = await store.create_visitor("hash", 1.0)
        conversation = await store.create_conversation(
            visitor_id=visitor.id, name="Ann", email=None, page_url=None, first_text="hello", client_id="k0",
            now=1.0)
        here = store.sqlite._here
        assert here is not None
        for sql in (SEQ_HEAD, *GUARDED_HEAD.values()):
            plan = [str(row[3]) for row in here.execute("EXPLAIN QUERY PLAN " + sql, ("c_x",) * sql.count("?"))]
            assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)

        here.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        appended = await store.append_guarded(
            conversation.id, WriteGuard("visitor_id", visitor.id), author_kind="visitor", author_id=visitor.id,
            author_name=None, text="where is my parcel?", client_id="k1", now=2.0)
        assert appended is not None and appended.message.seq == 2 and appended.message.author_name == "Ann"
        _, frames, _ = here.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert frames == 3
    finally:
        await store.close()
