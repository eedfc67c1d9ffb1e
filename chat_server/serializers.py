"""Records to protocol payloads (docs/protocol.md). The visitor token never leaves here; agent
payloads and visitor payloads are built separately so neither leaks the other's fields."""

from __future__ import annotations

from typing import Any

from .clock import to_iso
from .models import Agent, Conversation, FollowUp, Message, Note, Rating
from .routing.queue import QueueStatus
from .services.ratings import answer


def _iso(ts: float | None) -> str | None:
    return None if ts is None else to_iso(ts)


def message(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "conversation_id": m.conversation_id,
        "seq": m.seq,
        "client_id": m.client_id,
        "author": {"kind": m.author_kind, "name": m.author_name},
        "text": m.text,
        "created_at": to_iso(m.created_at),
    }


def rating(r: Rating | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "score": r.score,
        "scale": r.scale,
        "value": answer(r.scale, r.score),
        "comment": r.comment,
        "created_at": to_iso(r.created_at),
        "survey": r.survey.as_dict() if r.survey else None,
    }


def agent(a: Agent, *, status: str | None = None, capacity: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id, "name": a.name, "email": a.email, "role": a.role, "disabled": a.disabled,
        "capacity": a.capacity, "departments": list(a.departments), "languages": list(a.languages),
    }
    if status is not None:
        out["status"] = status
    if capacity is not None:
        out["capacity"] = capacity
    return out


def _common(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "status": c.status,
        "created_at": to_iso(c.created_at),
        "assigned_at": _iso(c.assigned_at),
        "closed_at": _iso(c.closed_at),
        "closed_by": c.closed_by,
        "messages": [message(m) for m in c.messages],
        "rating": rating(c.rating),
    }


def conversation_for_agent(c: Conversation) -> dict[str, Any]:
    return {
        **_common(c),
        "visitor": {
            "id": c.visitor_id, "name": c.visitor_name, "email": c.visitor_email, "page_url": c.page_url,
            "page_title": c.page_title, "user_agent": c.user_agent, "timezone": c.visitor_timezone,
        },
        "outcome": c.outcome,
        "language": c.language,
        "department": c.department,
        "agent": {"id": c.agent_id, "name": c.agent_name} if c.agent_id else None,
    }


def conversation_for_visitor(c: Conversation, queue: QueueStatus | None) -> dict[str, Any]:
    return {
        **_common(c),
        "agent": {"name": c.agent_name} if c.agent_id else None,
        "queue": queue.as_dict() if queue else None,
    }


def note(n: Note) -> dict[str, Any]:
    return {
        "id": n.id,
        "conversation_id": n.conversation_id,
        "author": {"id": n.author_id, "name": n.author_name},
        "kind": n.kind,
        "text": n.text,
        "created_at": to_iso(n.created_at),
    }


def follow_up(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.id,
        "conversation_id": f.conversation_id,
        "agent_id": f.agent_id,
        "visitor_name": f.visitor_name,
        "due_date": f.due_date,
        "note": f.note,
        "created_at": to_iso(f.created_at),
        "done_at": _iso(f.done_at),
        "done_by": f.done_by,
    }
