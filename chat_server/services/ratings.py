"""Rating scales for the post-chat survey.

Whatever the visitor answered on, the stored score lives on one 1..5 axis so reports can average and
compare across scales: three levels are 1 / 3 / 5 and thumbs are 1 / 5. Positive is the top of every
scale (4 or 5), negative the bottom (1 or 2); 3 (three stars, "okay") is neither.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidPayload, MissingField, OutOfRange

# scale -> {what the visitor sends: stored score}
SCALES: dict[str, dict[Any, int]] = {
    "stars5": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5},
    "three": {"bad": 1, "okay": 3, "good": 5},
    "thumbs": {"down": 1, "up": 5},
}


def parse_score(scale: str, data: dict[str, Any], name: str = "score") -> int:
    """The visitor's answer on ``scale`` as a stored 1..5 score; a clear error for anything else."""
    options = SCALES[scale]
    value = data.get(name)
    if value is None:
        raise MissingField(f"'{name}' is required.", field=name)
    wants_int = scale == "stars5"
    if isinstance(value, bool) or not isinstance(value, int if wants_int else str):
        kind = "a whole number" if wants_int else "a string"
        raise InvalidPayload(f"'{name}' must be {kind} on the {scale} scale.", field=name, scale=scale)
    if value not in options:
        allowed = ", ".join(str(o) for o in options)
        raise OutOfRange(f"'{name}' must be one of: {allowed}.", field=name, scale=scale)
    return options[value]


def answer(scale: str, score: int) -> Any:
    """What the visitor chose, back from a stored score (for transcripts and exports)."""
    for value, stored in SCALES.get(scale, SCALES["stars5"]).items():
        if stored == score:
            return value
    return score


def is_positive(score: int) -> bool:
    return score >= 4


def is_negative(score: int) -> bool:
    return score <= 2
