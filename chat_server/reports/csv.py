"""CSV export of any report table: the JSON rows flattened, so CSV and JSON always agree.

A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return)
is prefixed with ``'``: agent names and visitor comments are user-written text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"wait_s": {"avg": 1}} -> {"wait_s_avg": 1}; lists are joined with "; "."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}_"))
        elif isinstance(value, list | tuple):
            out[name] = "; ".join(str(v) for v in value)
        else:
            out[name] = value
    return out


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    flat = [flatten(r) for r in rows]
    if columns is None:
        columns = list(flat[0]) if flat else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in flat:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue()
