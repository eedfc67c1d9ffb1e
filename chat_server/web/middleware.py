"""HTTP error handling in one place: domain errors and bad requests become JSON errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from redis.exceptions import RedisError

from ..errors import ChatError
from ..store.database import UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, code: str, message: str, **extra: object) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, **extra}}, status=status)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ChatError as exc:
        return web.json_response({"error": exc.as_dict()}, status=exc.http_status)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(exc.status, "http_error")
        return json_error(exc.status, code, exc.reason)
    except (RedisError, *UNAVAILABLE_ERRORS) as exc:
        log.warning("%s %s failed, a dependency is down: %s", request.method, request.path, exc)
        return json_error(503, "unavailable", "The chat service is briefly unavailable; please try again.")
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return json_error(500, "internal_error", "Something went wrong on our side.")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.startswith(("/console", "/manage")) and not request.path.startswith("/console/static"):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response
