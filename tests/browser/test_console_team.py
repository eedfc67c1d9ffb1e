"""The agent console as a team works in it all day (Chromium against a live server): several chats
at once, transfers with the transcript and a handover note, internal notes the visitor never sees,
follow-ups, offers, the offline inbox, search and keyboard use."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from chat_server.app import sweep_once
from chat_server.clock import FakeClock
from chat_server.departments import Department

from .console_helpers import Watch, agent_account, api, new_page, say, sign_in, visitor_chat

pytestmark = pytest.mark.browser


def add_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


async def test_two_chats_at_once_with_unread_badges(live_server: Any, browser: Any, artifacts: Any) -> None:
    await agent_account(live_server, "Anna")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, live_server.url, "anna@example.com")

    maria, first = await visitor_chat(live_server, "Maria", "Hi! Does the Trail 30 come in green?")
    await expect(page.get_by_test_id("chat-item")).to_have_count(1)
    # The first chat opens by itself; the second arrives while the agent is in the first.
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    lena, second = await visitor_chat(live_server, "Lena", "Where is my order #1234?", timezone="America/New_York")
    await expect(page.get_by_test_id("chat-item")).to_have_count(2)
    lena_item = page.locator(f'[data-testid="chat-item"][data-conversation-id="{second}"]')
    await expect(lena_item.get_by_test_id("unread-badge")).to_have_text("1")
    await say(lena, second, "It was ordered last week.")
    await expect(lena_item.get_by_test_id("unread-badge")).to_have_text("2")
    await say(maria, first, "And does it fit a 15 inch laptop?")
    maria_item = page.locator(f'[data-testid="chat-item"][data-conversation-id="{first}"]')
    await expect(maria_item.get_by_test_id("unread-badge")).to_have_count(0)  # she is on screen
    await expect(page.get_by_test_id("chat-count")).to_have_text("2")
    await expect(page).to_have_title("(2) Live Chat · Console")
    await page.get_by_test_id("reply-input").fill("Yes, it has a padded 16 inch sleeve.")
    await page.get_by_test_id("reply-input").press("Enter")
    await page.screenshot(path=str(artifacts / "console-two-chats.png"))

    # Switching reads the other chat; the badge goes away.
    await lena_item.click()
    await expect(page.get_by_test_id("conv-name")).to_have_text("Lena")
    await expect(lena_item.get_by_test_id("unread-badge")).to_have_count(0)
    await expect(page.get_by_test_id("visitor-browser")).to_have_text("Chrome 124 on Windows")
    await expect(page.get_by_test_id("visitor-page")).to_contain_text("Trail 30 backpack")
    await expect(page.get_by_test_id("visitor-local-time")).to_contain_text(":")
    await page.screenshot(path=str(artifacts / "console-visitor-panel.png"))
    watch.assert_clean()


async def test_transfer_brings_transcript_and_handover_note_to_the_colleague(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    await agent_account(live_server, "Anna")
    await agent_account(live_server, "Ben", capacity=1)
    anna = await new_page(browser)
    anna_watch = Watch(anna)
    await sign_in(anna, live_server.url, "anna@example.com")
    maria, conversation_id = await visitor_chat(live_server, "Maria", "My parcel arrived damaged, I want a refund.")
    await expect(anna.get_by_test_id("conv-name")).to_have_text("Maria")
    await anna.get_by_test_id("reply-input").fill("I'm sorry! Could you send a photo of the box?")
    await anna.get_by_test_id("reply-input").press("Enter")
    await say(maria, conversation_id, "Sent it to support@ just now.")

    # Ben comes online and gets another visitor: his only slot is taken.
    ben = await new_page(browser)
    ben_watch = Watch(ben)
    await sign_in(ben, live_server.url, "ben@example.com")
    _, lena_id = await visitor_chat(live_server, "Lena", "Do you ship to Norway?")
    await expect(ben.get_by_test_id("conv-name")).to_have_text("Lena")

    # Anna tries to hand Maria to Ben: the server says he is full, shown inside the dialog.
    await anna.get_by_test_id("transfer-chat").click()
    dialog = anna.get_by_test_id("transfer-dialog")
    await expect(dialog).to_be_visible()
    option = dialog.locator('label[data-agent-name="Ben"]')
    await expect(option).to_contain_text("Full")
    await option.click()
    await anna.get_by_test_id("transfer-note").fill("Refund for a damaged parcel, order 1234. Photo is in the support inbox.")
    await anna.get_by_test_id("transfer-submit").click()
    await expect(anna.get_by_test_id("transfer-error")).to_contain_text("no free slot")
    await anna.screenshot(path=str(artifacts / "console-transfer-conflict.png"))

    # Ben closes Lena's chat as resolved; now the transfer goes through.
    await ben.get_by_test_id("close-chat").click()
    await expect(ben.get_by_test_id("close-dialog")).to_be_visible()
    await ben.get_by_test_id("close-confirm").click()
    await expect(ben.locator(f'[data-testid="chat-item"][data-conversation-id="{lena_id}"]')).to_contain_text("Closed")
    await dialog.locator('label[data-agent-name="Ben"]').click()
    await anna.get_by_test_id("transfer-submit").click()
    await expect(dialog).to_be_hidden()
    await expect(anna.get_by_test_id("closed-note")).to_contain_text("moved to Ben")

    # Ben has the whole conversation, the handover note highlighted, and who it came from.
    item = ben.locator(f'[data-testid="chat-item"][data-conversation-id="{conversation_id}"]')
    await expect(item).to_be_visible()
    await item.click()
    await expect(ben.get_by_test_id("transferred-from")).to_have_text("Transferred from Anna")
    texts = ben.locator('[data-testid="transcript"] [data-testid="message"]')
    await expect(texts).to_contain_text([
        "My parcel arrived damaged, I want a refund.", "Anna joined the chat.",
        "I'm sorry! Could you send a photo of the box?", "Sent it to support@ just now.", "Ben has joined the chat.",
    ])
    handover = ben.locator('[data-testid="note"][data-note-kind="handover"]')
    await expect(handover.get_by_test_id("note-text")).to_have_text(
        "Refund for a damaged parcel, order 1234. Photo is in the support inbox.")
    await expect(handover).to_contain_text("Transferred from Anna")
    await ben.get_by_test_id("reply-input").fill("Hi Maria, I'm Ben from returns. I've got your photo; refunding now.")
    await ben.get_by_test_id("reply-input").press("Enter")
    await maria.wait_for("message:new", lambda d: d["message"]["author"]["name"] == "Ben")
    await ben.screenshot(path=str(artifacts / "console-transfer-received.png"))
    assert "Refund for a damaged parcel" not in str(maria.seen)
    anna_watch.assert_clean()
    ben_watch.assert_clean()


async def test_internal_notes_and_whispers_never_reach_the_visitor_page(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    await agent_account(live_server, "Anna")
    await agent_account(live_server, "Boss", role="manager")
    console = await new_page(browser)
    watch = Watch(console)
    await sign_in(console, live_server.url, "anna@example.com")

    # The visitor chats from the demo page with the real widget, in its own browser context.
    visitor = await new_page(browser, 1280, 800)
    await visitor.goto(live_server.url + "/")
    await visitor.get_by_test_id("launcher").click()
    await visitor.get_by_test_id("prechat-name").fill("Maria")
    await visitor.get_by_test_id("prechat-message").fill("Can I still change my delivery address?")
    await visitor.get_by_test_id("prechat-submit").click()
    await expect(console.get_by_test_id("conv-name")).to_have_text("Maria")
    conversation_id = await console.get_by_test_id("chat-item").get_attribute("data-conversation-id")

    # Alt+N switches the box to an internal note; Enter saves it.
    await console.keyboard.press("Alt+n")
    await expect(console.get_by_test_id("mode-note")).to_have_attribute("aria-selected", "true")
    await console.get_by_test_id("reply-input").fill("Customer is VIP; courier pickup is at 3 pm")
    await console.get_by_test_id("reply-input").press("Enter")
    note = console.locator('[data-testid="note"][data-note-kind="note"]')
    await expect(note.get_by_test_id("note-text")).to_have_text("Customer is VIP; courier pickup is at 3 pm")
    await expect(note).to_contain_text("Internal note — the visitor can't see this")
    # Alt+R goes back to replying.
    await console.keyboard.press("Alt+r")
    await expect(console.get_by_test_id("mode-reply")).to_have_attribute("aria-selected", "true")
    await console.get_by_test_id("reply-input").fill("Yes, until 3 pm today. What is the new address?")
    await console.get_by_test_id("reply-input").press("Enter")
    await expect(visitor.locator('[data-testid="message"][data-author-kind="agent"]')).to_have_text(
        ["Yes, until 3 pm today. What is the new address?"])

    # A manager watches the chat live (read-only) and whispers to Anna.
    boss = await new_page(browser)
    boss_watch = Watch(boss)
    await sign_in(boss, live_server.url, "boss@example.com", online=False)
    await boss.goto(f"{live_server.url}/console?watch={conversation_id}")
    await expect(boss.get_by_test_id("watch-item")).to_have_count(1)
    await expect(boss.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(boss.locator('[data-testid="note"][data-note-kind="note"]')).to_have_count(1)
    await expect(boss.get_by_test_id("mode-reply")).to_be_hidden()
    await expect(boss.get_by_test_id("close-chat")).to_be_hidden()
    await boss.get_by_test_id("reply-input").fill("Offer free express shipping for the trouble")
    await boss.get_by_test_id("reply-input").press("Enter")
    whisper = console.locator('[data-testid="note"][data-note-kind="whisper"]')
    await expect(whisper.get_by_test_id("note-text")).to_have_text("Offer free express shipping for the trouble")
    await expect(whisper).to_contain_text("Boss (manager)")
    # The manager sees the conversation go on live.
    await visitor.get_by_test_id("composer-input").fill("Hlavná 12, Bratislava")
    await visitor.get_by_test_id("composer-input").press("Enter")
    await expect(boss.locator('[data-testid="message"][data-author-kind="visitor"]').last).to_have_text("Hlavná 12, Bratislava")
    await console.screenshot(path=str(artifacts / "console-notes.png"))
    await boss.screenshot(path=str(artifacts / "console-watching.png"))

    # Nothing internal ever appears on the visitor's page, not even after a reload.
    await expect(console.locator('[data-testid="message"][data-author-kind="visitor"]').last).to_have_text("Hlavná 12, Bratislava")
    for _ in range(2):
        text = await visitor.locator("body").inner_text()
        assert "VIP" not in text and "courier" not in text and "express shipping" not in text
        await visitor.reload()
        await expect(visitor.locator('[data-testid="message"][data-author-kind="agent"]')).to_have_count(1)
    await visitor.screenshot(path=str(artifacts / "visitor-without-notes.png"))
    watch.assert_clean()
    boss_watch.assert_clean()


async def test_follow_up_is_created_on_close_listed_by_due_date_and_completed(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    anna = await agent_account(live_server, "Anna")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, live_server.url, "anna@example.com")
    # An older promise, already overdue (closed from another console of Anna's).
    _, old_id = await visitor_chat(live_server, "Peter", "My invoice shows the wrong VAT number.")
    await expect(page.get_by_test_id("chat-item")).to_have_count(1)
    other_console = await live_server.agent_peer(anna, online=False, password="correct horse battery")
    ack = await other_console.call("chat:close", {"conversation_id": old_id, "outcome": "follow_up",
                                                  "due_date": add_days(-2), "note": "Send the corrected invoice"})
    assert ack["ok"], ack
    await expect(page.get_by_test_id("chat-item")).to_contain_text("Closed")

    maria, conversation_id = await visitor_chat(live_server, "Maria", "The zip on my backpack broke after a week.")
    item = page.locator(f'[data-testid="chat-item"][data-conversation-id="{conversation_id}"]')
    await item.click()
    await page.get_by_test_id("reply-input").fill("I'll check with the warehouse and get back to you by tomorrow.")
    await page.get_by_test_id("reply-input").press("Enter")

    # Alt+C opens the close dialog; the follow-up needs a due date and says what was promised.
    await page.keyboard.press("Alt+c")
    dialog = page.get_by_test_id("close-dialog")
    await expect(dialog).to_be_visible()
    await page.get_by_test_id("outcome-follow-up").check()
    await expect(page.get_by_test_id("close-due")).to_have_value(add_days(1))
    await page.get_by_test_id("close-note").fill("Ask the warehouse for a replacement zip and email Maria")
    await page.screenshot(path=str(artifacts / "console-close-dialog.png"))
    await page.get_by_test_id("close-confirm").click()
    await expect(dialog).to_be_hidden()
    await expect(item).to_contain_text("Closed")
    await maria.next("chat:closed")

    # The Follow-ups view: overdue first and highlighted, then upcoming; the nav counts what is due.
    await expect(page.get_by_test_id("follow-up-count")).to_have_text("1")
    await page.get_by_test_id("nav-followups").click()
    overdue = page.get_by_test_id("follow-ups-overdue").get_by_test_id("follow-up")
    await expect(overdue).to_have_count(1)
    await expect(overdue).to_contain_text("Send the corrected invoice")
    await expect(overdue.get_by_test_id("follow-up-due")).to_have_text("Overdue by 2 days")
    upcoming = page.get_by_test_id("follow-ups-upcoming").get_by_test_id("follow-up")
    await expect(upcoming).to_contain_text("Ask the warehouse for a replacement zip")
    await expect(upcoming.get_by_test_id("follow-up-due")).to_have_text("Due tomorrow")
    await page.screenshot(path=str(artifacts / "console-follow-ups.png"))

    # Open the conversation behind it (read-only), come back, mark it done.
    await upcoming.get_by_test_id("follow-up-open").click()
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(page.get_by_test_id("transcript")).to_contain_text("get back to you by tomorrow")
    await page.get_by_test_id("back-button").click()
    await page.get_by_test_id("follow-ups-overdue").get_by_test_id("follow-up-done").click()
    await expect(page.get_by_test_id("follow-ups-overdue")).to_have_count(0)
    await expect(page.get_by_test_id("follow-up-count")).to_have_text("")
    await page.get_by_test_id("follow-ups-show-done").check()
    await expect(page.get_by_test_id("follow-ups-done").get_by_test_id("follow-up")).to_contain_text("Send the corrected invoice")
    status, body = await api(live_server, "anna@example.com", "GET", "/api/follow-ups?include_done=1")
    assert status == 200
    done = {f["note"]: f["done_at"] is not None for f in body["items"]}
    assert done == {"Send the corrected invoice": True, "Ask the warehouse for a replacement zip and email Maria": False}
    watch.assert_clean()


async def test_offer_rings_with_a_countdown_and_is_accepted_from_the_card(
    settings: Any, server_factory: Any, browser: Any, artifacts: Any
) -> None:
    clock = FakeClock(time.time())
    server = await server_factory(settings.replace(departments=(
        Department("general", "General", assignment="offer", offer_timeout_s=45, max_wait_s=120, sla_broadcast=True),
    )), clock=clock)
    await agent_account(server, "Anna")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, server.url, "anna@example.com")

    maria, first = await visitor_chat(server, "Maria", "Hi, is the Trail 30 waterproof?")
    card = page.locator(f'[data-testid="offer-card"][data-conversation-id="{first}"]')
    await expect(card).to_be_visible()
    await expect(card).to_contain_text("Maria")
    await expect(card).to_contain_text("Hi, is the Trail 30 waterproof?")
    await expect(card.get_by_test_id("offer-countdown")).to_contain_text("Rings for")
    await expect(page.get_by_test_id("chat-item")).to_have_count(0)
    await page.wait_for_timeout(400)  # let the card's entrance animation finish for the screenshot
    await page.screenshot(path=str(artifacts / "console-offer.png"))
    await card.get_by_test_id("offer-accept").click()
    await expect(card).to_have_count(0)
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(page.get_by_test_id("chat-item")).to_have_count(1)
    await maria.wait_for("chat:assigned", lambda d: d["agent"]["name"] == "Anna")

    # A second offer rings out while Anna is away: the card goes when the server says it expired.
    _, second = await visitor_chat(server, "Lena", "Do you ship to Norway?")
    card = page.locator(f'[data-testid="offer-card"][data-conversation-id="{second}"]')
    await expect(card).to_be_visible()
    await page.get_by_test_id("status-select").select_option("away")
    await expect(page.get_by_test_id("status-select")).to_have_value("away")
    clock.advance(46)
    await sweep_once(server.app)
    await expect(card).to_have_count(0)

    # Ben (one slot) takes Lena. Olga's chat then rings for Anna, who declines it: nobody is left.
    ben = await agent_account(server, "Ben", capacity=1)
    ben_console = await server.agent_peer(ben, password="correct horse battery")
    offer = await ben_console.next("chat:offer")
    assert (await ben_console.call("chat:accept", {"conversation_id": offer["conversation"]["id"]}))["ok"]
    _, third = await visitor_chat(server, "Olga", "My discount code is not accepted")
    await page.get_by_test_id("status-select").select_option("online")
    card = page.locator(f'[data-testid="offer-card"][data-conversation-id="{third}"]')
    await card.get_by_test_id("offer-decline").click()
    await expect(card).to_have_count(0)

    # Waiting past the department's maximum: offered to everyone as overdue; Alt+A takes it.
    clock.advance(121)
    await sweep_once(server.app)
    await expect(card.get_by_test_id("offer-overdue")).to_contain_text("Overdue — anyone can take it")
    await page.wait_for_timeout(400)
    await page.screenshot(path=str(artifacts / "console-offer-overdue.png"))
    await page.keyboard.press("Alt+a")
    await expect(page.locator(f'[data-testid="chat-item"][data-conversation-id="{third}"]')).to_be_visible()
    await expect(page.get_by_test_id("offer-card")).to_have_count(0)

    # Another overdue chat, taken by a manager elsewhere: Anna's card goes at once.
    _, fourth = await visitor_chat(server, "Pavol", "Where is my parcel?")
    card = page.locator(f'[data-testid="offer-card"][data-conversation-id="{fourth}"]')
    await card.get_by_test_id("offer-decline").click()
    await expect(card).to_have_count(0)
    clock.advance(121)
    await sweep_once(server.app)
    await expect(card.get_by_test_id("offer-overdue")).to_be_visible()
    boss = await agent_account(server, "Boss", role="manager")
    boss_console = await server.agent_peer(boss, online=False, password="correct horse battery")
    assert (await boss_console.call("chat:accept", {"conversation_id": fourth}))["ok"]
    await expect(card).to_have_count(0)
    watch.assert_clean()


async def test_offline_message_is_read_then_claimed_and_answered(
    settings: Any, server_factory: Any, browser: Any, artifacts: Any
) -> None:
    server = await server_factory(settings.replace(queue_when_unstaffed=False))
    await agent_account(server, "Anna")
    # Nobody is on duty: the visitor leaves a message (with an email for the answer).
    maria, conversation_id = await visitor_chat(server, "Maria", "Do you have the Trail 30 in stock in Košice?",
                                                email="maria@example.com")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, server.url, "anna@example.com", online=False)
    item = page.locator(f'[data-testid="offline-item"][data-conversation-id="{conversation_id}"]')
    await expect(page.get_by_test_id("offline-toggle")).to_contain_text("Messages left while you were away")
    await expect(item).to_contain_text("Do you have the Trail 30 in stock")
    await item.click()
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(page.get_by_test_id("readonly-bar")).to_contain_text("left this message while nobody was available")
    await expect(page.get_by_test_id("reply-input")).to_be_hidden()
    await page.screenshot(path=str(artifacts / "console-offline-inbox.png"))

    await page.get_by_test_id("claim-offline").click()
    await expect(page.get_by_test_id("reply-input")).to_be_focused()
    await expect(item).to_have_count(0)
    await expect(page.locator(f'[data-testid="chat-item"][data-conversation-id="{conversation_id}"]')).to_be_visible()
    await page.get_by_test_id("reply-input").fill("Hi Maria, yes: three in stock in Košice.")
    await page.get_by_test_id("reply-input").press("Enter")
    await maria.wait_for("message:new", lambda d: d["message"]["text"] == "Hi Maria, yes: three in stock in Košice.")
    # A message left while the console is open shows up at once, without a reload.
    _, later_id = await visitor_chat(server, "Peter", "Do you ship to Brno?", email="peter@example.com")
    later = page.locator(f'[data-testid="offline-item"][data-conversation-id="{later_id}"]')
    await expect(later).to_contain_text("Do you ship to Brno?")
    watch.assert_clean()


async def test_search_finds_past_chats_and_keyboard_moves_between_chats(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    await agent_account(live_server, "Anna")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, live_server.url, "anna@example.com")
    # Maria's earlier chat, rated, then a new one: the visitor panel shows the first as history.
    maria, old_id = await visitor_chat(live_server, "Maria", "I need a refund for order 1234", email="maria@example.com")
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await page.get_by_test_id("reply-input").fill("Refund issued, you will see it in 3 days.")
    await page.get_by_test_id("reply-input").press("Enter")
    await page.keyboard.press("Alt+c")
    await page.get_by_test_id("close-confirm").click()
    await maria.next("chat:closed")
    assert (await maria.call("chat:rate", {"conversation_id": old_id, "score": 5, "comment": "Quick!"}))["ok"]
    ack = await maria.call("chat:start", {"text": "Has the refund arrived? I don't see it", "name": "Maria",
                                          "email": "maria@example.com"})
    new_id = ack["conversation_id"]
    _, lena_id = await visitor_chat(live_server, "Lena", "Do you ship to Norway?")
    await expect(page.locator('[data-testid="chat-item"]:not(.is-closed)')).to_have_count(2)

    # Alt+↓ / Alt+↑ move through the chats; Alt+R focuses the reply box.
    await page.locator(f'[data-testid="chat-item"][data-conversation-id="{new_id}"]').click()
    history = page.get_by_test_id("history-item")
    await expect(history).to_have_count(1)
    await expect(history).to_contain_text("★★★★★")
    await history.get_by_test_id("history-toggle").click()
    await expect(history.get_by_test_id("history-transcript")).to_contain_text("Refund issued, you will see it in 3 days.")
    await page.screenshot(path=str(artifacts / "console-history.png"))
    await page.locator("body").click(position={"x": 700, "y": 300})
    # The list: Lena (newest), Maria's open chat, Maria's closed one.
    await page.keyboard.press("Alt+ArrowUp")
    await expect(page.get_by_test_id("conv-name")).to_have_text("Lena")
    await page.keyboard.press("Alt+ArrowDown")
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(page.get_by_test_id("reply-input")).to_be_visible()
    await page.keyboard.press("Control+BracketLeft")
    await expect(page.get_by_test_id("conv-name")).to_have_text("Lena")
    await page.keyboard.press("Escape")
    await page.keyboard.press("Alt+r")
    await expect(page.get_by_test_id("reply-input")).to_be_focused()
    await page.keyboard.type("We ship to Norway in 3–5 days.")
    await page.keyboard.press("Enter")
    await expect(page.locator('[data-testid="message"][data-author-kind="agent"]')).to_have_text(["We ship to Norway in 3–5 days."])
    await page.get_by_test_id("reply-input").blur()
    await page.keyboard.press("?")
    await expect(page.get_by_test_id("help-dialog")).to_be_visible()
    await expect(page.get_by_test_id("help-dialog")).to_contain_text("Focus the reply box")
    await page.screenshot(path=str(artifacts / "console-shortcuts.png"))
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("help-dialog")).to_be_hidden()

    # Search: by a word from the transcript; a result opens read-only, Back returns to the results.
    await page.keyboard.press("Alt+3")
    await expect(page.get_by_test_id("search-q")).to_be_focused()
    await page.keyboard.type("refund")
    await page.keyboard.press("Enter")
    results = page.get_by_test_id("search-result")
    await expect(results).to_have_count(2)
    await page.get_by_test_id("search-email").fill("maria@example.com")
    await page.get_by_test_id("search-submit").click()
    await expect(page.get_by_test_id("search-status")).to_contain_text("2 conversations")
    await page.screenshot(path=str(artifacts / "console-search.png"))
    await page.locator(f'[data-testid="search-result"][data-conversation-id="{old_id}"]').click()
    await expect(page.get_by_test_id("conv-name")).to_have_text("Maria")
    await expect(page.get_by_test_id("transcript")).to_contain_text("I need a refund for order 1234")
    await page.get_by_test_id("back-button").click()
    await expect(page.get_by_test_id("search-results")).to_be_visible()
    await page.get_by_test_id("search-q").fill("norway")
    await page.get_by_test_id("search-email").fill("")
    await page.get_by_test_id("search-submit").click()
    await expect(results).to_have_count(1)
    await expect(results).to_have_attribute("data-conversation-id", lena_id)
    watch.assert_clean()
