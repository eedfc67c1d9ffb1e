"""Read-only queries behind the reports, on the chat store's database: each figure comes from
one named query over the tables the chat, routing, canned-reply and assistant features write."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from ..reports.facts import AgentEvent, ConversationFacts, Participation, QaFact, RatingFact, ReportFacts
from .sqlite import SqlStore, survey_answer

_IN_RANGE = "c.created_at >= ? AND c.created_at < ?"


class ReportStore:
    """Conversations that *started* in [start, end) with their participants, replies and ratings."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def facts(self, start: float, end: float) -> ReportFacts:
        return ReportFacts(
            conversations=await self.conversation_facts(start, end),
            qa=await self.qa_reviews(start, end),
            missed=await self.missed_offers(start, end),
            canned=await self.canned_uses(start, end),
            suggestions_by_agent=await self.suggestions_accepted(start, end),
        )

    async def conversation_facts(self, start: float, end: float) -> list[ConversationFacts]:
        rows = await self.store.db.execute_fetchall(
            "SELECT c.id, c.created_at, c.closed_at, c.closed_by, c.outcome, c.department,"
            " r.score, r.scale, r.comment, r.created_at AS rated_at, r.survey_key, r.survey_kind,"
            " r.survey_question, r.survey_answer, r.survey_label"
            f" FROM conversations c LEFT JOIN ratings r ON r.conversation_id = c.id WHERE {_IN_RANGE}"
            " ORDER BY c.created_at, c.id",
            (start, end),
        )
        participants = await self.participations(start, end)
        out = []
        for row in rows:
            rating = None
            if row["score"] is not None:
                rating = RatingFact(row["score"], row["scale"], row["comment"], row["rated_at"], survey_answer(row))
            out.append(
                ConversationFacts(
                    id=row["id"],
                    created_at=row["created_at"],
                    closed_at=row["closed_at"],
                    closed_by=row["closed_by"],
                    participants=tuple(participants.get(row["id"], ())),
                    rating=rating,
                    outcome=row["outcome"],
                    department=row["department"],
                )
            )
        return out

    async def participations(self, start: float, end: float) -> dict[str, list[Participation]]:
        """Who took part, in joining order, with each one's first reply after joining."""
        rows = await self.store.db.execute_fetchall(
            "SELECT ca.conversation_id, ca.agent_id, ca.joined_at,"
            " (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = ca.conversation_id"
            "   AND m.author_kind = 'agent' AND m.author_id = ca.agent_id AND m.created_at >= ca.joined_at)"
            "   AS first_reply_at"
            " FROM conversation_agents ca JOIN conversations c ON c.id = ca.conversation_id"
            f" WHERE {_IN_RANGE}"
            " ORDER BY ca.conversation_id, ca.joined_at, ca.agent_id",
            (start, end),
        )
        out: dict[str, list[Participation]] = defaultdict(list)
        for r in rows:
            out[r["conversation_id"]].append(
                Participation(r["agent_id"], r["joined_at"], r["first_reply_at"])
            )
        return out

    async def missed_offers(self, start: float, end: float) -> list[AgentEvent]:
        """Chats offered to an agent who let the offer ring out (declining is not missing)."""
        rows = await self.store.db.execute_fetchall(
            "SELECT o.conversation_id, o.agent_id FROM offer_outcomes o"
            f" JOIN conversations c ON c.id = o.conversation_id WHERE o.outcome = 'missed' AND {_IN_RANGE}",
            (start, end),
        )
        return [AgentEvent(r[0], r[1]) for r in rows]

    async def canned_uses(self, start: float, end: float) -> list[AgentEvent]:
        """One event per canned reply an agent inserted into a chat of the range."""
        rows = await self.store.db.execute_fetchall(
            "SELECT u.conversation_id, u.agent_id FROM canned_response_usage u"
            f" JOIN conversations c ON c.id = u.conversation_id WHERE {_IN_RANGE}",
            (start, end),
        )
        return [AgentEvent(r[0], r[1]) for r in rows]

    async def suggestions_accepted(self, start: float, end: float) -> dict[str, int]:
        """agent id -> positive-language suggestions accepted. The assistant counts per UTC day, so
        this covers every UTC day the range touches."""
        first = datetime.fromtimestamp(start, UTC).date().isoformat()
        last = datetime.fromtimestamp(max(start, end - 1), UTC).date().isoformat()
        rows = await self.store.db.execute_fetchall(
            "SELECT agent_id, SUM(accepted) FROM assistant_feedback WHERE day >= ? AND day <= ?"
            " GROUP BY agent_id",
            (first, last),
        )
        return {r[0]: int(r[1] or 0) for r in rows}

    async def qa_reviews(self, start: float, end: float) -> list[QaFact]:
        rows = await self.store.db.execute_fetchall(
            "SELECT q.conversation_id, q.agent_id, q.points, q.max_points FROM qa_reviews q"
            f" JOIN conversations c ON c.id = q.conversation_id WHERE {_IN_RANGE}",
            (start, end),
        )
        return [QaFact(r[0], r[1], r[2], r[3]) for r in rows]

    # -- the live dashboard ----------------------------------------------------------------------
    async def queued_summary(self) -> tuple[int, float | None]:
        """(conversations waiting, when the longest-waiting one started) straight from the database,
        so every process agrees and a Redis restart does not reset the clock."""
        row = await self.store._one(
            "SELECT COUNT(*), MIN(created_at) FROM conversations WHERE status = 'queued'"
        )
        return (int(row[0]), row[1]) if row else (0, None)

    async def offline_count(self) -> int:
        """Messages left while nobody was available, still waiting for an answer."""
        row = await self.store._one("SELECT COUNT(*) FROM conversations WHERE status = 'offline'")
        return int(row[0]) if row else 0

    async def day_summary(self, start: float, end: float) -> dict[str, float | int | None]:
        """Chats started and ratings given in [start, end): the dashboard's "today"."""
        chats = await self.store._one(
            "SELECT COUNT(*), COUNT(closed_at), COUNT(CASE WHEN status = 'assigned' THEN 1 END)"
            " FROM conversations WHERE created_at >= ? AND created_at < ?",
            (start, end),
        )
        rated = await self.store._one(
            "SELECT COUNT(*), AVG(score) FROM ratings WHERE created_at >= ? AND created_at < ?", (start, end)
        )
        assert chats is not None and rated is not None
        return {
            "chats": int(chats[0]),
            "closed": int(chats[1] or 0),
            "active": int(chats[2] or 0),
            "ratings": int(rated[0]),
            "rating_average": rated[1],
        }
