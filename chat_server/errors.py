"""Domain errors. Each carries a stable code; transports translate them in one place
(``realtime.base`` for socket acks, ``web.middleware`` for HTTP)."""

from __future__ import annotations

from typing import Any


class ChatError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class InvalidPayload(ChatError):
    code = "invalid_payload"


class MissingField(ChatError):
    code = "missing_field"


class TextTooLong(ChatError):
    code = "text_too_long"


class OutOfRange(ChatError):
    code = "out_of_range"


class InvalidStatus(ChatError):
    code = "invalid_status"


class ConversationNotFound(ChatError):
    """Unknown *or* not yours: the same answer, so ids cannot be probed."""

    code = "not_found"
    http_status = 404

    def __init__(self, message: str = "No such conversation.") -> None:
        super().__init__(message)


class NotFound(ChatError):
    code = "not_found"
    http_status = 404


class ConversationClosed(ChatError):
    code = "conversation_closed"
    http_status = 409


class AlreadyActive(ChatError):
    code = "already_active"
    http_status = 409


class NotClosed(ChatError):
    code = "not_closed"
    http_status = 409


class AlreadyRated(ChatError):
    code = "already_rated"
    http_status = 409


class RatingExpired(ChatError):
    code = "rating_expired"
    http_status = 409


class Conflict(ChatError):
    code = "conflict"
    http_status = 409


class DuplicateShortcut(Conflict):
    code = "duplicate_shortcut"


class VersionConflict(Conflict):
    """Someone saved the reply since the caller loaded it."""

    code = "version_conflict"


class UnknownPlaceholder(ChatError):
    code = "unknown_placeholder"


class InvalidImport(ChatError):
    """An import file failed validation; ``errors`` lists every problem, nothing was changed."""

    code = "invalid_import"


class Unauthorized(ChatError):
    code = "unauthorized"
    http_status = 401


class Forbidden(ChatError):
    code = "forbidden"
    http_status = 403


class Unavailable(ChatError):
    code = "unavailable"
    http_status = 503


class RateLimited(ChatError):
    code = "rate_limited"
    http_status = 429
