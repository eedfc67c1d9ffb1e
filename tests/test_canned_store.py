"""Storage and validation of canned replies: versions, atomic writes, the starter library, formats."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chat_server.canned_models import CATEGORIES, Actor, CannedDraft
from chat_server.errors import DuplicateShortcut, UnknownPlaceholder, VersionConflict
from chat_server.services import canned_fields, canned_io, placeholders, text_diff
from chat_server.services.canned_seed import SEED_DIR, SeedError, ensure_seeded, load_replies, load_rules
from chat_server.web.keys import ASSISTANT, CANNED, CLOCK

pytestmark = pytest.mark.both_databases

LIMITS = canned_fields.Limits(text_max=4000)
ISSUE_PHRASES = {
    "en": ["I can't", "that's not my problem", "you have to", "unfortunately we don't"],
    "ru": ["не могу", "это не ко мне"],
    "sk": ["nemôžem"],
}


def draft(**kw) -> CannedDraft:
    base = {
        "shortcut": "hello",
        "title": "Hello",
        "text": "Hello {visitor.name}",
        "category": "greeting",
        "language": "en",
        "scope": "global",
        "department": None,
        "owner_id": None,
    }
    base.update(kw)
    return CannedDraft(**base)


def test_shipped_library_is_complete_and_valid():
    drafts = load_replies(SEED_DIR, LIMITS)
    by_language: dict[str, list[CannedDraft]] = {}
    for d in drafts:
        by_language.setdefault(d.language, []).append(d)
    assert set(by_language) == {"en", "ru", "sk"}
    shortcuts = {lang: {d.shortcut for d in items} for lang, items in by_language.items()}
    for lang, items in by_language.items():
        assert len(items) >= 40, lang
        assert {d.category for d in items} == set(CATEGORIES) - {"other"}, lang
        assert shortcuts[lang] == shortcuts["en"], (
            lang
        )  # same shortcut per reply: the fallback works per shortcut
        for d in items:
            assert d.scope == "global" and d.title and len(d.shortcut) <= 32
    rules = load_rules(SEED_DIR)
    for lang, phrases in ISSUE_PHRASES.items():
        have = {r.phrase.casefold() for r in rules if r.language == lang}
        assert {p.casefold() for p in phrases} <= have, lang


async def test_seeding_happens_once(live_server):
    canned, assistant = live_server.app[CANNED], live_server.app[ASSISTANT]
    clock = live_server.app[CLOCK]
    again = await ensure_seeded(canned.store, assistant.store, clock, canned.limits)
    assert (again.replies, again.rules) == (0, 0)
    # Deleting everything (replies and a rule) does not bring them back on the next start.
    for item in await canned.store.list():
        await canned.store.delete(item.id, by=None, now=clock.now())
    rule = (await assistant.store.list_rules("en"))[0]
    await assistant.store.delete_rule(rule.id)
    again = await ensure_seeded(canned.store, assistant.store, clock, canned.limits)
    assert (again.replies, again.rules) == (0, 0)
    assert await canned.store.list() == []
    assert rule.id not in {r.id for r in await assistant.store.list_rules("en")}


def test_a_broken_seed_file_names_itself(tmp_path: Path):
    (tmp_path / "en.json").write_text(
        json.dumps(
            {
                "language": "en",
                "replies": [
                    {"category": "greeting", "shortcut": "ok", "title": "Ok", "text": "Fine"},
                    {"category": "greeting", "shortcut": "bad", "title": "Bad", "text": "Hi {nobody}"},
                ],
            }
        )
    )
    with pytest.raises(SeedError, match="en.json"):
        load_replies(tmp_path, LIMITS)
    (tmp_path / "en.json").write_text("{nope")
    with pytest.raises(SeedError, match="en.json"):
        load_replies(tmp_path, LIMITS)
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "ru.json").write_text(
        json.dumps({"language": "ru", "rules": [{"phrase": "x"}]})
    )
    with pytest.raises(SeedError, match="ru.json: rule 1"):
        load_rules(tmp_path)


async def test_every_change_is_a_version_written_with_the_reply(live_server):
    store, clock = live_server.app[CANNED].store, live_server.app[CLOCK]
    manager = await live_server.create_agent(role="manager", name="Mia")
    mia = Actor(manager.id, manager.name)
    created = await store.create(draft(), by=mia, now=clock.now())
    updated = await store.update(
        created.id, draft(text="Hi {visitor.name}"), by=mia, now=clock.now(), expected_version=1
    )
    assert updated.version == 2
    with pytest.raises(VersionConflict):
        await store.update(created.id, draft(text="Lost update"), by=mia, now=clock.now(), expected_version=1)
    await store.create(draft(shortcut="other"), by=mia, now=clock.now())
    with pytest.raises(DuplicateShortcut):
        await store.update(created.id, draft(shortcut="other"), by=mia, now=clock.now())
    history = await store.history(created.id)
    assert [(v.version, v.action, v.text) for v in history] == [
        (1, "create", "Hello {visitor.name}"),
        (2, "update", "Hi {visitor.name}"),
    ]
    assert (await store.get(created.id)).text == "Hi {visitor.name}"  # the failed saves left nothing behind
    assert history[1].changed_by_name == "Mia"


async def test_concurrent_saves_from_the_same_version_one_wins(live_server):
    store, clock = live_server.app[CANNED].store, live_server.app[CLOCK]
    created = await store.create(draft(), by=None, now=clock.now())
    results = await asyncio.gather(
        *[
            store.update(created.id, draft(text=f"Version {i}"), by=None, now=clock.now(), expected_version=1)
            for i in range(5)
        ],
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, VersionConflict) for r in results) == 4
    assert len(await store.history(created.id)) == 2


def test_field_validation():
    assert canned_fields.shortcut({"shortcut": "/Greet"}) == "greet"
    assert canned_fields.shortcut({"shortcut": "привет-2"}) == "привет-2"
    assert canned_fields.language({"language": "PT_br"}) == "pt-br"
    d = canned_fields.draft(
        {
            "shortcut": "x",
            "title": "t",
            "text": "a",
            "category": "other",
            "language": "en",
            "scope": "global",
            "department": "Ignored",
        },
        LIMITS,
        owner_id="a_1",
    )
    assert d.department is None and d.owner_id is None
    with pytest.raises(UnknownPlaceholder):
        placeholders.check("Hi {visitor.name} from {compnay}")
    placeholders.check("Braces { } and {1, 2} are text; {company} and {wait_minutes} are known")


words = st.text(alphabet=st.sampled_from(list("ab c,.\n!ž")), max_size=40)


@hsettings(max_examples=200, deadline=None)
@given(words, words)
def test_word_diff_rebuilds_both_sides(before: str, after: str):
    ops = text_diff.word_diff(before, after)
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == before
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == after


field = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(['"', ",", "\n", "\t"]),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(field, field), min_size=1, max_size=5))
def test_csv_and_json_round_trip(pairs):
    rows = [
        {
            "language": "en",
            "scope": "global",
            "department": None,
            "owner": None,
            "category": "other",
            "shortcut": f"s{i}",
            "title": t,
            "text": x,
        }
        for i, (t, x) in enumerate(pairs)
    ]
    for fmt, body in (("csv", canned_io.to_csv(rows)), ("json", canned_io.to_json(rows))):
        parsed = canned_io.parse(body.encode(), fmt)
        assert [{**r, "department": r.get("department"), "owner": r.get("owner")} for r in parsed] == rows, (
            fmt
        )
