"""The positive-language assistant: per-language rules that spot negative phrasing and offer a reframe.

The console runs the same matcher in the browser (``console/static/phrase-match.js``) so highlights appear
while typing; ``check`` here serves ``POST /api/assistant/check`` and keeps the two honest in tests.
Matching: case-insensitive, whole words only, any run of spaces matches any other, ' and ’ are the same.
Where matches overlap, the longer one wins (a specific rule beats a general one).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import validation
from ..canned_models import AssistantRule, FeedbackRow
from ..clock import Clock
from ..errors import Forbidden, InvalidPayload, NotFound, TextTooLong
from ..models import Agent
from ..realtime.events import Events
from ..store.canned import AssistantStore
from . import canned_fields as fields

CHANGED_EVENT = "assistant:changed"
MAX_FEEDBACK_BATCH = 10_000
SENTENCE_END = '.!?…\n"«(“'


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    phrase: str
    reframe: str
    rule: AssistantRule


@functools.lru_cache(maxsize=2048)
def phrase_regex(phrase: str) -> re.Pattern[str]:
    words = []
    for word in phrase.split():
        words.append("".join("['\u2019]" if ch in "'\u2019" else re.escape(ch) for ch in word))
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def reframe_for(text: str, start: int, reframe: str) -> str:
    """A reframe that opens a sentence is capitalised; elsewhere it stays as written."""
    before = text[:start].rstrip(" \t")
    if (not before or before[-1] in SENTENCE_END) and reframe[:1].islower():
        return reframe[:1].upper() + reframe[1:]
    return reframe


def find(text: str, rules: list[AssistantRule]) -> list[Suggestion]:
    found = []
    for rule in rules:
        for m in phrase_regex(rule.phrase).finditer(text):
            reframe = reframe_for(text, m.start(), rule.reframe)
            found.append(Suggestion(m.start(), m.end(), m.group(0), reframe, rule))
    kept: list[Suggestion] = []
    for s in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


class AssistantService:
    def __init__(self, store: AssistantStore, events: Events, clock: Clock, max_text: int) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.max_text = max_text

    async def rules(self, language: str | None) -> list[AssistantRule]:
        return await self.store.list_rules(language)

    async def check(self, data: dict[str, Any]) -> list[Suggestion]:
        text = data.get("text")
        if not isinstance(text, str):
            raise InvalidPayload("'text' must be a string.", field="text")
        if len(text) > self.max_text:
            raise TextTooLong(
                f"'text' is longer than {self.max_text} characters.", field="text", limit=self.max_text
            )
        language = fields.language(data)
        assert language is not None
        return find(text, await self.store.list_rules(language))

    # -- managing the rule sets (managers) ---------------------------------------------------------
    async def create_rule(self, agent: Agent, data: dict[str, Any]) -> AssistantRule:
        _require_manager(agent)
        rule = await self.store.create_rule(fields.rule(data), by=agent.id, now=self.clock.now())
        await self._announce(rule.language)
        return rule

    async def update_rule(self, agent: Agent, rule_id: str, data: dict[str, Any]) -> AssistantRule:
        _require_manager(agent)
        current = await self.store.get_rule(rule_id)
        if current is None:
            raise NotFound("No such assistant rule.")
        merged = {
            "language": current.language,
            "phrase": current.phrase,
            "reframe": current.reframe,
            "note": current.note,
        }
        merged.update({k: v for k, v in data.items() if k in merged})
        rule = await self.store.update_rule(rule_id, fields.rule(merged), by=agent.id, now=self.clock.now())
        await self._announce(rule.language, current.language)
        return rule

    async def delete_rule(self, agent: Agent, rule_id: str) -> None:
        _require_manager(agent)
        rule = await self.store.delete_rule(rule_id)
        await self._announce(rule.language)

    async def _announce(self, *languages: str) -> None:
        for language in sorted(set(languages)):
            await self.events.to_all_agents(CHANGED_EVENT, {"language": language})

    # -- counters --------------------------------------------------------------------------------
    async def record_feedback(self, agent: Agent, data: dict[str, Any]) -> dict[str, int]:
        counts = {
            name: validation.integer(data, name, minimum=0, maximum=MAX_FEEDBACK_BATCH, required=False) or 0
            for name in ("shown", "accepted", "ignored")
        }
        if any(counts.values()):
            day = datetime.fromtimestamp(self.clock.now(), UTC).date().isoformat()
            await self.store.add_feedback(
                agent.id, day, counts["shown"], counts["accepted"], counts["ignored"]
            )
        return counts

    async def feedback_report(self, agent: Agent, days: int) -> list[FeedbackRow]:
        _require_manager(agent)
        since = (datetime.fromtimestamp(self.clock.now(), UTC) - timedelta(days=days - 1)).date().isoformat()
        return await self.store.feedback(since)


def _require_manager(agent: Agent) -> None:
    if not agent.is_manager:
        raise Forbidden("Only managers can change the assistant's rules.")
