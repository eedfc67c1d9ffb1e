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
    ops: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace"):
            _push(ops, "equal" if tag == "equal" else "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _push(ops, "insert", "".join(b[j1:j2]))
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
