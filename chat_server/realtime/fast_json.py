"""The JSON codec Socket.IO packets go through: orjson instead of the standard library's.

Every message is encoded at least twice (the partner's ``message:new`` and the sender's ack) and
decoded once; with the standard ``json`` module that was ~7 % of the server's CPU per message
(docs/performance.md). orjson writes the same JSON (UTF-8 instead of ``\\uXXXX`` escapes, which every
JSON parser reads the same) at a fraction of the cost. python-socketio asks for a module-like object
with ``dumps``/``loads``.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS  # the standard module accepts int keys too; keep that


def dumps(obj: Any, **_: Any) -> str:
    """``separators`` and the like are ignored: orjson's output is already compact."""
    return orjson.dumps(obj, option=_OPTIONS).decode()


def loads(data: str | bytes, **_: Any) -> Any:
    return orjson.loads(data)
