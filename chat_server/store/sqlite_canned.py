"""Canned replies: current rows, every version, usage. Shares the main store's database, so a reply
and its version row are always written in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..canned_models import (
    NO_USAGE,
    Actor,
    AgentUsage,
    CannedDraft,
    CannedResponse,
    CannedVersion,
    ImportResult,
    UsageSummary,
    content_tuple,
)
from ..errors import DuplicateShortcut, NotFound, VersionConflict
from ..ids import new_id
from .database import Connection, IntegrityError, Row
from .sqlite import SqlStore

_USAGE_COLUMNS = """
 (SELECT COUNT(*) FROM canned_response_usage u WHERE u.canned_response_id = r.id) AS usage_count,
 (SELECT MAX(used_at) FROM canned_response_usage u WHERE u.canned_response_id = r.id) AS last_used_at,
 (SELECT AVG(score) FROM ratings WHERE conversation_id IN
     (SELECT conversation_id FROM canned_response_usage u WHERE u.canned_response_id = r.id)) AS average_rating,
 (SELECT COUNT(*) FROM ratings WHERE conversation_id IN
     (SELECT conversation_id FROM canned_response_usage u WHERE u.canned_response_id = r.id)) AS rated_chats
"""
_SELECT = (
    f"SELECT r.*, a.name AS owner_name, {_USAGE_COLUMNS} FROM canned_responses r"
    " LEFT JOIN agents a ON a.id = r.owner_id"
)
_CONTENT = "shortcut, title, text, category, language, scope, department, owner_id"


class SqliteCannedStore:
    def __init__(self, base: SqlStore) -> None:
        self.base = base

    # -- reading -------------------------------------------------------------------------------
    async def list(
        self,
        *,
        visible_to: str | None = None,
        language: str | None = None,
        category: str | None = None,
        scope: str | None = None,
    ) -> list[CannedResponse]:
        """Live replies. ``visible_to`` (an agent id) hides other agents' personal replies."""
        where, params = ["r.deleted_at IS NULL"], []
        if visible_to is not None:
            where.append("(r.scope != 'personal' OR r.owner_id = ?)")
            params.append(visible_to)
        for column, value in (("language", language), ("category", category), ("scope", scope)):
            if value is not None:
                where.append(f"r.{column} = ?")
                params.append(value)
        sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY r.language, r.category, r.shortcut, r.scope"
        rows = await self.base.db.execute_fetchall(sql, tuple(params))
        return [_reply(r) for r in rows]

    async def get(self, reply_id: str, *, include_deleted: bool = False) -> CannedResponse | None:
        row = await self.base._one(f"{_SELECT} WHERE r.id = ?", (reply_id,))
        if row is None or (row["deleted_at"] is not None and not include_deleted):
            return None
        return _reply(row)

    async def history(self, reply_id: str) -> list[CannedVersion]:
        rows = await self.base.db.execute_fetchall(
            "SELECT * FROM canned_response_versions WHERE canned_response_id = ? ORDER BY version",
            (reply_id,),
        )
        return [_version(r) for r in rows]

    async def count_all(self) -> int:
        row = await self.base._one("SELECT COUNT(*) FROM canned_responses")
        return int(row[0]) if row else 0

    # -- writing -------------------------------------------------------------------------------
    async def create(self, draft: CannedDraft, *, by: Actor | None, now: float) -> CannedResponse:
        reply_id = new_id("r")
        async with self.base._write() as db:
            await _insert(db, reply_id, draft, by, now, action="create")
        return await self._fetch(reply_id)

    async def update(
        self,
        reply_id: str,
        draft: CannedDraft,
        *,
        by: Actor | None,
        now: float,
        expected_version: int | None = None,
        action: str = "update",
        reverted_from: int | None = None,
    ) -> CannedResponse:
        """Save a new version (also brings a deleted reply back when reverting)."""
        async with self.base._write() as db:
            row = await _current(db, reply_id, self.base.dialect.for_update)
            if expected_version is not None and row["version"] != expected_version:
                raise VersionConflict(
                    f"This reply was changed by someone else (now version {row['version']}); reload and retry.",
                    version=row["version"],
                )
            await _save(db, reply_id, row["version"] + 1, draft, by, now, action, reverted_from)
        return await self._fetch(reply_id)

    async def delete(self, reply_id: str, *, by: Actor | None, now: float) -> None:
        async with self.base._write() as db:
            row = await _current(db, reply_id, self.base.dialect.for_update)
            if row["deleted_at"] is not None:
                raise NotFound("No such canned reply.")
            await _mark_deleted(db, row, by, now)

    async def import_library(
        self, drafts: Sequence[CannedDraft], *, replace: bool, by: Actor | None, now: float, action: str
    ) -> ImportResult:
        """Upsert by (language, scope, scope key, shortcut) in one transaction; ``replace`` also deletes
        live replies the file does not mention."""
        created = updated = unchanged = deleted = 0
        async with self.base._write() as db:
            if self.base.dialect.library_lock:
                await db.execute_fetchall(self.base.dialect.library_lock)
            rows = await db.execute_fetchall(
                "SELECT * FROM canned_responses WHERE deleted_at IS NULL" + self.base.dialect.for_update
            )
            existing = {_key(_row_draft(r)): r for r in rows}
            seen: set[tuple[str, ...]] = set()
            for draft in drafts:
                key = _key(draft)
                seen.add(key)
                row = existing.get(key)
                if row is None:
                    await _insert(db, new_id("r"), draft, by, now, action=action)
                    created += 1
                elif _row_draft(row).same_content(draft):
                    unchanged += 1
                else:
                    await _save(db, row["id"], row["version"] + 1, draft, by, now, action, None)
                    updated += 1
            stale = [row for key, row in existing.items() if replace and key not in seen]
            for row in stale:
                await _mark_deleted(db, row, by, now)
            deleted = len(stale)
        return ImportResult(created, updated, unchanged, deleted)

    async def mark_seeded(self, name: str, now: float) -> bool:
        """Claim a one-time job; False when it ran before (here or in another process)."""
        async with self.base._write() as db:
            cursor = await db.execute(
                "INSERT INTO canned_seed_log (name, done_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, now),
            )
        return cursor.rowcount == 1

    # -- usage ---------------------------------------------------------------------------------
    async def record_usage(
        self, reply_id: str, agent_id: str, conversation_id: str | None, now: float
    ) -> None:
        async with self.base._write() as db:
            await db.execute(
                "INSERT INTO canned_response_usage (canned_response_id, agent_id, conversation_id, used_at)"
                " VALUES (?, ?, ?, ?)",
                (reply_id, agent_id, conversation_id, now),
            )

    async def usage_by_agent(self, reply_id: str) -> list[AgentUsage]:
        rows = await self.base.db.execute_fetchall(
            "SELECT u.agent_id, a.name, COUNT(*) AS n, MAX(u.used_at) AS last FROM canned_response_usage u"
            " LEFT JOIN agents a ON a.id = u.agent_id WHERE u.canned_response_id = ?"
            " GROUP BY u.agent_id, a.name ORDER BY n DESC, a.name",
            (reply_id,),
        )
        return [AgentUsage(r["agent_id"], r["name"], r["n"], r["last"]) for r in rows]

    async def _fetch(self, reply_id: str) -> CannedResponse:
        reply = await self.get(reply_id, include_deleted=True)
        assert reply is not None
        return reply


