"""The positive-language assistant's rule sets and per-agent daily counters."""

from __future__ import annotations

from collections.abc import Sequence

from ..canned_models import AssistantRule, FeedbackRow, RuleDraft
from ..errors import Conflict, NotFound
from ..ids import new_id
from .database import IntegrityError, Row
from .sqlite import SqlStore


def phrase_key(phrase: str) -> str:
    """Two phrases that differ only in case, spacing or apostrophe style are the same rule."""
    return " ".join(phrase.replace("\u2019", "'").casefold().split())


class SqliteAssistantStore:
    def __init__(self, base: SqlStore) -> None:
        self.base = base

    async def list_rules(self, language: str | None = None) -> list[AssistantRule]:
        if language is None:
            rows = await self.base.db.execute_fetchall(
                "SELECT * FROM assistant_rules ORDER BY language, phrase_key"
            )
        else:
            rows = await self.base.db.execute_fetchall(
                "SELECT * FROM assistant_rules WHERE language = ? ORDER BY phrase_key", (language,)
            )
        return [_rule(r) for r in rows]

    async def get_rule(self, rule_id: str) -> AssistantRule | None:
        row = await self.base._one("SELECT * FROM assistant_rules WHERE id = ?", (rule_id,))
        return _rule(row) if row else None

    async def create_rule(self, draft: RuleDraft, *, by: str | None, now: float) -> AssistantRule:
        rule_id = new_id("p")
        try:
            async with self.base._write() as db:
                await db.execute(
                    "INSERT INTO assistant_rules (id, language, phrase, phrase_key, reframe, note, updated_at,"
                    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        rule_id,
                        draft.language,
                        draft.phrase,
                        phrase_key(draft.phrase),
                        draft.reframe,
                        draft.note,
                        now,
                        by,
                    ),
                )
        except IntegrityError:
            raise _duplicate(draft) from None
        rule = await self.get_rule(rule_id)
        assert rule is not None
        return rule

    async def update_rule(
        self, rule_id: str, draft: RuleDraft, *, by: str | None, now: float
    ) -> AssistantRule:
        try:
            async with self.base._write() as db:
                cursor = await db.execute(
                    "UPDATE assistant_rules SET language = ?, phrase = ?, phrase_key = ?, reframe = ?, note = ?,"
                    " updated_at = ?, updated_by = ? WHERE id = ?",
                    (
                        draft.language,
                        draft.phrase,
                        phrase_key(draft.phrase),
                        draft.reframe,
                        draft.note,
                        now,
                        by,
                        rule_id,
                    ),
                )
                if cursor.rowcount != 1:
                    raise NotFound("No such assistant rule.")
        except IntegrityError:
            raise _duplicate(draft) from None
        rule = await self.get_rule(rule_id)
        assert rule is not None
        return rule

    async def delete_rule(self, rule_id: str) -> AssistantRule:
        async with self.base._write() as db:
            rows = list(await db.execute_fetchall("SELECT * FROM assistant_rules WHERE id = ?", (rule_id,)))
            if not rows:
                raise NotFound("No such assistant rule.")
            await db.execute("DELETE FROM assistant_rules WHERE id = ?", (rule_id,))
        return _rule(rows[0])

    async def seed_rules(self, drafts: Sequence[RuleDraft], now: float) -> int:
        """Add the shipped rules; a phrase a manager already has is left as the manager wrote it."""
        added = 0
        async with self.base._write() as db:
            for d in drafts:
                cursor = await db.execute(
                    "INSERT INTO assistant_rules (id, language, phrase, phrase_key, reframe, note,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (new_id("p"), d.language, d.phrase, phrase_key(d.phrase), d.reframe, d.note, now),
                )
                added += cursor.rowcount
        return added

    async def add_feedback(self, agent_id: str, day: str, shown: int, accepted: int, ignored: int) -> None:
        async with self.base._write() as db:
            await db.execute(
                "INSERT INTO assistant_feedback (agent_id, day, shown, accepted, ignored) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (agent_id, day) DO UPDATE"
                " SET shown = assistant_feedback.shown + excluded.shown,"
                " accepted = assistant_feedback.accepted + excluded.accepted,"
                " ignored = assistant_feedback.ignored + excluded.ignored",
                (agent_id, day, shown, accepted, ignored),
            )

    async def feedback(self, since_day: str, agent_id: str | None = None) -> list[FeedbackRow]:
        sql = (
            "SELECT f.*, a.name AS agent_name FROM assistant_feedback f LEFT JOIN agents a ON a.id = f.agent_id"
            " WHERE f.day >= ?"
        )
        params: tuple[str, ...] = (since_day,)
        if agent_id is not None:
            sql += " AND f.agent_id = ?"
            params += (agent_id,)
        rows = await self.base.db.execute_fetchall(sql + " ORDER BY f.day, a.name", params)
        return [
            FeedbackRow(r["agent_id"], r["agent_name"], r["day"], r["shown"], r["accepted"], r["ignored"])
            for r in rows
        ]


def _duplicate(d: RuleDraft) -> Conflict:
    return Conflict(f"A rule for '{d.phrase}' exists already in language '{d.language}'.", field="phrase")


def _rule(row: Row) -> AssistantRule:
    return AssistantRule(
        language=row["language"],
        phrase=row["phrase"],
        reframe=row["reframe"],
        note=row["note"],
        id=row["id"],
        updated_at=row["updated_at"],
    )
