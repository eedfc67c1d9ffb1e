"""Storage for a dispatch pass: many assignments recorded in one transaction. Mixed into
``SqlStore``; the same SQL on SQLite and PostgreSQL.

Recording one assignment took two transactions (the claim, then the "joined" line), about eight
round trips (for SQLite, hops to its thread) each holding the write lock; a pass of 25 took 200.
This takes five.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..ids import new_id
from ..models import Message

if TYPE_CHECKING:
    from .sqlite import SqlStore

    _Base = SqlStore
else:
    _Base = object


class AssignStoreMixin(_Base):
    async def assign_many(self, pairs: Sequence[tuple[str, str, str]], now: float) -> dict[str, Message]:
        """(conversation, agent, system line) each: every conversation still queued becomes that
        agent's, who takes part, and gets the line appended. Returns the line by conversation;
        a conversation no longer queued (closed while it waited) is left out."""
        chosen = {conversation: (agent, text) for conversation, agent, text in pairs}
        if not chosen:
            return {}
        cases = " ".join("WHEN ? THEN ?" for _ in chosen)
        params: list[object] = [x for conversation, (agent, _) in chosen.items() for x in (conversation, agent)]
        async with self._write() as db:
            rows = await db.execute_fetchall(
                f"UPDATE conversations SET agent_id = CASE id {cases} END, status = 'assigned', assigned_at = ?,"
                f" last_seq = last_seq + 1 WHERE id IN ({','.join('?' * len(chosen))}) AND status = 'queued'"
                " RETURNING id, last_seq",
                (*params, now, *chosen),
            )
            lines = {
                r[0]: Message(id=new_id("m"), conversation_id=r[0], seq=int(r[1]), client_id=None,
                              author_kind="system", author_id=None, author_name=None, text=chosen[r[0]][1],
                              created_at=now)
                for r in rows
            }
            if not lines:
                return lines
            await db.execute(
                "INSERT INTO conversation_agents (conversation_id, agent_id, joined_at) VALUES "
                + ", ".join("(?, ?, ?)" for _ in lines) + " ON CONFLICT DO NOTHING",
                tuple(x for c in lines for x in (c, chosen[c][0], now)),
            )
            await db.execute(
                "INSERT INTO messages (id, conversation_id, seq, client_id, author_kind, author_id,"
                " author_name, text, created_at) VALUES " + ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in lines),
                tuple(x for m in lines.values()
                      for x in (m.id, m.conversation_id, m.seq, None, "system", None, None, m.text, now)),
            )
        return lines
