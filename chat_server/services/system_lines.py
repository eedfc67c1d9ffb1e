"""The lines the product writes into a transcript ("Anna joined the chat."), in the conversation's language.

Rendered once, when the line is written, in the language the visitor chose when the chat started (English
when that language has no translation here), and stored as plain text: the visitor, the agents, transcripts
and exports all read the same words, and no schema or protocol changes. An agent answering a Slovak chat
reads the Slovak line; agents are matched to the visitor's language by routing (``language_fallback_s``).
The wording avoids grammatical gender, since the agent's is not known.
"""

from __future__ import annotations

from ..store import Store

LINES: dict[str, dict[str, str]] = {
    "joined": {
        "en": "{name} joined the chat.",
        "ru": "{name} теперь в чате.",
        "sk": "{name} je teraz v chate.",
    },
    "transferred": {
        "en": "{name} has joined the chat.",
        "ru": "Чат передан: {name} теперь в чате.",
        "sk": "Chat bol odovzdaný: {name} je teraz v chate.",
    },
    "stepped_away": {
        "en": "Your agent had to step away. You are first in line for the next available agent, and they"
              " will see the whole conversation.",
        "ru": "Вашему специалисту пришлось отойти. Вы первый в очереди к следующему свободному специалисту,"
              " и он увидит всю переписку.",
        "sk": "Váš agent musel odísť. Ste prvý v poradí na ďalšieho voľného agenta a ten uvidí celý rozhovor.",
    },
}


def render(key: str, language: str | None, **params: str) -> str:
    """One line in ``language``, else English. Parameters are plain text (names), never markup."""
    texts = LINES[key]
    template = texts.get(language or "") or texts["en"]
    return template.format(**params)


async def render_for(store: Store, conversation_id: str, key: str, **params: str) -> str:
    """The line in the language of a conversation the caller has no record of at hand."""
    conversation = await store.get_conversation(conversation_id)
    return render(key, conversation.language if conversation else None, **params)
