"""Payload checks shared by socket events and HTTP routes.

Every field is type-checked here before it reaches a service or a query, so an object where a
string belongs is an ``invalid_payload`` error and never a query operator.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .errors import ConversationNotFound, InvalidPayload, MissingField, OutOfRange, TextTooLong

# C0/C1 control characters except tab and newline; they break terminals, logs and CSV.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ID_PATTERN = re.compile(r"^[a-z]_[0-9a-f]{16}$")


def payload(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidPayload("The payload must be a JSON object.")
    return data


def clean_text(value: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).replace("\r\n", "\n")


def text(data: dict[str, Any], name: str, *, max_length: int, required: bool = True) -> str | None:
    """A user-written string: normalised, control characters stripped, length-checked."""
    value = data.get(name)
    if value is None:
        if required:
            raise MissingField(f"'{name}' is required.", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a string.", field=name)
    value = clean_text(value).strip()
    if not value:
        if required:
            raise MissingField(f"'{name}' must not be empty.", field=name)
        return None
    if len(value) > max_length:
        raise TextTooLong(f"'{name}' is longer than {max_length} characters.", field=name, limit=max_length)
    return value


def email(data: dict[str, Any], name: str = "email", *, required: bool = False) -> str | None:
    value = text(data, name, max_length=254, required=required)
    if value is not None and not _EMAIL.match(value):
        raise InvalidPayload(f"'{name}' is not an email address.", field=name)
    return value.lower() if value else None


def conversation_id(data: dict[str, Any], name: str = "conversation_id") -> str:
    """An id we issued. Anything else cannot name a conversation: answered like an unknown id."""
    value = data.get(name)
    if value is None or value == "":
        raise MissingField(f"'{name}' is required.", field=name)
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a string.", field=name)
    if not ID_PATTERN.match(value):
        raise ConversationNotFound()
    return value


def client_id(data: dict[str, Any], name: str = "client_id") -> str:
    value = data.get(name)
    if value is None or value == "":
        raise MissingField(f"'{name}' is required.", field=name)
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a string.", field=name)
    if len(value) > 64 or _CONTROL.search(value):
        raise InvalidPayload(f"'{name}' must be at most 64 printable characters.", field=name)
    return value


def integer(
    data: dict[str, Any], name: str, *, minimum: int, maximum: int, required: bool = True
) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise MissingField(f"'{name}' is required.", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPayload(f"'{name}' must be a whole number.", field=name)
    if not minimum <= value <= maximum:
        raise OutOfRange(f"'{name}' must be between {minimum} and {maximum}.", field=name)
    return value


def boolean(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise InvalidPayload(f"'{name}' must be true or false.", field=name)
    return value


def choice(data: dict[str, Any], name: str, options: tuple[str, ...], error: type[Exception]) -> str:
    value = data.get(name)
    if value is None:
        raise MissingField(f"'{name}' is required.", field=name)
    if not isinstance(value, str) or value not in options:
        raise error(f"'{name}' must be one of: {', '.join(options)}.")  # type: ignore[call-arg]
    return value


def date(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A calendar date as YYYY-MM-DD."""
    import datetime as _dt

    value = data.get(name)
    if value is None or value == "":
        if required:
            raise MissingField(f"'{name}' is required.", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a date (YYYY-MM-DD).", field=name)
    try:
        return _dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> str:
    raise InvalidPayload(f"'{name}' must be a date (YYYY-MM-DD).", field=name)


def agent_id(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidPayload(f"'{name}' must be a string.", field=name)
    return value if ID_PATTERN.match(value) else "a_0000000000000000"
