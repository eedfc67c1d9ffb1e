"""The baseline: a bare aiohttp + python-socketio server that forwards a message to the partner.

It speaks the same event names and socket topology as the product (namespaces ``/visitor`` and
``/agent``, ``message:send`` with an ack, ``message:new`` to the other side) but does nothing else:
no storage, no validation, no Redis, default in-memory manager. Whatever the product costs beyond
this is the price of its features.

Topology: an agent socket connects with ``auth={"agent": "a1"}``; a visitor socket with
``auth={"pair": "p7", "agent": "a1"}``. Visitor messages go to the agent, agent messages name the
pair in ``conversation_id`` and go to that visitor.

Run: ``python -m bench.relay --port 9100``.
"""

from __future__ import annotations

import argparse
from typing import Any

import socketio
from aiohttp import web


def create_relay() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    partner_of: dict[str, str] = {}  # visitor sid -> agent room

    @sio.on("connect", namespace="/agent")
    async def agent_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        if not isinstance(auth, dict) or not auth.get("agent"):
            return False
        await sio.enter_room(sid, f"agent:{auth['agent']}", namespace="/agent")
        return True

    @sio.on("connect", namespace="/visitor")
    async def visitor_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        if isinstance(auth, dict) and auth.get("pair"):
            await sio.enter_room(sid, f"pair:{auth['pair']}", namespace="/visitor")
            partner_of[sid] = f"agent:{auth.get('agent')}"
        return True  # an idle widget may connect without a pair

    @sio.on("disconnect", namespace="/visitor")
    async def visitor_disconnect(sid: str, reason: Any = None) -> None:
        partner_of.pop(sid, None)

    @sio.on("message:send", namespace="/visitor")
    async def visitor_send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        message = {**data, "author": {"kind": "visitor"}}
        await sio.emit("message:new", {"message": message}, room=partner_of.get(sid), namespace="/agent")
        return {"ok": True}

    @sio.on("message:send", namespace="/agent")
    async def agent_send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        message = {**data, "author": {"kind": "agent"}}
        room = f"pair:{data['conversation_id']}"
        await sio.emit("message:new", {"message": message}, room=room, namespace="/visitor")
        return {"ok": True}

    app = web.Application()
    sio.attach(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    args = parser.parse_args()
    web.run_app(create_relay(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
