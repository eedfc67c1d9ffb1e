"""The real widget and the real console in Chromium, against a live server.

A visitor chats from the demo page, an agent answers from the console, the agent closes and the visitor
rates; then a visitor reloads mid-chat and gets the whole transcript back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
XSS = "<img src=x onerror=alert(1)>"
PASSWORD = "correct horse battery"
TIMEOUT_MS = 10_000


class Watch:
    """Records dialogs (an XSS would open one) and uncaught page errors."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        async def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            await dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


async def new_page(browser: Any, width: int = 1280, height: int = 800) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


async def visitor_starts_chat(page: Page, base_url: str, name: str, text: str) -> None:
    await page.goto(base_url + "/")
    await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-name").fill(name)
    await page.get_by_test_id("prechat-message").fill(text)
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("transcript")).to_be_visible()


async def agent_signs_in_online(page: Page, base_url: str, email: str) -> None:
    await page.goto(base_url + "/console")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("status-select")).to_be_visible()
    await expect(page.get_by_test_id("empty-state")).to_be_visible()
    await page.get_by_test_id("status-select").select_option("online")
    await expect(page.get_by_test_id("status-select")).to_have_value("online")


def bubbles(page: Page, kind: str | None = None) -> Any:
    selector = '[data-testid="message"]' + (f'[data-author-kind="{kind}"]' if kind else "")
    return page.locator(selector)


async def api_token(base_url: str, email: str) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base_url}/api/auth/login", json={"email": email, "password": PASSWORD}) as r:
            assert r.status == 200, await r.text()
            return (await r.json())["token"]


async def get_conversation(base_url: str, token: str, conversation_id: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{base_url}/api/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"}
        ) as r:
            assert r.status == 200, await r.text()
            return (await r.json())["conversation"]