# -- helpers ---------------------------------------------------------------------------------------
def _key(d: CannedDraft) -> tuple[str, ...]:
    return (d.language, d.scope, d.scope_key, d.shortcut)


async def _current(db: Connection, reply_id: str, for_update: str) -> Row:
    """The reply's row, locked until the transaction ends where the database locks rows."""
    sql = "SELECT * FROM canned_responses WHERE id = ?" + for_update
    rows = list(await db.execute_fetchall(sql, (reply_id,)))
    if not rows:
        raise NotFound("No such canned reply.")
    return rows[0]


async def _insert(
    db: Connection, reply_id: str, d: CannedDraft, by: Actor | None, now: float, *, action: str
) -> None:
    try:
        await db.execute(
            f"INSERT INTO canned_responses (id, {_CONTENT}, scope_key, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (reply_id, *content_tuple(d), d.scope_key, now, now),
        )
    except IntegrityError:
        raise _duplicate(d) from None
    await _snapshot(db, reply_id, 1, d, by, now, action, None)


async def _save(
    db: Connection,
    reply_id: str,
    version: int,
    d: CannedDraft,
    by: Actor | None,
    now: float,
    action: str,
    reverted_from: int | None,
) -> None:
    try:
        await db.execute(
            "UPDATE canned_responses SET shortcut = ?, title = ?, text = ?, category = ?, language = ?,"
            " scope = ?, department = ?, owner_id = ?, scope_key = ?, version = ?, updated_at = ?,"
            " deleted_at = NULL WHERE id = ?",
            (*content_tuple(d), d.scope_key, version, now, reply_id),
        )
    except IntegrityError:
        raise _duplicate(d) from None
    await _snapshot(db, reply_id, version, d, by, now, action, reverted_from)


