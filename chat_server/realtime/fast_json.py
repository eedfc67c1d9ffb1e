"""The JSON codec Socket.IO packets go through: orjson instead of the standard library's, and no
search for binary attachments in what the server sends.

Every message is encoded at least twice (the partner's ``message:new`` and the sender's ack) and
decoded once; with the standard ``json`` module that was ~7 % of the server's CPU per message
(docs/performance.md). orjson writes the same JSON (UTF-8 instead of ``\\uXXXX`` escapes, which every
JSON parser reads the same) at a fraction of the cost. python-socketio asks for a module-like object
with ``dumps``/``loads``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson
from socketio import packet

_OPTIONS = orjson.OPT_NON_STR_KEYS  # the standard module accepts int keys too; keep that


def dumps(obj: Any, **_: Any) -> str:
    """``separators`` and the like are ignored: orjson's output is already compact."""
    return orjson.dumps(obj, option=_OPTIONS).decode()


def loads(data: str | bytes, **_: Any) -> Any:
    """orjson refuses what the standard module reads: NaN, Infinity (what Python clients write for
    those floats) and integers past 64 bits. A packet it refuses goes to the standard module, so it
    reaches its handler and gets an error ack from validation, instead of being dropped unanswered."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


class JsonPacket(packet.Packet):
    """A Socket.IO packet whose payload is JSON only.

    The library walks every outgoing payload looking for ``bytes`` to send as attachments
    (``Packet.data_is_binary``, recursive, in Python): ~6 % of the server's samples per chat message
    (docs/performance.md, "Session 6"). The server never sends binary (every payload comes from
    serializers.py), so that walk is skipped; bytes that did slip in would fail loudly in ``dumps``
    rather than go out. Incoming packets decode as before, binary ones included.
    """

    uses_binary_events = False
    json = sys.modules[__name__]
