"""Import and export of the whole canned-reply library as JSON or CSV.

Exports are deterministic (sorted, no timestamps), so export -> import -> export gives the same bytes.
An import is validated completely before anything is written: one bad row rejects the file, and the
error lists every problem found (up to ``MAX_ERRORS``) with its row number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from ..canned_models import CannedDraft, CannedResponse
from ..errors import ChatError, InvalidImport
from ..models import Agent
from . import canned_fields as fields

FORMAT_NAME = "chat-server.canned-responses"
FORMAT_VERSION = 1
COLUMNS = ("language", "scope", "department", "owner", "category", "shortcut", "title", "text")
REQUIRED_COLUMNS = ("language", "scope", "category", "shortcut", "title", "text")
MAX_ITEMS = 5000
MAX_ERRORS = 50
BOM = "\ufeff"


def export_rows(replies: Iterable[CannedResponse], agents: Iterable[Agent]) -> list[dict[str, str | None]]:
    emails = {a.id: a.email for a in agents}
    rows = [
        {
            "language": r.language,
            "scope": r.scope,
            "department": r.department,
            "owner": emails.get(r.owner_id or "") if r.scope == "personal" else None,
            "category": r.category,
            "shortcut": r.shortcut,
            "title": r.title,
            "text": r.text,
        }
        for r in replies
    ]
    rows.sort(
        key=lambda r: tuple(r[c] or "" for c in ("language", "scope", "department", "owner", "shortcut"))
    )
    return rows


def to_json(rows: list[dict[str, str | None]]) -> str:
    doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "items": rows}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: list[dict[str, str | None]]) -> str:
    """UTF-8 with a byte-order mark so spreadsheet programs read Cyrillic and diacritics correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v or "" for k, v in row.items()})
    return BOM + out.getvalue()


def parse(body: bytes, fmt: str) -> list[dict[str, Any]]:
    """Raw items from an uploaded file; structure errors only (fields are checked by ``validate``)."""
    try:
        text = body.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise InvalidImport("The file is not UTF-8 text.", errors=[]) from None
    if not text.strip():
        raise InvalidImport("The file is empty.", errors=[])
    items = _parse_json(text) if fmt == "json" else _parse_csv(text)
    if len(items) > MAX_ITEMS:
        raise InvalidImport(
            f"The file has {len(items)} replies; at most {MAX_ITEMS} can be imported at once.", errors=[]
        )
    return items


def _parse_json(text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidImport(
            f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).", errors=[]
        ) from None
    items = doc.get("items") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InvalidImport('The JSON must be {"items": [...]} or a list of replies.', errors=[])
    return items


def _parse_csv(text: str) -> list[dict[str, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidImport(f"The CSV header lacks the column(s): {', '.join(missing)}.", errors=[])
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise InvalidImport(f"CSV row {len(rows) + 1} has more cells than the header.", errors=[])
            rows.append({k: (v if v != "" else None) for k, v in row.items()})
        return rows
    except csv.Error as exc:
        raise InvalidImport(f"The file is not valid CSV: {exc}.", errors=[]) from None


def validate(items: list[Any], limits: fields.Limits, agents: Iterable[Agent]) -> list[CannedDraft]:
    """Every item checked like a single save, plus owners resolved and duplicates inside the file found."""
    by_email = {a.email.lower(): a.id for a in agents}
    drafts: list[CannedDraft] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, item in enumerate(items, start=1):
        try:
            draft = _item(item, limits, by_email)
        except ChatError as exc:
            errors.append({"row": number, **exc.as_dict()})
            continue
        key = (draft.language, draft.scope, draft.scope_key, draft.shortcut)
        if key in seen:
            errors.append(
                {
                    "row": number,
                    "code": "duplicate_shortcut",
                    "field": "shortcut",
                    "message": f"Shortcut '{draft.shortcut}' repeats row {seen[key]} "
                    f"(same language and scope).",
                }
            )
            continue
        seen[key] = number
        drafts.append(draft)
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f" (first {MAX_ERRORS} listed)" if len(errors) > MAX_ERRORS else ""
        raise InvalidImport(f"{len(errors)} row(s) have problems{more}; nothing was imported.", errors=shown)
    return drafts


def _item(item: Any, limits: fields.Limits, by_email: dict[str, str]) -> CannedDraft:
    if not isinstance(item, dict):
        raise InvalidImport("Each reply must be an object.")
    owner_id = None
    if item.get("scope") == "personal":
        owner = item.get("owner")
        if not isinstance(owner, str) or not owner.strip():
            raise InvalidImport("A personal reply needs 'owner' (the agent's email).", field="owner")
        owner_id = by_email.get(owner.strip().lower())
        if owner_id is None:
            raise InvalidImport(f"No agent has the email {owner!r}.", field="owner")
    return fields.draft(item, limits, owner_id=owner_id)
