"""System lines ("Anna joined the chat.") in the conversation's language, the same for every reader."""

from __future__ import annotations

import pytest

from chat_server.clock import FakeClock
from chat_server.services.system_lines import LINES, render

from .helpers import eventually
from .report_data import ts


def test_every_line_has_english_and_the_widgets_languages_with_the_same_placeholders():
    for key, texts in LINES.items():
        assert {"en", "ru", "sk"} <= set(texts), key
        for language, text in texts.items():
            assert ("{name}" in text) == ("{name}" in texts["en"]), (key, language)


def test_render_falls_back_to_english_and_treats_names_as_plain_text():
    assert render("joined", "sk", name="Anna") == "Anna je teraz v chate."
    assert render("joined", "de", name="Anna") == "Anna joined the chat."
    assert render("joined", None, name="{name} <b>") == "{name} <b> joined the chat."


async def start(server, language):
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hello", "language": language})
    assert ack["ok"], ack
    return visitor, ack["conversation_id"]


async def system_texts(server, conversation_id):
    conversation = await server.store.get_conversation(conversation_id, with_messages=True)
    return [m.text for m in conversation.messages if m.author_kind == "system"]


@pytest.mark.parametrize(
    "language,joined",
    [("sk", "Anna je teraz v chate."), ("ru", "Anna теперь в чате."), ("de", "Anna joined the chat.")],
)
async def test_the_join_line_is_in_the_visitors_language_for_everyone(live_server, language, joined):
    anna = await live_server.create_agent(name="Anna")
    console = await live_server.agent_peer(anna)
    visitor, conversation_id = await start(live_server, language)
    line = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "system")
    assert line["message"]["text"] == joined
    assigned = await console.next("chat:assigned")
    assert [m["text"] for m in assigned["conversation"]["messages"] if m["author"]["kind"] == "system"] == [joined]
    assert await system_texts(live_server, conversation_id) == [joined]


async def test_transfer_and_stepped_away_lines_follow_the_conversation(settings, server_factory):
    clock = FakeClock(ts("2026-03-02T10:00:00"))
    server = await server_factory(settings.replace(agent_disconnect_grace_s=30), clock=clock)
    anna = await server.create_agent(name="Anna")
    ben = await server.create_agent(name="Ben")
    console = await server.agent_peer(anna)
    visitor, conversation_id = await start(server, "ru")
    await console.next("chat:assigned")
    ben_console = await server.agent_peer(ben)
    assert (await console.call("chat:transfer", {"conversation_id": conversation_id, "to_agent_id": ben.id}))["ok"]
    line = await visitor.wait_for("message:new", lambda d: "Ben" in d["message"]["text"])
    assert line["message"]["text"] == "Чат передан: Ben теперь в чате."

    await ben_console.close()

    async def gone():
        return not await server.chat.queue.is_online(ben.id)

    await eventually(gone)
    clock.advance(31)
    assert await server.presence.sweep_gone_agents() == [ben.id]
    note = await visitor.wait_for("message:new", lambda d: "отойти" in d["message"]["text"])
    assert note["message"]["text"] == render("stepped_away", "ru")
    texts = await system_texts(server, conversation_id)
    # Anna is still online, so the chat goes straight back to her: in Russian again.
    assert texts[:3] == ["Anna теперь в чате.", "Чат передан: Ben теперь в чате.", render("stepped_away", "ru")]
    assert texts[3:] in ([], ["Anna теперь в чате."])
