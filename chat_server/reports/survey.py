"""The survey's extra question in reports: which questions a report shows, and each row's answers.

Every row (agent or department) carries the same questions and answer values, zeros included, so the
CSV has the same columns on every row and JSON and CSV agree. A question's wording and labels are the
ones stored with its latest answer in the range (what visitors were actually asked); configured
questions with no answers yet show their current wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..services.survey import SurveyAnswer, SurveyQuestion
from .facts import ConversationFacts, SurveyQuestionSummary


def questions(
    conversations: Iterable[ConversationFacts], configured: Iterable[SurveyQuestion]
) -> tuple[SurveyQuestionSummary, ...]:
    """Configured questions first (config order), then keys found only in stored answers."""
    found: dict[str, dict[str, Any]] = {}
    for q in configured:
        entry = found.setdefault(q.key, {"kind": q.kind, "question": q.english, "options": {}})
        if entry["kind"] == q.kind:
            for value, _ in q.options:
                entry["options"].setdefault(value, q.label(value))
    rated = sorted((c.rating.created_at, c.rating.survey) for c in conversations
                   if c.rating is not None and c.rating.survey is not None)
    for _, a in rated:
        entry = found.setdefault(a.key, {"kind": a.kind, "question": a.question, "options": {}})
        entry.update(kind=a.kind, question=a.question)  # the latest answer's snapshot wins
        if a.label is not None:
            entry["options"][a.answer] = a.label
    return tuple(
        SurveyQuestionSummary(key, e["kind"], e["question"],
                              () if e["kind"] == "text" else tuple(e["options"].items()))
        for key, e in found.items()
    )


def distribution(answers: Sequence[SurveyAnswer], summaries: Sequence[SurveyQuestionSummary]) -> dict[str, Any]:
    """{key: {"answered": n, "counts": {value: n, ...}}}; text questions have no counts."""
    out: dict[str, Any] = {}
    for q in summaries:
        mine = [a for a in answers if a.key == q.key]
        row: dict[str, Any] = {"answered": len(mine)}
        if q.kind != "text":
            row["counts"] = {value: sum(1 for a in mine if a.answer == value) for value, _ in q.options}
        out[q.key] = row
    return out
