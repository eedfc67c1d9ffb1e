"""Word-level diffs for the history view: what a version changed, readable without a diff tool."""

from __future__ import annotations

import difflib
import re

from ..canned_models import CannedDraft

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
FIELDS = ("shortcut", "title", "category", "language", "scope", "department", "owner_id")


def word_diff(before: str, after: str) -> list[dict[str, str]]:
    """[{"op": "equal" | "insert" | "delete", "text"}], adjacent runs merged; joining the non-delete parts
    gives ``after`` and the non-insert parts give ``before``."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    raw: list[tuple[str, str, str]] = []  # (tag, removed, added)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        raw.append((tag, "".join(a[i1:i2]), "".join(b[j1:j2])))
    return _grouped(raw)


def _grouped(raw: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """One deletion and one insertion per changed stretch: a lone space between two changed words joins
    the stretch, so "Thank you" -> "Many thanks" reads as one replacement, not four fragments."""
    ops: list[dict[str, str]] = []
    removed = added = ""
    for index, (tag, old, new) in enumerate(raw):
        between_changes = (
            0 < index < len(raw) - 1
            and not old.strip()
            and raw[index + 1][0] != "equal"
            and (removed or added)
        )
        if tag == "equal" and not between_changes:
            _push(ops, "delete", removed)
            _push(ops, "insert", added)
            removed = added = ""
            _push(ops, "equal", old)
        else:
            removed += old
            added += new
    _push(ops, "delete", removed)
    _push(ops, "insert", added)
    return ops


def _push(ops: list[dict[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1]["op"] == op:
        ops[-1]["text"] += text
    else:
        ops.append({"op": op, "text": text})


def changes(before: CannedDraft | None, after: CannedDraft) -> dict[str, object]:
    """Field changes from one version to the next; the first version lists nothing but its text."""
    if before is None:
        return {"fields": [], "text": [{"op": "insert", "text": after.text}] if after.text else []}
    fields = [
        {"field": name, "before": getattr(before, name), "after": getattr(after, name)}
        for name in FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    text = word_diff(before.text, after.text) if before.text != after.text else []
    return {"fields": fields, "text": text}
