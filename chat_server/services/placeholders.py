"""The placeholders a canned reply may contain, checked when a reply is saved.

Filling happens in the console (``console/static/placeholders.js``) from what this module publishes:
the names, what each means, and the fallback used when the console has no value. An empty fallback
drops the placeholder together with the comma that introduced it ("Hello, {visitor.name}!" -> "Hello!").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UnknownPlaceholder

# {name} or {dotted.name}; other braces ("{ }", "{1, 2}") are plain text.
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    example: str
    # Per language; "*" for any language not listed.
    fallback: dict[str, str] = field(default_factory=dict)


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder(
        "visitor.name",
        "The visitor's name as they gave it in the widget.",
        "Maria",
        {"en": "there", "*": ""},
    ),
    Placeholder(
        "visitor.email", "The visitor's email address, if they left one.", "maria@example.com", {"*": ""}
    ),
    Placeholder("agent.name", "Your name as the visitor sees it.", "Anna", {"*": ""}),
    Placeholder("company", "The company name from the server settings (company_name).", "Acme Support"),
    Placeholder(
        "wait_minutes",
        "Minutes the visitor should expect to wait; defaults to the default_wait_minutes setting.",
        "5",
    ),
)
KNOWN = {p.name for p in PLACEHOLDERS}


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def check(text: str, field_name: str = "text") -> None:
    """Every placeholder must be one we can fill; a typo would otherwise reach a visitor verbatim."""
    unknown = sorted({n for n in names_in(text) if n not in KNOWN})
    if unknown:
        listed = ", ".join("{" + n + "}" for n in unknown)
        known = ", ".join("{" + p.name + "}" for p in PLACEHOLDERS)
        raise UnknownPlaceholder(
            f"Unknown placeholder {listed}. Known placeholders: {known}.",
            field=field_name,
            placeholders=unknown,
        )


def describe(company: str, wait_minutes: int) -> list[dict[str, object]]:
    """The registry as the console and the manager page receive it. ``default`` is a value the server
    knows (used unless the console has a better one); ``fallback`` is what stands in for a missing value."""
    defaults = {"company": company, "wait_minutes": str(wait_minutes)}
    return [
        {
            "name": p.name,
            "description": p.description,
            "example": defaults.get(p.name, p.example),
            "default": defaults.get(p.name),
            "fallback": dict(p.fallback),
        }
        for p in PLACEHOLDERS
    ]
