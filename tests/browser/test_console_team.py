"""The agent console as a team works in it all day (Chromium against a live server): several chats
at once, transfers with the transcript and a handover note, internal notes the visitor never sees,
follow-ups, offers, the offline inbox, search and keyboard use."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from .console_helpers import Watch, agent_account, new_page, say, sign_in, visitor_chat

pytestmark = pytest.mark.browser


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
