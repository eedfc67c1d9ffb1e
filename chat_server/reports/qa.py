"""Quality review: each period a reproducible random sample of every agent's closed chats, scored by
a manager on a rubric from config (0–2 points per criterion) with a comment the agent can read.

The draw is ``random.Random(f"{seed}:{period_start}:{agent_id}").sample(candidates)`` over the
agent's chats that closed in the period, sorted by id: the same seed, period and chats always give
the same sample, in any process, without storing it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import serializers
from ..clock import Clock, to_iso
from ..errors import Forbidden, InvalidPayload, NotClosed, NotFound, OutOfRange
from ..models import Agent, Conversation
from ..store import Store
from ..store.qa import QaStore, Review
from . import periods

# Periods are counted from this Monday, so a 7-day period is a Monday-to-Sunday week.
ANCHOR = date(2024, 1, 1)
MAX_POINTS_PER_CRITERION = 2


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str


def criteria(labels: tuple[str, ...]) -> list[Criterion]:
    return [Criterion(re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_"), label) for label in labels]


def draw(candidates: list[str], size: int, seed: str, period_start: date, agent_id: str) -> list[str]:
    """The reproducible sample: at most ``size`` of ``candidates`` (all of them if fewer)."""
    ordered = sorted(candidates)
    rng = random.Random(f"{seed}:{period_start.isoformat()}:{agent_id}")
    return rng.sample(ordered, min(size, len(ordered)))


class QaService:
    def __init__(
        self,
        *,
        store: Store,
        qa: QaStore,
        clock: Clock,
        tz: str,
        seed: str,
        sample_size: int,
        period_days: int,
        rubric: tuple[str, ...],
    ) -> None:
        self.store = store
        self.qa = qa
        self.clock = clock
        self.tz = ZoneInfo(tz)
        self.seed = seed
        self.sample_size = sample_size
        self.period_days = period_days
        self.criteria = criteria(rubric)

    # -- periods --------------------------------------------------------------------------------
    def period_containing(self, day: date) -> tuple[date, date]:
        """(first day, last day) of the period holding ``day``."""
        index = (day - ANCHOR).days // self.period_days
        first = ANCHOR + timedelta(days=index * self.period_days)
        return first, first + timedelta(days=self.period_days - 1)

    def period_for(self, query: Mapping[str, str]) -> tuple[date, date]:
        """``period=YYYY-MM-DD`` names the period holding that day; default: the last finished one."""
        if query.get("period"):
            return self.period_containing(periods.parse_date(query["period"], "period"))
        today = datetime.fromtimestamp(self.clock.now(), self.tz).date()
        current_first, _ = self.period_containing(today)
        return self.period_containing(current_first - timedelta(days=1))

    # -- the sample -----------------------------------------------------------------------------
    async def sample(self, viewer: Agent, query: Mapping[str, str]) -> dict[str, Any]:
        _manager_only(viewer)
        first, last = self.period_for(query)
        start = periods.local_midnight(first, self.tz)
        end = periods.local_midnight(last + timedelta(days=1), self.tz)
        closed = await self.qa.closed_by_agent(start, end)
        agents = [a for a in await self.store.list_agents() if a.id in closed or not a.disabled]
        drawn = {a.id: draw(closed.get(a.id, []), self.sample_size, self.seed, first, a.id) for a in agents}
        chosen = sorted({c for ids in drawn.values() for c in ids})
        reviews = {(r.conversation_id, r.agent_id): r for r in await self.qa.reviews_of(chosen)}
        summaries = {c: await self._summary(c) for c in chosen}
        return {
            "period": {"start": first.isoformat(), "end": last.isoformat(), "tz": self.tz.key},
            "sample_size": self.sample_size,
            "criteria": self.criteria_dicts(),
            "agents": [
                {
                    "agent_id": a.id,
                    "name": a.name,
                    "candidates": len(closed.get(a.id, [])),
                    "sample": [
                        {
                            "conversation_id": c,
                            **summaries[c],
                            "review": self.review_dict(reviews.get((c, a.id))),
                        }
                        for c in drawn[a.id]
                    ],
                }
                for a in agents
            ],
        }

    async def _summary(self, conversation_id: str) -> dict[str, Any]:
        c = await self.store.get_conversation(conversation_id)
        if c is None:  # pragma: no cover - sampled from the database a moment ago
            return {"visitor_name": None, "closed_at": None}
        return {"visitor_name": c.visitor_name, "closed_at": to_iso(c.closed_at) if c.closed_at else None}

    async def transcript(self, viewer: Agent, conversation_id: str) -> dict[str, Any]:
        _manager_only(viewer)
        conversation = await self.store.get_conversation(conversation_id, with_messages=True)
        if conversation is None:
            raise NotFound("No such conversation.")
        reviews = await self.qa.reviews_of([conversation_id])
        return {
            "conversation": serializers.conversation_for_agent(conversation),
            "criteria": self.criteria_dicts(),
            "reviews": [self.review_dict(r) for r in reviews],
        }

    # -- scoring --------------------------------------------------------------------------------
    def parse_scores(self, raw: object) -> dict[str, int]:
        """Every rubric criterion, 0..2 each; unknown names refused so a typo is not lost."""
        if not isinstance(raw, dict):
            raise InvalidPayload("'scores' must be an object of criterion: points.", field="scores")
        keys = [c.key for c in self.criteria]
        unknown = sorted(set(raw) - set(keys))
        if unknown:
            raise InvalidPayload(f"Unknown criteria: {', '.join(map(str, unknown))}.", field="scores")
        scores = {}
        for key in keys:
            value = raw.get(key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidPayload(f"'scores.{key}' must be a whole number.", field=f"scores.{key}")
            if not 0 <= value <= MAX_POINTS_PER_CRITERION:
                raise OutOfRange(f"'scores.{key}' must be 0, 1 or 2.", field=f"scores.{key}")
            scores[key] = value
        return scores

    async def submit(
        self,
        viewer: Agent,
        *,
        conversation_id: str,
        agent_id: str,
        scores: dict[str, int],
        comment: str | None,
    ) -> dict[str, Any]:
        _manager_only(viewer)
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None or not await self.qa.took_part(conversation_id, agent_id):
            raise NotFound("That agent took no part in that conversation.")
        _require_closed(conversation)
        review = await self.qa.save_review(
            conversation_id=conversation_id,
            agent_id=agent_id,
            reviewer_id=viewer.id,
            scores=scores,
            max_points=MAX_POINTS_PER_CRITERION * len(self.criteria),
            comment=comment,
            now=self.clock.now(),
        )
        return {"review": self.review_dict(review)}

    async def feedback(self, viewer: Agent, agent_id: str | None) -> dict[str, Any]:
        """An agent reads their own reviews; a manager anyone's."""
        target = agent_id or viewer.id
        if target != viewer.id and not viewer.is_manager:
            raise Forbidden("Agents can only read their own feedback.")
        reviews = await self.qa.reviews_for_agent(target)
        return {
            "agent_id": target,
            "criteria": self.criteria_dicts(),
            "reviews": [self.review_dict(r) for r in reviews],
        }

    # -- payloads -------------------------------------------------------------------------------
    def criteria_dicts(self) -> list[dict[str, Any]]:
        return [{"key": c.key, "label": c.label, "max": MAX_POINTS_PER_CRITERION} for c in self.criteria]

    def review_dict(self, r: Review | None) -> dict[str, Any] | None:
        if r is None:
            return None
        labels = {c.key: c.label for c in self.criteria}
        return {
            "conversation_id": r.conversation_id,
            "agent_id": r.agent_id,
            "reviewer": {"id": r.reviewer_id, "name": r.reviewer_name},
            "scores": [{"key": k, "label": labels.get(k, k), "points": v} for k, v in r.scores.items()],
            "points": r.points,
            "max_points": r.max_points,
            "score": round(100 * r.points / r.max_points, 1) if r.max_points else None,
            "comment": r.comment,
            "created_at": to_iso(r.created_at),
            "updated_at": to_iso(r.updated_at),
        }


def _manager_only(viewer: Agent) -> None:
    if not viewer.is_manager:
        raise Forbidden("Quality review is for managers.")


def _require_closed(conversation: Conversation) -> None:
    if conversation.is_open:
        raise NotClosed("Only closed chats are reviewed.")
