"""Where a request comes from, honouring a trusted reverse proxy's headers only when configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web


def environ_ip(environ: Mapping[str, Any], trust_proxy: bool) -> str:
    """The client address of a Socket.IO handshake."""
    if trust_proxy and environ.get("HTTP_X_FORWARDED_FOR"):
        return str(environ["HTTP_X_FORWARDED_FOR"]).split(",")[0].strip()[:64]
    request = environ.get("aiohttp.request")
    if request is not None and request.remote:
        return str(request.remote)
    return str(environ.get("REMOTE_ADDR", ""))[:64]


def request_ip(request: web.Request, trust_proxy: bool) -> str:
    forwarded = request.headers.get("X-Forwarded-For")
    if trust_proxy and forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.remote or ""


def is_https(request: web.Request, trust_proxy: bool) -> bool:
    return request.secure or (trust_proxy and request.headers.get("X-Forwarded-Proto") == "https")
