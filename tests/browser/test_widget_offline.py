"""Nobody on duty: the widget is a leave-a-message form, confirms clearly, and shows the answer on the
visitor's next visit."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.helpers import cid

from .widget_host import agent_state, bubbles

pytestmark = pytest.mark.browser


async def test_leave_a_message_then_come_back_to_the_answer(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(queue_when_unstaffed=False))
    host = await shop(server.url)
    page = host.page
    await page.get_by_test_id("launcher").click()

    # The form says up front that the team is away, and asks for an email so the answer can be mailed.
    form = page.get_by_test_id("prechat")
    await expect(form).to_have_attribute("data-mode", "away")
    await expect(page.get_by_test_id("away-notice")).to_contain_text("We're away right now")
    await expect(page.get_by_test_id("email-hint")).to_have_text("So we can answer you by email")
    await expect(page.get_by_test_id("email-tag")).to_have_text("(recommended)")
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Send message")
    await expect(page.get_by_test_id("widget-subtitle")).to_have_text("Leave us a message")
    await page.get_by_label("Name (optional)", exact=True).fill("Maria")
    await page.get_by_label("Email (recommended)", exact=True).fill("maria@example.com")
    await page.get_by_label("Message", exact=True).fill("Do the Trail Runner 3 come in size 43?")
    await page.screenshot(path=str(artifacts / "widget-offline-form.png"), animations="disabled")
    await page.get_by_test_id("prechat-submit").click()

    # A clear confirmation, the message, and the automatic answer with its time frame.
    confirmation = page.get_by_test_id("offline-confirmation")
    await expect(confirmation).to_contain_text("Thanks! Your message is on its way.")
    await expect(confirmation).to_contain_text("maria@example.com")
    await expect(bubbles(page, "visitor")).to_have_text(["Do the Trail Runner 3 come in size 43?"])
    await expect(bubbles(page, "system")).to_contain_text(["within 24 hours"])
    await expect(page.get_by_test_id("live-region")).to_contain_text("Your message is on its way")
    await expect(page.get_by_test_id("end-chat")).to_be_hidden()  # a left message stays for the team
    await page.screenshot(path=str(artifacts / "widget-offline-sent.png"), animations="disabled")
    # The visitor minimises and leaves.
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("panel")).to_be_hidden()
    await page.close()

    # An agent comes on duty, takes the message and answers it.
    anna = await server.create_agent(name="Anna")
    console = await server.agent_peer(anna)
    [left] = agent_state(console)["offline"]
    assert left["visitor"]["email"] == "maria@example.com" and left["language"] == "en"
    assert (await console.call("offline:claim", {"conversation_id": left["id"]}))["ok"]
    answer = "Hi Maria! Yes, size 43 is in stock in all three colours."
    sent = await console.call("message:send", {"conversation_id": left["id"], "text": answer, "client_id": cid()})
    assert sent["ok"], sent

    # Back on the site: the launcher shows one unread answer; opening shows it.
    page = await host.new_page()
    badge = page.get_by_test_id("launcher-badge")
    await expect(badge).to_have_text("1")
    await expect(page.get_by_test_id("launcher")).to_have_attribute("aria-label", "Open chat, 1 new message")
    await page.get_by_test_id("launcher").click()
    await expect(bubbles(page, "agent")).to_have_text([answer])
    await expect(page.get_by_test_id("widget-subtitle")).to_have_text("You're chatting with Anna")
    await expect(badge).to_be_hidden()
    await page.screenshot(path=str(artifacts / "widget-offline-answered.png"), animations="disabled")

    # And the chat goes on live.
    await page.get_by_test_id("composer-input").fill("Great, I'll order today!")
    await page.get_by_test_id("composer-input").press("Enter")
    got = await console.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "visitor")
    assert got["message"]["text"] == "Great, I'll order today!"
    await console.call("message:send", {"conversation_id": left["id"], "text": "Enjoy the trails!", "client_id": cid()})
    await expect(page.get_by_test_id("live-region")).to_contain_text("Anna: Enjoy the trails!")
    assert host.errors == []


async def test_the_form_turns_into_a_chat_form_when_an_agent_comes_online(settings, server_factory, shop):
    server = await server_factory(settings.replace(queue_when_unstaffed=False))
    host = await shop(server.url)
    page = host.page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "away")
    await page.get_by_test_id("minimise").click()
    await server.agent_peer(await server.create_agent())
    # Opening again asks the server afresh.
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "chat")
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Start chat")
    await expect(page.get_by_test_id("email-hint")).to_be_hidden()
    await expect(page.get_by_test_id("email-tag")).to_have_text("(optional)")
    await page.get_by_label("Message", exact=True).fill("Hello!")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("panel")).to_have_attribute("data-view", "chatting")
    assert host.errors == []


async def test_a_left_message_without_email_promises_an_answer_here(settings, server_factory, shop):
    server = await server_factory(settings.replace(queue_when_unstaffed=False))
    page = (await shop(server.url)).page
    await page.get_by_test_id("launcher").click()
    await page.get_by_label("Message", exact=True).fill("Is there a store in Brno?")
    await page.get_by_label("Message", exact=True).press("Enter")
    await expect(page.get_by_test_id("offline-detail")).to_have_text(
        "We'll reply right here, so do check back on this page later.")
    await expect(page.get_by_test_id("composer-input")).to_have_attribute("placeholder", "Add more details…")
