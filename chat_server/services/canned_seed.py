"""The starter library: ``canned_responses/*.json`` (replies) and ``canned_responses/assistant/*.json``
(the assistant's rules), loaded on first start. Format: canned_responses/README.md.

Replies load only while the table is empty (deleted replies stay as rows, so deleting the library does not
bring it back); rules load once, recorded in ``canned_seed_log``. A broken seed file stops the server with a
message naming the file, rather than starting with half a library.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..canned_models import CannedDraft, RuleDraft
from ..clock import Clock
from ..config import PROJECT_ROOT
from ..errors import ChatError, InvalidImport
from ..store.canned import AssistantStore, CannedStore
from . import canned_fields as fields
from . import canned_io

log = logging.getLogger(__name__)

SEED_DIR = PROJECT_ROOT / "canned_responses"
RULES_SEED = "assistant_rules"


class SeedError(RuntimeError):
    """A shipped data file is malformed."""


@dataclass(frozen=True)
class SeedResult:
    replies: int
    rules: int


def load_replies(folder: Path, limits: fields.Limits) -> list[CannedDraft]:
    drafts: list[CannedDraft] = []
    for path in sorted(folder.glob("*.json")):
        doc = _read(path)
        language = doc.get("language")
        items = [
            {**item, "language": language, "scope": "global"} if isinstance(item, dict) else item
            for item in doc.get("replies", [])
        ]
        try:
            drafts.extend(canned_io.validate(items, limits, agents=[]))
        except InvalidImport as exc:
            raise SeedError(f"{path}: {exc.message} {exc.extra.get('errors')}") from None
    return drafts


def load_rules(folder: Path) -> list[RuleDraft]:
    rules: list[RuleDraft] = []
    for path in sorted((folder / "assistant").glob("*.json")):
        doc = _read(path)
        for number, item in enumerate(doc.get("rules", []), start=1):
            try:
                rules.append(fields.rule({**item, "language": doc.get("language")}))
            except (ChatError, TypeError) as exc:
                raise SeedError(f"{path}: rule {number}: {exc}") from None
    return rules


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"{path}: {exc}") from None
    if not isinstance(doc, dict):
        raise SeedError(f"{path}: expected a JSON object")
    return doc


async def ensure_seeded(
    canned: CannedStore,
    assistant: AssistantStore,
    clock: Clock,
    limits: fields.Limits,
    folder: Path = SEED_DIR,
) -> SeedResult:
    """Idempotent, and safe when two processes start together (an import of the same file twice
    changes nothing the second time)."""
    replies = rules = 0
    if await canned.count_all() == 0:
        drafts = load_replies(folder, limits)
        result = await canned.import_library(drafts, replace=False, by=None, now=clock.now(), action="seed")
        replies = result.created
    rule_drafts = load_rules(folder)  # read first: a broken file must not mark the job done
    if await canned.mark_seeded(RULES_SEED, clock.now()):
        rules = await assistant.seed_rules(rule_drafts, clock.now())
    if replies or rules:
        log.info("loaded the starter library: %d canned replies, %d assistant rules", replies, rules)
    return SeedResult(replies, rules)
