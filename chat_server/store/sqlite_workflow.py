"""Storage for the team workflow: notes, transfers, follow-ups, visitor history, search and account
settings. Mixed into ``SqlStore``; shares its database and transactions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..ids import new_id
from ..models import Agent, Conversation, FollowUp, Note
from .database import Row
from .dialects import search_terms

if TYPE_CHECKING:
    from .sqlite import SqlStore

    _Base = SqlStore
else:
    _Base = object

# last_seq: the newest message's seq, one step down the (conversation_id, seq) index (migration 0009).
CONVERSATION_SELECT = """
SELECT c.*, a.name AS agent_name,
(SELECT COALESCE(MAX(m.seq), 0) FROM messages m WHERE m.conversation_id = c.id) AS last_seq
FROM conversations c LEFT JOIN agents a ON a.id = c.agent_id
"""
AGENT_FIELDS = {"name", "role", "capacity", "disabled", "departments", "languages"}


class WorkflowStoreMixin(_Base):
    # -- notes ---------------------------------------------------------------------------------
    async def add_note(self, conversation_id: str, author: Agent, kind: str, text: str, now: float) -> Note:
        note = Note(new_id("n"), conversation_id, author.id, author.name, kind, text, now)
        async with self._write() as db:
            await db.execute(
                "INSERT INTO notes (id, conversation_id, author_id, author_name, kind, text, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (note.id, conversation_id, author.id, author.name, kind, text, now),
            )
        return note

    async def list_notes(self, conversation_id: str) -> list[Note]:
        rows = await self.db.execute_fetchall(
            "SELECT * FROM notes WHERE conversation_id = ? ORDER BY created_at, rowid", (conversation_id,)
        )
        return [Note(r["id"], r["conversation_id"], r["author_id"], r["author_name"], r["kind"], r["text"],
                     r["created_at"]) for r in rows]

    # -- assignment changes --------------------------------------------------------------------
    async def transfer_conversation(self, conversation_id: str, from_agent: str, to_agent: str, now: float) -> bool:
        return await self._hand_to(
            conversation_id, to_agent, now,
            "UPDATE conversations SET agent_id = ?, assigned_at = ? WHERE id = ? AND agent_id = ? AND status = 'assigned'",
            (from_agent,),
        )

    async def requeue_conversation(self, conversation_id: str) -> bool:
        """Back to the queue (agent gone, or transferred to a department); keeps the transcript."""
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE conversations SET status = 'queued', agent_id = NULL, assigned_at = NULL"
                " WHERE id = ? AND status = 'assigned'",
                (conversation_id,),
            )
        return cursor.rowcount == 1

    async def took_part(self, conversation_id: str, agent_id: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM conversation_agents WHERE conversation_id = ? AND agent_id = ?",
            (conversation_id, agent_id),
        )
        return row is not None

    async def claim_offline(self, conversation_id: str, agent_id: str, now: float) -> bool:
        """An agent answers a message left while the team was away."""
        return await self._take(conversation_id, agent_id, now, from_status="offline")

    async def list_offline(self, departments: tuple[str, ...] = (), limit: int = 100) -> list[Conversation]:
        """Messages left while nobody was available, oldest first (empty departments: all)."""
        sql = CONVERSATION_SELECT + " WHERE c.status = 'offline'"
        params: list[Any] = []
        if departments:
            sql += f" AND c.department IN ({', '.join('?' * len(departments))})"
            params += list(departments)
        rows = await self.db.execute_fetchall(sql + " ORDER BY c.created_at LIMIT ?", (*params, limit))
        return [await self._conversation(r, True) for r in rows]

    async def record_offer_outcome(self, conversation_id: str, agent_id: str, outcome: str, now: float) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO offer_outcomes (conversation_id, agent_id, outcome, created_at) VALUES (?, ?, ?, ?)",
                (conversation_id, agent_id, outcome, now),
            )

    async def count_offer_outcomes(self, agent_id: str, outcome: str) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM offer_outcomes WHERE agent_id = ? AND outcome = ?", (agent_id, outcome)
        )
        return int(row[0]) if row else 0

    async def mark_sla_breached(self, conversation_id: str, now: float) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE conversations SET sla_breached_at = ? WHERE id = ? AND sla_breached_at IS NULL",
                (now, conversation_id),
            )

    async def count_earlier_conversations(self, visitor_id: str, email: str | None) -> int:
        row = await self._one(
            # visitor_email = NULL is never true: no email, no match by email
            "SELECT COUNT(*) FROM conversations WHERE visitor_id = ? OR visitor_email = ?",
            (visitor_id, email),
        )
        return int(row[0]) if row else 0

    # -- follow-ups ----------------------------------------------------------------------------
    async def create_follow_up(
        self, conversation_id: str, agent_id: str, due_date: str, note: str | None, now: float
    ) -> FollowUp:
        follow_up = FollowUp(new_id("f"), conversation_id, agent_id, due_date, note, now, None, None)
        async with self._write() as db:
            await db.execute(
                "INSERT INTO follow_ups (id, conversation_id, agent_id, due_date, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (follow_up.id, conversation_id, agent_id, due_date, note, now),
            )
        return follow_up

    async def list_follow_ups(self, agent_id: str | None, *, include_done: bool = False) -> list[FollowUp]:
        where, params = ["1 = 1"], []
        if agent_id is not None:
            where.append("f.agent_id = ?")
            params.append(agent_id)
        if not include_done:
            where.append("f.done_at IS NULL")
        rows = await self.db.execute_fetchall(
            "SELECT f.*, c.visitor_name FROM follow_ups f JOIN conversations c ON c.id = f.conversation_id"
            f" WHERE {' AND '.join(where)} ORDER BY f.done_at IS NOT NULL, f.due_date, f.created_at",
            params,
        )
        return [_follow_up(r) for r in rows]

    async def get_follow_up(self, follow_up_id: str) -> FollowUp | None:
        row = await self._one(
            "SELECT f.*, c.visitor_name FROM follow_ups f JOIN conversations c ON c.id = f.conversation_id"
            " WHERE f.id = ?",
            (follow_up_id,),
        )
        return _follow_up(row) if row else None

    async def complete_follow_up(self, follow_up_id: str, done_by: str, now: float) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE follow_ups SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL",
                (now, done_by, follow_up_id),
            )
        return cursor.rowcount == 1

    # -- history and search --------------------------------------------------------------------
    async def visitor_history(
        self, visitor_id: str, email: str | None, exclude_id: str, limit: int = 20
    ) -> list[Conversation]:
        """Earlier conversations of the same browser (visitor token) or the same email."""
        rows = await self.db.execute_fetchall(
            CONVERSATION_SELECT + " WHERE c.id != ? AND (c.visitor_id = ? OR c.visitor_email = ?)"
            " ORDER BY c.created_at DESC LIMIT ?",
            (exclude_id, visitor_id, email, limit),
        )
        return [await self._conversation(r, True) for r in rows]

    async def search_conversations(
        self,
        *,
        q: str | None,
        visitor_email: str | None,
        agent_id: str | None,
        visible_to: str | None,
        from_ts: float | None,
        to_ts: float | None,
        limit: int = 50,
    ) -> list[Conversation]:
        """``visible_to`` restricts to conversations that agent took part in (None: all, for managers)."""
        where: list[str] = []
        params: list[Any] = []
        if q:
            like = f"{self.dialect.ilike} ? ESCAPE '\\'"
            where.append(
                f"(c.id IN ({self.dialect.message_search}) OR c.visitor_name {like} OR c.visitor_email {like})"
            )
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [search_terms(self.dialect, q), pattern, pattern]
        if visitor_email:
            where.append("c.visitor_email = ?")
            params.append(visitor_email)
        if agent_id:
            where.append("c.id IN (SELECT conversation_id FROM conversation_agents WHERE agent_id = ?)")
            params.append(agent_id)
        if visible_to:
            where.append("c.id IN (SELECT conversation_id FROM conversation_agents WHERE agent_id = ?)")
            params.append(visible_to)
        if from_ts is not None:
            where.append("c.created_at >= ?")
            params.append(from_ts)
        if to_ts is not None:
            where.append("c.created_at < ?")
            params.append(to_ts)
        sql = CONVERSATION_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        rows = await self.db.execute_fetchall(sql + " ORDER BY c.created_at DESC LIMIT ?", (*params, limit))
        return [await self._conversation(r, False) for r in rows]

    # -- audit log -----------------------------------------------------------------------------
    async def add_audit(self, actor: Agent, action: str, target: str, details: dict[str, Any], now: float) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO audit_log (actor_id, actor_name, action, target, details, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (actor.id, actor.name, action, target, json.dumps(details, sort_keys=True), now),
            )

    async def list_audit(self, limit: int = 200) -> list[dict[str, Any]]:
        rows = await self.db.execute_fetchall(
            "SELECT * FROM audit_log ORDER BY created_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [{"actor": {"id": r["actor_id"], "name": r["actor_name"]}, "action": r["action"],
                 "target": r["target"], "details": json.loads(r["details"]), "created_at": r["created_at"]}
                for r in rows]

    # -- accounts ------------------------------------------------------------------------------
    async def update_agent(self, agent_id: str, **fields: Any) -> Agent | None:
        unknown = set(fields) - AGENT_FIELDS
        if unknown:
            raise ValueError(f"unknown agent fields {unknown}")
        values = {k: json.dumps(list(v)) if k in ("departments", "languages") else v for k, v in fields.items()}
        if "disabled" in values:  # an INTEGER column in both databases
            values["disabled"] = int(values["disabled"])
        if values:
            async with self._write() as db:
                sets = ", ".join(f"{k} = ?" for k in values)
                await db.execute(f"UPDATE agents SET {sets} WHERE id = ?", (*values.values(), agent_id))
                if fields.get("disabled"):
                    await db.execute("DELETE FROM agent_sessions WHERE agent_id = ?", (agent_id,))
        return await self.get_agent(agent_id)

    async def set_password_hash(self, agent_id: str, password_hash: str) -> None:
        async with self._write() as db:
            await db.execute("UPDATE agents SET password_hash = ? WHERE id = ?", (password_hash, agent_id))
            await db.execute("DELETE FROM agent_sessions WHERE agent_id = ?", (agent_id,))


def _follow_up(r: Row) -> FollowUp:
    return FollowUp(r["id"], r["conversation_id"], r["agent_id"], r["due_date"], r["note"], r["created_at"],
                    r["done_at"], r["done_by"], r["visitor_name"])

