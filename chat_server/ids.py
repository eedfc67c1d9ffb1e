"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets
import time


def new_id(prefix: str) -> str:
    """Public ids: random, so they reveal neither order nor volume."""
    return f"{prefix}_{secrets.token_hex(8)}"


def new_message_id() -> str:
    """Message ids start with the time in milliseconds, then 64 random bits.

    On PostgreSQL every message id goes into the primary-key index of ``messages`` (SQLite has had
    none since migration 0009). Random ids land on a random leaf page each, so a group commit of n
    messages rewrote n index pages; ids in time order fill the index's last page instead
    (docs/performance.md, "Session 6"). The time is
    the message's own ``created_at``, shown beside it anyway; the random part keeps ids unguessable
    and says nothing about volume."""
    return f"m_{time.time_ns() // 1_000_000:012x}{secrets.token_hex(8)}"


def new_secret() -> str:
    """Bearer secrets (visitor and agent tokens): 192 random bits."""
    return secrets.token_urlsafe(24)


def hash_secret(secret: str) -> str:
    """Stored instead of the secret, so a copy of the database hands out no sessions."""
    return hashlib.sha256(secret.encode()).hexdigest()
