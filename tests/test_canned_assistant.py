"""The positive-language assistant: matching rules, the check API, managing rule sets, live updates."""

from __future__ import annotations

from chat_server.canned_models import AssistantRule
from chat_server.services.assistant import find

from .canned_helpers import Api, api_for


def rule(phrase: str, reframe: str = "x", language: str = "en") -> AssistantRule:
    return AssistantRule(
        language=language,
        phrase=phrase,
        reframe=reframe,
        note=None,
        id=f"p_{abs(hash(phrase))}",
        updated_at=0.0,
    )


def spans(text: str, *rules: AssistantRule) -> list[tuple[str, str]]:
    return [(s.phrase, s.reframe) for s in find(text, list(rules))]


def test_matching_is_whole_word_case_and_spacing_insensitive():
    r = rule("you have to", "the next step is to")
    assert spans("YOU  have\nto restart", r) == [("YOU  have\nto", "The next step is to")]
    assert spans("then you have to restart", r) == [("you have to", "the next step is to")]
    assert spans("you have tomatoes", r) == []
    assert spans("if-you have to", r) == [("you have to", "the next step is to")]
    assert spans("", r) == []


def test_apostrophes_longest_match_and_capitalisation():
    short, long_ = (
        rule("I can't", "I'm not able to"),
        rule("I can't help you with that", "that is outside what I can do"),
    )
    text = "Sorry, I can\u2019t help you with that. I can't refund it."
    assert spans(text, short, long_) == [
        ("I can\u2019t help you with that", "that is outside what I can do"),
        ("I can't", "I'm not able to"),
    ]
    assert spans("I can't help you with that", long_)[0][1] == "That is outside what I can do"
    assert spans("ok.\nI can't help you with that", long_)[0][1] == "That is outside what I can do"


def test_cyrillic_and_slovak():
    ne = rule("не могу", "нет возможности", "ru")
    assert spans("Не могу сказать", ne) == [("Не могу", "Нет возможности")]
    assert spans("Я немогу", ne) == []
    sk = rule("nemôžem", "nemám možnosť", "sk")
    assert spans("Žiaľ, NEMÔŽEM to urobiť", sk) == [("NEMÔŽEM", "nemám možnosť")]
    comma = rule("к сожалению,", "сейчас", "ru")
    assert spans("К сожалению, товара нет", comma) == [("К сожалению,", "Сейчас")]


async def test_check_api_uses_the_shipped_rules(live_server):
    _, api = await api_for(live_server)
    status, body = await api.post(
        "/api/assistant/check", {"text": "Sorry, I can't help you with that.", "language": "en"}
    )
    assert status == 200
    [s] = body["suggestions"]
    assert (s["start"], s["end"], s["phrase"]) == (7, 33, "I can't help you with that")
    assert s["reframe"] == "that is outside what I can change myself, so let me find the person who can"
    for language, text, phrase in [
        ("ru", "Извините, это не ко мне.", "это не ко мне"),
        ("ru", "Я не могу это сделать", "Я не могу"),
        ("sk", "Nemôžem to zmeniť", "Nemôžem"),
        ("en", "That's not my problem", "That's not my problem"),
        ("en", "Unfortunately we don't ship there", "Unfortunately we don't"),
    ]:
        got = (await api.post("/api/assistant/check", {"text": text, "language": language}))[1]["suggestions"]
        assert [g["phrase"] for g in got] == [phrase], (language, text, got)
    assert (await api.post("/api/assistant/check", {"text": "All good here", "language": "en"}))[1] == {
        "suggestions": []
    }
    assert (await api.post("/api/assistant/check", {"text": "x", "language": "xx"}))[1] == {"suggestions": []}
    for bad in (
        {"language": "en"},
        {"text": 5, "language": "en"},
        {"text": "x"},
        {"text": "x" * 4001, "language": "en"},
    ):
        status, body = await api.post("/api/assistant/check", bad)
        assert status == 400, bad


async def test_managers_edit_rule_sets_and_consoles_hear_of_it(live_server):
    anna = await live_server.create_agent(name="Anna")
    peer = await live_server.agent_peer(anna, online=False)
    _, mia = await api_for(live_server, role="manager", name="Mia")
    status, body = await mia.post(
        "/api/assistant/rules", {"language": "en", "phrase": "  No   way ", "reframe": "let me check"}
    )
    assert status == 201 and body["rule"]["phrase"] == "No way"
    rid = body["rule"]["id"]
    assert await peer.next("assistant:changed") == {"language": "en"}
    status, body = await mia.post(
        "/api/assistant/rules", {"language": "en", "phrase": "no WAY", "reframe": "dup"}
    )
    assert status == 409
    for bad in (
        {"language": "en", "phrase": "", "reframe": "x"},
        {"language": "en", "phrase": "!!", "reframe": "x"},
        {"language": "en", "phrase": "ok", "reframe": ""},
        {"phrase": "ok", "reframe": "x"},
        {"language": "en", "phrase": "x" * 121, "reframe": "x"},
    ):
        assert (await mia.post("/api/assistant/rules", bad))[0] == 400, bad
    anna_api = Api(live_server.url, await live_server.token_for(anna))
    checked = (await anna_api.post("/api/assistant/check", {"text": "No way!", "language": "en"}))[1][
        "suggestions"
    ]
    assert [(s["phrase"], s["reframe"]) for s in checked] == [("No way", "Let me check")]

    status, body = await mia.put(
        f"/api/assistant/rules/{rid}", {"reframe": "let me see what is possible", "language": "ru"}
    )
    assert status == 200 and body["rule"]["language"] == "ru" and body["rule"]["phrase"] == "No way"
    assert sorted([await peer.next("assistant:changed"), await peer.next("assistant:changed")], key=str) == [
        {"language": "en"},
        {"language": "ru"},
    ]
    assert any(
        r["phrase"] == "No way" for r in (await anna_api.get("/api/assistant/rules?language=ru"))[1]["rules"]
    )
    assert (await mia.delete(f"/api/assistant/rules/{rid}"))[0] == 200
    assert (await mia.delete(f"/api/assistant/rules/{rid}"))[0] == 404
    all_rules = (await anna_api.get("/api/assistant/rules"))[1]["rules"]
    assert {r["language"] for r in all_rules} == {"en", "ru", "sk"}
