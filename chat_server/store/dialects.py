"""The few places where SQLite and PostgreSQL need different SQL, side by side.

Everything else in the stores is one body of SQL both databases speak: ``?`` placeholders (the
PostgreSQL adapter numbers them), ``INSERT ... ON CONFLICT DO NOTHING``, ``RETURNING``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    # Case-insensitive LIKE: SQLite's LIKE already is (for ASCII), PostgreSQL's is not.
    ilike: str
    # Conversation ids whose messages match the one parameter built by ``search_terms``.
    message_search: str
    # Appended to a SELECT that a transaction reads before it writes the same rows. SQLite needs none:
    # BEGIN IMMEDIATE already holds the only write lock; PostgreSQL locks just those rows.
    for_update: str
    # Taken first inside the migration transaction so two processes starting together apply each
    # migration once (SQLite: BEGIN IMMEDIATE serialises them already).
    migration_lock: str | None
    # Taken first by a canned-library import: two processes seeding an empty library at once would
    # otherwise both insert (FOR UPDATE locks no rows that do not exist yet).
    library_lock: str | None
    # Put before a column in a WHERE that also names rows by primary key, so the planner looks
    # them up by key and tests the column on each, instead of walking the column's index. SQLite,
    # without statistics, walked every queued conversation (conversations_status) to assign 25 of
    # them: 2 ms a pass with 10,000 waiting. Its unary + keeps a column off an index; PostgreSQL's
    # planner has statistics (and no unary + for text).
    by_key_only: str


SQLITE = Dialect(
    name="sqlite",
    ilike="LIKE",
    # FTS5 over messages (migration 0004), kept in step by triggers.
    message_search="SELECT m.conversation_id FROM messages m JOIN messages_fts f ON f.rowid = m.rowid"
    " WHERE messages_fts MATCH ?",
    for_update="",
    migration_lock=None,
    library_lock=None,
    by_key_only="+",
)

POSTGRES = Dialect(
    name="postgres",
    ilike="ILIKE",
    # A GIN index on to_tsvector('simple', text) (migration 0004): word-prefix matching like FTS5,
    # case-folded, no stemming, so both databases find the same conversations.
    message_search="SELECT m.conversation_id FROM messages m"
    " WHERE to_tsvector('simple', m.text) @@ to_tsquery('simple', ?)",
    for_update=" FOR UPDATE",
    migration_lock="SELECT pg_advisory_xact_lock(hashtext('chat-server migrations ' || current_schema()))",
    library_lock="SELECT pg_advisory_xact_lock(hashtext('chat-server canned library ' || current_schema()))",
    by_key_only="",
)

_WORD = re.compile(r"\w+")


def search_terms(dialect: Dialect, q: str) -> str:
    """Every word of ``q`` as a prefix term, all required: user text never becomes query syntax."""
    if dialect is POSTGRES:
        words = _WORD.findall(q.lower())
        return " & ".join(f"{w}:*" for w in words)
    words = [w.replace('"', '""') for w in q.split() if w]
    return " ".join(f'"{w}"*' for w in words) or '""'
