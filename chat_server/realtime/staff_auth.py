"""Who is connecting to a staff namespace (/agent, /manage): a token in the handshake's auth, or
the console's session cookie, which only our own pages may use."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio

from ..errors import Unauthorized
from ..models import Agent
from ..services.auth import AuthService

SESSION_COOKIE = "chat_session"


def cookie_token(environ: dict[str, Any]) -> str | None:
    raw = environ.get("HTTP_COOKIE")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except CookieError:
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None


async def authenticate_staff(auth_service: AuthService, environ: dict[str, Any], auth: Any) -> Agent:
    """The agent, or a refused connection ('unauthorized')."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token:
        # Browsers attach cookies to cross-site websocket handshakes too; only our own pages may.
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin.split("://", 1)[-1] != environ.get("HTTP_HOST"):
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        token = cookie_token(environ)
    try:
        return await auth_service.authenticate(token)
    except Unauthorized as exc:
        raise socketio.exceptions.ConnectionRefusedError("unauthorized") from exc
