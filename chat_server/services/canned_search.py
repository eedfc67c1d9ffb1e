"""Server-side text search over replies (the console's picker does its own fuzzy matching in the browser).

Every word of the query must occur in the shortcut, title or text; a hit in the shortcut counts most,
then the title, then the text, so ``q=greet`` lists the ``greet`` reply first."""

from __future__ import annotations

from ..canned_models import CannedResponse


def search(items: list[CannedResponse], q: str) -> list[CannedResponse]:
    words = q.casefold().split()
    if not words:
        return items
    scored = []
    for index, item in enumerate(items):
        score = _score(item, words)
        if score:
            scored.append((-score, index, item))
    return [item for _, _, item in sorted(scored, key=lambda t: (t[0], t[1]))]


def _score(item: CannedResponse, words: list[str]) -> int:
    shortcut, title, text = item.shortcut.casefold(), item.title.casefold(), item.text.casefold()
    total = 0
    for word in words:
        best = 0
        if shortcut == word:
            best = 8
        elif shortcut.startswith(word):
            best = 6
        elif word in shortcut:
            best = 4
        elif word in title:
            best = 3
        elif word in text:
            best = 1
        if not best:
            return 0
        total += best
    return total
