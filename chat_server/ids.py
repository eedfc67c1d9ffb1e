"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets


def new_id(prefix: str) -> str:
    """Public ids: random, so they reveal neither order nor volume."""
    return f"{prefix}_{secrets.token_hex(8)}"


def new_secret() -> str:
    """Bearer secrets (visitor and agent tokens): 192 random bits."""
    return secrets.token_urlsafe(24)


def hash_secret(secret: str) -> str:
    """Stored instead of the secret, so a copy of the database hands out no sessions."""
    return hashlib.sha256(secret.encode()).hexdigest()