async def _mark_deleted(db: Connection, row: Row, by: Actor | None, now: float) -> None:
    version = row["version"] + 1
    await db.execute(
        "UPDATE canned_responses SET deleted_at = ?, updated_at = ?, version = ? WHERE id = ?",
        (now, now, version, row["id"]),
    )
    await _snapshot(db, row["id"], version, _row_draft(row), by, now, "delete", None)


async def _snapshot(
    db: Connection,
    reply_id: str,
    version: int,
    d: CannedDraft,
    by: Actor | None,
    now: float,
    action: str,
    reverted_from: int | None,
) -> None:
    await db.execute(
        f"INSERT INTO canned_response_versions (canned_response_id, version, action, {_CONTENT}, changed_by,"
        " changed_by_name, changed_at, reverted_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            reply_id,
            version,
            action,
            *content_tuple(d),
            by.id if by else None,
            by.name if by else None,
            now,
            reverted_from,
        ),
    )


def _duplicate(d: CannedDraft) -> DuplicateShortcut:
    where = {
        "global": "the global library",
        "department": f"department {d.department!r}",
        "personal": "your personal replies",
    }[d.scope]
    return DuplicateShortcut(
        f"The shortcut '{d.shortcut}' is already used in {where} for language '{d.language}'.",
        field="shortcut",
    )


def _row_draft(row: Any) -> CannedDraft:
    return CannedDraft(
        row["shortcut"],
        row["title"],
        row["text"],
        row["category"],
        row["language"],
        row["scope"],
        row["department"],
        row["owner_id"],
    )


def _reply(row: Row) -> CannedResponse:
    usage = UsageSummary(
        count=row["usage_count"],
        last_used_at=row["last_used_at"],
        rated_chats=row["rated_chats"],
        average_rating=None if row["average_rating"] is None else round(float(row["average_rating"]), 2),
    )
    return CannedResponse(
        *content_tuple(_row_draft(row)),  # type: ignore[arg-type]
        id=row["id"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        owner_name=row["owner_name"],
        usage=usage if usage.count else NO_USAGE,
    )


def _version(row: Row) -> CannedVersion:
    return CannedVersion(
        *content_tuple(_row_draft(row)),  # type: ignore[arg-type]
        canned_response_id=row["canned_response_id"],
        version=row["version"],
        action=row["action"],
        changed_by=row["changed_by"],
        changed_by_name=row["changed_by_name"],
        changed_at=row["changed_at"],
        reverted_from=row["reverted_from"],
    )
