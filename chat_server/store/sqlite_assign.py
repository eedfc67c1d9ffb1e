"""Storage for a dispatch pass: many assignments recorded in one transaction. Mixed into
``SqlStore``; the same SQL on SQLite and PostgreSQL.

Recording one assignment took two transactions (the claim, then the "joined" line), about eight
round trips (for SQLite, hops to its thread) each holding the write lock; a pass of 25 took 200.
This takes five. The pass then needs its agents and the conversations it announces: one query
each for all of them (``get_agents``, ``get_conversations``) instead of one per pair.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..ids import new_message_id
from ..models import Agent, Conversation, Message
from .sqlite_workflow import CONVERSATION_SELECT

if TYPE_CHECKING:
    from .sqlite import SqlStore

    _Base = SqlStore
else:
    _Base = object


class AssignStoreMixin(_Base):
    async def get_agents(self, agent_ids: Sequence[str]) -> dict[str, Agent]:
        """Those of ``agent_ids`` that exist, by id, in one query."""
        from .sqlite import _agent

        ids = list(dict.fromkeys(agent_ids))
        if not ids:
            return {}
        [rows] = await self._read_all([(f"SELECT * FROM agents WHERE id IN ({','.join('?' * len(ids))})", ids)])
        return {r["id"]: _agent(r) for r in rows}

    async def get_conversations(self, conversation_ids: Sequence[str]) -> dict[str, Conversation]:
        """Those of ``conversation_ids`` that exist, with their messages and rating, by id: three
        queries for all of them (on SQLite one hop to its thread), as ``get_conversation`` would
        return each."""
        ids = list(dict.fromkeys(conversation_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        conversations, messages, ratings = await self._read_all([
            (CONVERSATION_SELECT + f" WHERE c.id IN ({marks})", ids),
            (f"SELECT * FROM messages WHERE conversation_id IN ({marks}) ORDER BY conversation_id, seq", ids),
            (f"SELECT * FROM ratings WHERE conversation_id IN ({marks})", ids),
        ])
        return _conversations(conversations, messages, ratings)

    async def _read_all(self, queries: Sequence[tuple[str, Sequence[object]]]) -> list[Sequence[Any]]:
        """Small reads of a dispatch pass: on SQLite all of them in place on the loop's connection
        (``SqliteDatabase.read``), elsewhere one query after another."""
        read = getattr(self.database, "read", None)
        if read is not None:
            def run(db: sqlite3.Connection) -> list[Sequence[Any]]:
                return [db.execute(sql, tuple(params)).fetchall() for sql, params in queries]

            rows: list[Sequence[Any]] = await read(run)
            return rows
        return [await self.db.execute_fetchall(sql, tuple(params)) for sql, params in queries]

    async def assign_many(self, pairs: Sequence[tuple[str, str, str]], now: float) -> dict[str, Message]:
        """(conversation, agent, system line) each: every conversation still queued becomes that
        agent's, who takes part, and gets the line appended. Returns the line by conversation;
        a conversation no longer queued (closed while it waited) is left out. On SQLite the
        transaction is one hop, shared with the closes and messages pending at the same time
        (group_commit.py): a pass no longer waits for the store's lock behind each of them."""
        chosen = {conversation: (agent, text) for conversation, agent, text in pairs}
        if not chosen:
            return {}
        cases = " ".join("WHEN ? THEN ?" for _ in chosen)
        params: list[object] = [x for conversation, (agent, _) in chosen.items() for x in (conversation, agent)]
        marks = ",".join("?" * len(chosen))
        update = (f"UPDATE conversations SET agent_id = CASE id {cases} END, status = 'assigned', assigned_at = ?"
                  f" WHERE id IN ({marks}) AND {self.dialect.by_key_only}status = 'queued' RETURNING id")
        update_params = (*params, now, *chosen)
        # After the UPDATE has locked the rows, in a statement of its own (sqlite.NEXT_SEQ).
        next_seqs = (f"SELECT conversation_id, MAX(seq) + 1 FROM messages WHERE conversation_id IN ({marks})"
                     " GROUP BY conversation_id")

        def lines_of(rows: Sequence[Any], seqs: Sequence[Any]) -> dict[str, Message]:
            seq_of = {r[0]: int(r[1]) for r in seqs}
            return {
                r[0]: Message(id=new_message_id(), conversation_id=r[0], seq=seq_of.get(r[0], 1), client_id=None,
                              author_kind="system", author_id=None, author_name=None, text=chosen[r[0]][1],
                              created_at=now)
                for r in rows
            }

        def inserts(lines: dict[str, Message]) -> list[tuple[str, tuple[object, ...]]]:
            return [
                ("INSERT INTO conversation_agents (conversation_id, agent_id, joined_at) VALUES "
                 + ", ".join("(?, ?, ?)" for _ in lines) + " ON CONFLICT DO NOTHING",
                 tuple(x for c in lines for x in (c, chosen[c][0], now))),
                ("INSERT INTO messages (id, conversation_id, seq, client_id, author_kind, author_id,"
                 " author_name, text, created_at) VALUES " + ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in lines),
                 tuple(x for m in lines.values()
                       for x in (m.id, m.conversation_id, m.seq, None, "system", None, None, m.text, now))),
            ]

        group = getattr(self, "appends", None)  # SQLite's group commit (sqlite_hot.SqliteStore)
        if group is not None:
            def write(db: sqlite3.Connection) -> dict[str, Message]:
                updated = db.execute(update, update_params).fetchall()
                lines = lines_of(updated, db.execute(next_seqs, tuple(chosen)).fetchall() if updated else [])
                if lines:
                    for sql, values in inserts(lines):
                        db.execute(sql, values)
                return lines

            result: dict[str, Message] = await group.run(write)
            return result
        async with self._write() as db:
            updated = await db.execute_fetchall(update, update_params)
            lines = lines_of(updated, await db.execute_fetchall(next_seqs, tuple(chosen)) if updated else [])
            if lines:
                for sql, values in inserts(lines):
                    await db.execute(sql, values)
        return lines

def _conversations(rows: Sequence[Any], message_rows: Sequence[Any], rating_rows: Sequence[Any]) -> dict[str, Conversation]:
    from .sqlite import _conversation_row, _message, rating_from_row

    messages: dict[str, list[Message]] = {}
    for r in message_rows:
        messages.setdefault(r["conversation_id"], []).append(_message(r))
    ratings = {r["conversation_id"]: rating_from_row(r) for r in rating_rows}
    return {r["id"]: _conversation_row(r, messages.get(r["id"], []), ratings.get(r["id"])) for r in rows}
