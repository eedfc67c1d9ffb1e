"""The database layer on SQLite and PostgreSQL: migrations, concurrent writers in two stores (two
connections or pools, as two processes have), and clear errors for a bad or unreachable database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from chat_server.config import ConfigError, Settings, load_settings
from chat_server.store import create_store
from chat_server.store.migrations import load_migrations
from chat_server.store.postgres import number_placeholders
from chat_server.store.sqlite import SqlStore

from .conftest import REDIS_URL
from .processes import ROOT, free_port

pytestmark = pytest.mark.both_databases


async def open_stores(settings: Settings, count: int) -> list[SqlStore]:
    stores = [create_store(settings) for _ in range(count)]
    await asyncio.gather(*(s.open() for s in stores))  # both migrate at once, as two processes do
    return stores  # type: ignore[return-value]


async def applied(store: SqlStore) -> list[tuple[int, str]]:
    rows = await store.db.execute_fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    return [(r[0], r[1]) for r in rows]


async def test_migrations_apply_once_even_when_two_migrators_race(settings):
    first, second = await open_stores(settings, 2)
    try:
        expected = [(m.version, m.name) for m in load_migrations("sqlite")]
        assert await applied(first) == expected
        assert await first.migrate() == [] and await second.migrate() == []  # running again is a no-op
        assert await applied(second) == expected
    finally:
        await asyncio.gather(first.close(), second.close())


async def test_two_processes_starting_on_an_empty_database_make_one_first_manager(settings):
    from chat_server.clock import Clock
    from chat_server.services.auth import AuthService

    one, two = await open_stores(settings, 2)
    try:
        made = await asyncio.gather(*(AuthService(s, Clock(), 1).ensure_first_manager() for s in (one, two)))
        assert sorted(m is None for m in made) == [False, True]  # one prints the password, neither crashes
        assert await one.count_agents() == 1
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_two_processes_seeding_an_empty_library_at_once_load_it_once(settings):
    from chat_server.clock import Clock
    from chat_server.services.canned_fields import Limits
    from chat_server.services.canned_seed import ensure_seeded
    from chat_server.store.canned import create_canned_stores

    one, two = await open_stores(settings, 2)
    try:
        pairs = [create_canned_stores(s) for s in (one, two)]
        limits = Limits(text_max=settings.max_message_length, departments=tuple(d.key for d in settings.departments))
        results = await asyncio.gather(*(ensure_seeded(c, a, Clock(), limits) for c, a in pairs))
        total = await pairs[0][0].count_all()
        assert total > 0 and sum(r.replies for r in results) == total  # each reply made once, no crash
    finally:
        await asyncio.gather(one.close(), two.close())


def test_both_dialects_have_the_same_migrations():
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    assert sqlite == [(m.version, m.name) for m in load_migrations("postgres")]
    assert [v for v, _ in sqlite] == list(range(1, len(sqlite) + 1))


async def test_two_stores_appending_to_one_conversation_get_unique_consecutive_seqs(settings):
    one, two = await open_stores(settings, 2)
    try:
        visitor = await one.create_visitor("token-hash", 1.0)
        conversation = await one.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hi", client_id=None,
            now=1.0,
        )

        async def send(store: SqlStore, i: int, client_id: str | None = None) -> tuple[int, bool]:
            message, created, _ = await store.append_message(
                conversation.id, author_kind="visitor", author_id=visitor.id, author_name=None,
                text=f"m{i}", client_id=client_id, now=2.0 + i,
            )
            return message.seq, created

        sends = [send(one if i % 2 else two, i, f"c{i}") for i in range(40)]
        # The same client_id through both stores at once: stored once, both get the stored copy.
        sends += [send(one, 100, "same"), send(two, 101, "same")]
        results = await asyncio.gather(*sends)
        same = results[40:]
        assert same[0][0] == same[1][0] and sorted(created for _, created in same) == [False, True]
        assert sorted([seq for seq, _ in results[:40]] + [same[0][0]]) == list(range(2, 43))
        stored = await two.messages_after(conversation.id, 0)
        assert [m.seq for m in stored] == list(range(1, 43))
        assert len({m.client_id for m in stored if m.client_id}) == 41
        assert (await one.get_conversation(conversation.id)).last_seq == 42  # type: ignore[union-attr]
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_concurrent_appends_to_several_conversations_commit_together_and_fail_alone(settings):
    """On SQLite, appends asked for at the same time share one transaction (group_commit.py): each
    still gets a unique, consecutive seq, a client_id sent twice in one group is stored once, and a
    write that fails fails alone."""
    [store] = await open_stores(settings, 1)
    try:
        visitor = await store.create_visitor("token-hash", 1.0)
        conversations = [await store.create_conversation(
            visitor_id=visitor.id, name=None, email=None, page_url=None, first_text="hi", client_id=None, now=1.0,
        ) for _ in range(3)]

        async def send(conversation_id: str, i: int, client_id: str | None) -> tuple[int, bool]:
            message, created, _ = await store.append_message(
                conversation_id, author_kind="visitor", author_id=visitor.id, author_name=None,
                text=f"m{i}", client_id=client_id, now=2.0 + i,
            )
            return message.seq, created

        sends = [send(conversations[i % 3].id, i, f"c{i}") for i in range(30)]
        sends += [send(conversations[0].id, 100, "same"), send(conversations[0].id, 101, "same")]
        sends.insert(7, send("no-such-conversation", 200, None))  # fails in the middle of the group
        results = await asyncio.gather(*sends, return_exceptions=True)
        assert isinstance(results.pop(7), Exception)
        assert not [r for r in results if isinstance(r, BaseException)]
        same = results[30:]
        assert same[0][0] == same[1][0]
        # SQLite runs a group in the order asked; PostgreSQL's pooled connections race, so there only
        # "stored once" holds, not which of the two came first.
        created_flags = [created for _, created in same]
        ordered = store.dialect.name == "sqlite"
        assert (created_flags if ordered else sorted(created_flags, reverse=True)) == [True, False]
        for n, conversation in enumerate(conversations):
            stored = await store.messages_after(conversation.id, 0)
            assert [m.seq for m in stored] == list(range(1, len(stored) + 1))
            assert len(stored) == 1 + 10 + (1 if n == 0 else 0)
            seqs = sorted([seq for (seq, _), i in zip(results[:30], range(30), strict=True) if i % 3 == n]
                          + ([same[0][0]] if n == 0 else []))
            assert seqs == list(range(2, len(stored) + 1))  # every append got its own seq, none skipped
        if ordered:
            assert same[0][0] == 12  # after the ten asked before it in its conversation
    finally:
        await store.close()


def test_placeholders_are_numbered_outside_literals():
    sql = "SELECT '?', x FROM t WHERE a = ? AND b LIKE ? ESCAPE '\\' AND c = 'it''s ?' AND d = ?"
    assert number_placeholders(sql) == (
        "SELECT '?', x FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\' AND c = 'it''s ?' AND d = $3"
    )


@pytest.mark.parametrize(
    "url",
    ["mysql://db/chat", "sqlite://relative.db", "postgresql://u:s3cret@host:notaport/chat",
     "postgresql://host/"],
)
def test_a_bad_database_url_is_a_clear_config_error(url):
    with pytest.raises(ConfigError, match="database_url") as error:
        load_settings(env={}, database_url=url)
    assert "s3cret" not in str(error.value)


def test_an_unreachable_postgresql_stops_start_up_with_one_clear_line(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    env = {**os.environ, "CHAT_DATABASE_URL": url, "CHAT_REDIS_URL": REDIS_URL,
           "CHAT_DATA_DIR": str(tmp_path), "CHAT_PORT": str(free_port())}
    done = subprocess.run([sys.executable, "-m", "chat_server", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert f"Error: Cannot connect to PostgreSQL at 127.0.0.1:{url.split(':')[-1]}" in done.stderr
    assert "Traceback" not in done.stderr


async def test_guarded_append_writes_only_for_the_owner_of_an_open_chat(settings):
    """The message path checks who may write inside the append's own transaction
    (``append_guarded``): the visitor of the chat, the agent it is assigned to, never once closed.
    Refused appends write nothing (not even a seq), so the full check can say why."""
    from chat_server.models import WriteGuard

    [store] = await open_stores(settings, 1)
    try:
        visitor = await store.create_visitor("token-hash", 1.0)
        stranger = await store.create_visitor("other-hash", 1.0)
        conversation = await store.create_conversation(
            visitor_id=visitor.id, name="Ann", email="ann@example.com", page_url=None, first_text="hi",
            client_id=None, now=1.0,
        )

        async def send(guard: WriteGuard, kind: str, text: str, client_id: str | None = None,
                       conversation_id: str = conversation.id):  # type: ignore[no-untyped-def]
            return await store.append_guarded(
                conversation_id, guard, author_kind=kind, author_id=guard.value,
                author_name=None if kind == "visitor" else "Agent", text=text, client_id=client_id, now=2.0)

        mine = await send(WriteGuard("visitor_id", visitor.id), "visitor", "mine", "k1")
        assert mine is not None and mine.created and mine.message.seq == 2
        assert mine.message.author_name == "Ann" and mine.visitor_email == "ann@example.com"
        again = await send(WriteGuard("visitor_id", visitor.id), "visitor", "mine", "k1")
        assert again is not None and not again.created and again.message.id == mine.message.id
        assert await send(WriteGuard("visitor_id", stranger.id), "visitor", "not mine") is None
        assert await send(WriteGuard("agent_id", "a_nobody"), "agent", "not assigned") is None
        assert await send(WriteGuard("visitor_id", visitor.id), "visitor", "x", conversation_id="c_none") is None
        assert await store.close_conversation(conversation.id, "visitor", 3.0)
        assert await send(WriteGuard("visitor_id", visitor.id), "visitor", "after close") is None
        stored = await store.messages_after(conversation.id, 0)
        assert [m.text for m in stored] == ["hi", "mine"]
        assert (await store.get_conversation(conversation.id)).last_seq == 2  # type: ignore[union-attr]
    finally:
        await store.close()
