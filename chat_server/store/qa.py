"""Quality-review storage: the candidates a sample is drawn from, and managers' scores."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .database import Row
from .sqlite import SqlStore


@dataclass(frozen=True)
class Review:
    conversation_id: str
    agent_id: str
    reviewer_id: str
    reviewer_name: str | None
    scores: dict[str, int]
    points: int
    max_points: int
    comment: str | None
    created_at: float
    updated_at: float


_SELECT = "SELECT q.*, a.name AS reviewer_name FROM qa_reviews q LEFT JOIN agents a ON a.id = q.reviewer_id"


class QaStore:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def closed_by_agent(self, start: float, end: float) -> dict[str, list[str]]:
        """agent id -> ids of the conversations they took part in that closed in [start, end),
        sorted by id so a seeded draw picks the same chats every time."""
        rows = await self.store.db.execute_fetchall(
            "SELECT ca.agent_id, c.id FROM conversation_agents ca"
            " JOIN conversations c ON c.id = ca.conversation_id"
            " WHERE c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ? ORDER BY ca.agent_id, c.id",
            (start, end),
        )
        out: dict[str, list[str]] = {}
        for agent_id, conversation_id in rows:
            out.setdefault(agent_id, []).append(conversation_id)
        return out

    async def took_part(self, conversation_id: str, agent_id: str) -> bool:
        row = await self.store._one(
            "SELECT 1 FROM conversation_agents WHERE conversation_id = ? AND agent_id = ?",
            (conversation_id, agent_id),
        )
        return row is not None

    async def save_review(
        self,
        *,
        conversation_id: str,
        agent_id: str,
        reviewer_id: str,
        scores: dict[str, int],
        max_points: int,
        comment: str | None,
        now: float,
    ) -> Review:
        """Insert, or replace the scores of an earlier review of the same agent in the same chat."""
        async with self.store._write() as db:
            await db.execute(
                "INSERT INTO qa_reviews (conversation_id, agent_id, reviewer_id, scores, points, max_points,"
                " comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (conversation_id, agent_id) DO UPDATE SET reviewer_id = excluded.reviewer_id,"
                " scores = excluded.scores, points = excluded.points, max_points = excluded.max_points,"
                " comment = excluded.comment, updated_at = excluded.updated_at",
                (
                    conversation_id,
                    agent_id,
                    reviewer_id,
                    json.dumps(scores),
                    sum(scores.values()),
                    max_points,
                    comment,
                    now,
                    now,
                ),
            )
        review = await self.get_review(conversation_id, agent_id)
        assert review is not None
        return review

    async def get_review(self, conversation_id: str, agent_id: str) -> Review | None:
        row = await self.store._one(
            _SELECT + " WHERE q.conversation_id = ? AND q.agent_id = ?", (conversation_id, agent_id)
        )
        return _review(row) if row else None

    async def reviews_of(self, conversation_ids: list[str]) -> list[Review]:
        if not conversation_ids:
            return []
        marks = ",".join("?" * len(conversation_ids))
        rows = await self.store.db.execute_fetchall(
            _SELECT + f" WHERE q.conversation_id IN ({marks})", tuple(conversation_ids)
        )
        return [_review(r) for r in rows]

    async def reviews_for_agent(self, agent_id: str, limit: int = 100) -> list[Review]:
        rows = await self.store.db.execute_fetchall(
            _SELECT + " WHERE q.agent_id = ? ORDER BY q.updated_at DESC LIMIT ?", (agent_id, limit)
        )
        return [_review(r) for r in rows]


def _review(row: Row) -> Review:
    return Review(
        conversation_id=row["conversation_id"],
        agent_id=row["agent_id"],
        reviewer_id=row["reviewer_id"],
        reviewer_name=row["reviewer_name"],
        scores=json.loads(row["scores"]),
        points=row["points"],
        max_points=row["max_points"],
        comment=row["comment"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
