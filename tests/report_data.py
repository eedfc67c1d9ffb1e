"""A hand-checkable data set for the report tests, written straight into the store with explicit
timestamps (the figures each test expects are worked out next to the test)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chat_server.store.sqlite import SqlStore

_ids = itertools.count(1)


def ts(iso: str) -> float:
    """'2026-03-02T10:00:00' (UTC) -> epoch seconds."""
    return datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()


@dataclass
class Chat:
    created: float
    participants: list[tuple[str, float]] = field(default_factory=list)  # (agent id, joined at)
    replies: list[tuple[str, float]] = field(default_factory=list)  # (agent id, sent at)
    closed: float | None = None
    closed_by: str | None = None
    rating: tuple[int, str | None, str] | None = None  # (score 1..5, comment, scale)
    outcome: str | None = None
    department: str = "general"
    missed_by: list[str] = field(default_factory=list)  # agents who let the offer ring out
    # the survey's extra question, stored with the rating: (key, kind, question, answer, label)
    survey: tuple[str, str, str, str, str | None] | None = None
    id: str = field(default_factory=lambda: f"c_{next(_ids):016x}")


async def insert(store: SqlStore, chats: list[Chat], visitor_id: str = "v_00000000000000aa") -> None:
    async with store._write() as db:
        await db.execute(
            "INSERT INTO visitors (id, token_hash, created_at) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
            (visitor_id, f"hash-{visitor_id}"),
        )
        for chat in chats:
            status = "closed" if chat.closed is not None else "assigned" if chat.participants else "queued"
            agent = chat.participants[-1][0] if chat.participants else None
            assigned = chat.participants[0][1] if chat.participants else None
            await db.execute(
                "INSERT INTO conversations (id, visitor_id, agent_id, status, visitor_name, created_at,"
                " assigned_at, closed_at, closed_by, outcome, department)"
                " VALUES (?, ?, ?, ?, 'Maria', ?, ?, ?, ?, ?, ?)",
                (
                    chat.id,
                    visitor_id,
                    agent,
                    status,
                    chat.created,
                    assigned,
                    chat.closed,
                    chat.closed_by,
                    chat.outcome,
                    chat.department,
                ),
            )
            for agent_id in chat.missed_by:
                await db.execute(
                    "INSERT INTO offer_outcomes (conversation_id, agent_id, outcome, created_at)"
                    " VALUES (?, ?, 'missed', ?)",
                    (chat.id, agent_id, chat.created + 1),
                )
            messages = [("visitor", visitor_id, chat.created, "Hello, I need help")]
            messages += [("system", None, joined, "joined the chat") for _, joined in chat.participants]
            messages += [("agent", agent_id, at, "Happy to help") for agent_id, at in chat.replies]
            for seq, (kind, author, at, text) in enumerate(sorted(messages, key=lambda m: m[2]), start=1):
                await db.execute(
                    "INSERT INTO messages (id, conversation_id, seq, author_kind, author_id, author_name,"
                    " text,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (f"m_{next(_ids):016x}", chat.id, seq, kind, author, None, text, at),
                )
            for agent_id, joined in chat.participants:
                await db.execute(
                    "INSERT INTO conversation_agents (conversation_id, agent_id, joined_at) VALUES (?, ?, ?)",
                    (chat.id, agent_id, joined),
                )
            if chat.rating is not None:
                score, comment, scale = chat.rating
                await db.execute(
                    "INSERT INTO ratings (conversation_id, score, comment, created_at, scale, survey_key,"
                    " survey_kind, survey_question, survey_answer, survey_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (chat.id, score, comment, (chat.closed or chat.created) + 30, scale, *(chat.survey or (None,) * 5)),
                )


async def insert_usage(
    store: SqlStore, canned: list[tuple[str, str]], accepted: list[tuple[str, str, int]]
) -> None:
    """Canned replies used (conversation id, agent id) and assistant suggestions accepted
    (agent id, UTC day, count), as the canned-reply and assistant features record them."""
    async with store._write() as db:
        await db.execute(
            "INSERT INTO canned_responses (id, shortcut, title, text, category, language, scope,"
            " scope_key, created_at, updated_at)"
            " VALUES ('r_report0000000001', 'thanks', 'Thanks', 'Thank you!', 'General', 'en', 'global', '',"
            " 0, 0) ON CONFLICT DO NOTHING"
        )
        for conversation_id, agent_id in canned:
            await db.execute(
                "INSERT INTO canned_response_usage (canned_response_id, agent_id, conversation_id, used_at)"
                " VALUES ('r_report0000000001', ?, ?, 0)",
                (agent_id, conversation_id),
            )
        for agent_id, day, count in accepted:
            await db.execute(
                "INSERT INTO assistant_feedback (agent_id, day, shown, accepted, ignored)"
                " VALUES (?, ?, ?, ?, 0)",
                (agent_id, day, count, count),
            )