async def test_visitor_chats_agent_replies_closes_and_visitor_rates(live_server: Any, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    email = "anna.e2e@example.com"
    await live_server.create_agent(email=email, name="Anna", password=PASSWORD, role="agent")
    first = f"Hi! {XSS} does the backpack come in green?"

    # The visitor starts a chat while nobody is online: queued, and can keep writing.
    visitor = await new_page(browser)
    v_watch = Watch(visitor)
    await visitor_starts_chat(visitor, live_server.url, "Maria", first)
    await expect(bubbles(visitor, "visitor").first).to_have_text(first)
    assert await visitor.locator('[data-testid="transcript"] img').count() == 0
    await expect(visitor.get_by_test_id("queue-status")).to_contain_text("You are number 1 in line")
    await expect(visitor.get_by_test_id("queue-status")).not_to_contain_text("0 minutes")
    await visitor.get_by_test_id("composer-input").fill("Also: do you ship to Canada?")
    await visitor.get_by_test_id("composer-input").press("Enter")
    await expect(bubbles(visitor, "visitor")).to_have_count(2)

    # The agent signs in, goes online and gets the chat with its transcript, rendered literally.
    console = await new_page(browser)
    c_watch = Watch(console)
    await agent_signs_in_online(console, live_server.url, email)
    item = console.get_by_test_id("chat-item")
    await expect(item).to_have_count(1)
    conversation_id = await item.get_attribute("data-conversation-id")
    assert conversation_id
    await item.click()
    await expect(console.get_by_test_id("visitor-name")).to_have_text("Maria")
    await expect(console.get_by_test_id("visitor-page").locator("a")).to_have_attribute("href", live_server.url + "/")
    await expect(bubbles(console, "visitor").first).to_have_text(first)
    await expect(bubbles(console, "visitor")).to_have_count(2)
    assert await console.locator('[data-testid="transcript"] img').count() == 0

    # The visitor learns who joined; typing shows on the other side.
    await expect(visitor.get_by_test_id("queue-status")).to_be_hidden()
    await expect(bubbles(visitor, "system")).to_contain_text(["Anna joined the chat."])
    await visitor.get_by_test_id("composer-input").fill("One more thing…")
    await expect(console.get_by_test_id("typing-indicator")).to_contain_text("Maria is typing")
    await visitor.get_by_test_id("composer-input").fill("")

    # Replies both ways.
    reply = "Hi Maria! Yes, it comes in Moss green, and we ship to Canada."
    await console.get_by_test_id("reply-input").fill(reply)
    await console.get_by_test_id("reply-input").press("Enter")
    await expect(bubbles(visitor, "agent")).to_have_text([reply])
    await expect(bubbles(console, "agent")).to_have_text([reply])
    await visitor.get_by_test_id("composer-input").fill("Great, thank you!")
    await visitor.get_by_test_id("composer-send").click()
    await expect(bubbles(console, "visitor").last).to_have_text("Great, thank you!")
    await expect(console.get_by_test_id("reply-input")).to_be_empty()
    await visitor.screenshot(path=str(ARTIFACTS / "visitor.png"))
    await console.screenshot(path=str(ARTIFACTS / "console.png"))

    # The agent closes; the visitor rates.
    await console.get_by_test_id("close-chat").click()
    await console.get_by_test_id("close-confirm").click()
    await expect(console.get_by_test_id("chat-item")).to_contain_text("Closed")
    await expect(visitor.get_by_test_id("rating-star-5")).to_be_visible()
    await expect(visitor.get_by_test_id("composer-input")).to_be_hidden()
    await visitor.get_by_test_id("rating-star-5").click()
    await visitor.get_by_test_id("rating-comment").fill("Quick and friendly")
    await visitor.get_by_test_id("rating-submit").click()
    await expect(visitor.get_by_test_id("rating-thanks")).to_contain_text("Thank you for your feedback")
    await expect(visitor.get_by_test_id("widget-error")).to_be_hidden()

    token = await api_token(live_server.url, email)
    conversation = await get_conversation(live_server.url, token, conversation_id)
    assert conversation["status"] == "closed"
    assert conversation["rating"]["score"] == 5
    assert conversation["rating"]["comment"] == "Quick and friendly"
    assert any(m["text"] == first for m in conversation["messages"])

    # "Start a new chat" goes back to the form.
    await visitor.get_by_test_id("new-chat").click()
    await expect(visitor.get_by_test_id("prechat-message")).to_be_visible()

    assert v_watch.dialogs == [] and c_watch.dialogs == []
    assert v_watch.errors == [] and c_watch.errors == []


async def test_visitor_reload_mid_chat_restores_transcript(live_server: Any, browser: Any) -> None:
    email = "ben.e2e@example.com"
    await live_server.create_agent(email=email, name="Ben", password=PASSWORD)
    console = await new_page(browser)
    await agent_signs_in_online(console, live_server.url, email)

    visitor = await new_page(browser)
    watch = Watch(visitor)
    await visitor_starts_chat(visitor, live_server.url, "Lena", "Hello, where is my order #1234?")
    await expect(console.get_by_test_id("chat-item")).to_have_count(1)
    await console.get_by_test_id("chat-item").click()
    await console.get_by_test_id("reply-input").fill("Let me check that for you.")
    await console.get_by_test_id("reply-send").click()
    await expect(bubbles(visitor, "agent")).to_have_text(["Let me check that for you."])
    await visitor.get_by_test_id("composer-input").fill("Thanks!\nIt was ordered last week.")
    await visitor.get_by_test_id("composer-input").press("Enter")
    await expect(bubbles(console, "visitor").last).to_have_text("Thanks!\nIt was ordered last week.")
    await expect(bubbles(visitor, "visitor").last).to_have_text("Thanks!\nIt was ordered last week.")
    before = await bubbles(visitor).all_inner_texts()
    assert len(before) == 4  # visitor, "Ben joined the chat.", agent, visitor

    await visitor.reload()
    # The panel was open, so it opens again, in the chatting state, with every message once, in order.
    await expect(visitor.get_by_test_id("composer-input")).to_be_visible()
    await expect(bubbles(visitor)).to_have_count(len(before))
    assert await bubbles(visitor).all_inner_texts() == before

    # And the restored chat still works both ways.
    await visitor.get_by_test_id("composer-input").fill("Back again")
    await visitor.get_by_test_id("composer-input").press("Enter")
    await expect(bubbles(console, "visitor").last).to_have_text("Back again")
    await expect(bubbles(visitor, "visitor")).to_have_count(3)
    assert watch.dialogs == [] and watch.errors == []
