"""Shared plumbing for the Socket.IO namespaces: event routing by name (our event names contain
':' so they cannot be ``on_*`` methods) and the one place where errors become ack payloads."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from redis.exceptions import RedisError

from ..errors import ChatError
from ..store.database import UNAVAILABLE_ERRORS
from ..validation import payload

log = logging.getLogger(__name__)

Handler = Callable[[Any, str, dict[str, Any]], Awaitable[dict[str, Any] | None]]


def event(name: str) -> Callable[[Handler], Handler]:
    """Mark a namespace method as the handler of a client event."""

    def mark(fn: Handler) -> Handler:
        fn.__chat_event__ = name  # type: ignore[attr-defined]
        return fn

    return mark


def error_ack(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message, **extra}}


class ChatNamespace(socketio.AsyncNamespace):
    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        self._handlers: dict[str, Callable[[str, dict[str, Any]], Awaitable[dict[str, Any] | None]]] = {}
        for attr in dir(type(self)):
            fn = getattr(type(self), attr)
            name = getattr(fn, "__chat_event__", None)
            if name:
                self._handlers[name] = getattr(self, attr)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event in ("connect", "disconnect"):
            return await super().trigger_event(event, *args)
        sid = args[0]
        handler = self._handlers.get(event)
        if handler is None:
            return error_ack("unknown_event", f"Unknown event {event!r}.")
        try:
            result = await handler(sid, payload(args[1] if len(args) > 1 else None))
            return {"ok": True, **(result or {})}
        except ChatError as exc:
            return {"ok": False, "error": exc.as_dict()}
        except (RedisError, *UNAVAILABLE_ERRORS, OSError) as exc:
            log.warning("%s failed, a dependency is down: %s", event, exc)
            return error_ack("unavailable", "The chat service is briefly unavailable; please try again.")
        except Exception:
            log.exception("unhandled error in %s", event)
            return error_ack("internal_error", "Something went wrong on our side; please try again.")
