"""The console's JavaScript helpers run in Chromium and agree with the server: the assistant's matcher
gives the same suggestions as POST /api/assistant/check, and placeholders fill as documented."""

from __future__ import annotations

from typing import Any

import pytest

from ..canned_helpers import Api
from .test_canned_console import signed_in_page
from .test_chat_e2e import PASSWORD

pytestmark = pytest.mark.browser

SAMPLES = {
    "en": [
        "Sorry, I can't help you with that. You have to call the courier.",
        "I CAN’T do that, no problem.",
        "Unfortunately, we can't. Unfortunately we don't ship there.\nyou must log in",
        "hold on please calm down",
        "All good here.",
    ],
    "ru": [
        "Извините, я не могу вам помочь. Вы должны позвонить.",
        "К сожалению, мы не доставляем. Это не ко мне.",
        "Не волнуйтесь, я не знаю, но я попробую",
    ],
    "sk": ["Bohužiaľ, nemôžem Vám pomôcť. Musíte počkať.", "To nie je môj problém, neviem."],
}

PLACEHOLDER_CASES = [
    (
        "Hi {visitor.name}! I'm {agent.name} from {company}.",
        {"visitor.name": "Maria", "agent.name": "Anna"},
        "en",
        "Hi Maria! I'm Anna from Acme Support.",
    ),
    ("Hi {visitor.name}! Welcome.", {}, "en", "Hi there! Welcome."),
    ("Welcome back, {visitor.name}! Good to see you.", {}, "en", "Welcome back! Good to see you."),
    ("Здравствуйте, {visitor.name}! Чем помочь?", {}, "ru", "Здравствуйте! Чем помочь?"),
    ("Спасибо, {visitor.name}, что подождали.", {}, "ru", "Спасибо, что подождали."),
    ("{visitor.name}, thanks for waiting.", {}, "en", "Thanks for waiting."),
    ("Within {wait_minutes} minutes.", {}, "en", "Within 5 minutes."),
    ("Within {wait_minutes} minutes.", {"wait_minutes": 12}, "en", "Within 12 minutes."),
    (
        "Literal {braces here} and {unknown} stay; so does <b>markup</b>.",
        {},
        "en",
        "Literal {braces here} and {unknown} stay; so does <b>markup</b>.",
    ),
    (
        "So, to sum up, we are going to: … Does that cover everything?",
        {},
        "en",
        "So, to sum up, we are going to: … Does that cover everything?",
    ),
]


async def test_console_matcher_agrees_with_the_server(live_server: Any, browser: Any) -> None:
    manager = await live_server.create_agent(
        email="mia.js@example.com", name="Mia", password=PASSWORD, role="manager"
    )
    page = await signed_in_page(browser, live_server.url, "mia.js@example.com", "/manage/canned")
    api = Api(live_server.url, await live_server.token_for(manager, PASSWORD))
    for language, texts in SAMPLES.items():
        in_browser = await page.evaluate(
            """async ([language, texts]) => {
                const m = await import('/console/static/phrase-match.js');
                const rules = (await (await fetch('/api/assistant/rules?language=' + language)).json()).rules;
                return texts.map((t) => m.findSuggestions(t, rules).map((s) => [s.start, s.end, s.phrase, s.reframe]));
            }""",
            [language, texts],
        )
        for text, got in zip(texts, in_browser, strict=True):
            _, body = await api.post("/api/assistant/check", {"text": text, "language": language})
            expected = [[s["start"], s["end"], s["phrase"], s["reframe"]] for s in body["suggestions"]]
            assert got == expected, (language, text)
            assert expected or text == "All good here.", text


async def test_placeholders_fill_and_degrade_gracefully(live_server: Any, browser: Any) -> None:
    await live_server.create_agent(email="mia.ph@example.com", name="Mia", password=PASSWORD, role="manager")
    page = await signed_in_page(browser, live_server.url, "mia.ph@example.com", "/manage/canned")
    results = await page.evaluate(
        """async (cases) => {
            const { fill } = await import('/console/static/placeholders.js');
            const meta = await (await fetch('/api/canned-responses/meta')).json();
            return cases.map(([text, values, lang]) => fill(text, values, meta.placeholders, lang));
        }""",
        [[text, values, lang] for text, values, lang, _ in PLACEHOLDER_CASES],
    )
    assert results == [expected for *_, expected in PLACEHOLDER_CASES]
    ranked = await page.evaluate(
        """async () => {
            const { prepare, rank } = await import('/console/static/fuzzy.js');
            const items = (await (await fetch('/api/canned-responses?language=en')).json()).items;
            const top = (q) => rank(prepare(items), q).slice(0, 3).map((i) => i.shortcut);
            return { gre: top('gre'), sry: top('sry'), sumup: top("sum up"), none: top('zzzqqq') };
        }"""
    )
    assert ranked["gre"][0] == "greet"
    assert ranked["sry"][0].startswith("sorry")
    assert ranked["sumup"][0] == "sum"
    assert ranked["none"] == []
