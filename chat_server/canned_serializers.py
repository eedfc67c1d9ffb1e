"""Canned replies and assistant records to API payloads (docs/api.md)."""

from __future__ import annotations

from typing import Any

from .canned_models import AgentUsage, AssistantRule, CannedResponse, CannedVersion, FeedbackRow, ImportResult
from .clock import to_iso
from .services.assistant import Suggestion


def _iso(ts: float | None) -> str | None:
    return None if ts is None else to_iso(ts)


def reply(r: CannedResponse) -> dict[str, Any]:
    return {
        "id": r.id,
        "shortcut": r.shortcut,
        "title": r.title,
        "text": r.text,
        "category": r.category,
        "language": r.language,
        "scope": r.scope,
        "department": r.department,
        "owner": {"id": r.owner_id, "name": r.owner_name} if r.owner_id else None,
        "version": r.version,
        "updated_at": to_iso(r.updated_at),
        "deleted": r.deleted_at is not None,
        "usage_count": r.usage.count,
        "last_used_at": _iso(r.usage.last_used_at),
        "average_rating": r.usage.average_rating,
        "rated_chats": r.usage.rated_chats,
    }


def version(v: CannedVersion, changes: dict[str, object]) -> dict[str, Any]:
    return {
        "version": v.version,
        "action": v.action,
        "changed_at": to_iso(v.changed_at),
        "changed_by": {"id": v.changed_by, "name": v.changed_by_name} if v.changed_by else None,
        "reverted_from": v.reverted_from,
        "snapshot": {
            "shortcut": v.shortcut,
            "title": v.title,
            "text": v.text,
            "category": v.category,
            "language": v.language,
            "scope": v.scope,
            "department": v.department,
            "owner_id": v.owner_id,
        },
        "changes": changes,
    }


def agent_usage(u: AgentUsage) -> dict[str, Any]:
    return {
        "agent": {"id": u.agent_id, "name": u.name},
        "count": u.count,
        "last_used_at": to_iso(u.last_used_at),
    }


def import_result(r: ImportResult) -> dict[str, int]:
    return {"created": r.created, "updated": r.updated, "unchanged": r.unchanged, "deleted": r.deleted}


def rule(r: AssistantRule) -> dict[str, Any]:
    return {
        "id": r.id,
        "language": r.language,
        "phrase": r.phrase,
        "reframe": r.reframe,
        "note": r.note,
        "updated_at": to_iso(r.updated_at),
    }


def suggestion(s: Suggestion) -> dict[str, Any]:
    return {
        "start": s.start,
        "end": s.end,
        "phrase": s.phrase,
        "reframe": s.reframe,
        "rule_id": s.rule.id,
        "note": s.rule.note,
    }


def feedback(rows: list[FeedbackRow]) -> dict[str, Any]:
    """Per agent: totals over the period and the per-day rows the reports chart."""
    agents: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = agents.setdefault(
            row.agent_id,
            {
                "agent": {"id": row.agent_id, "name": row.agent_name},
                "shown": 0,
                "accepted": 0,
                "ignored": 0,
                "days": [],
            },
        )
        for name in ("shown", "accepted", "ignored"):
            entry[name] += getattr(row, name)
        entry["days"].append(
            {"day": row.day, "shown": row.shown, "accepted": row.accepted, "ignored": row.ignored}
        )
    return {"agents": sorted(agents.values(), key=lambda e: (e["agent"]["name"] or "", e["agent"]["id"]))}
