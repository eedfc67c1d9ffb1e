"""The canned-reply picker and the positive-language assistant in the real console (Chromium).

Visitors are real Socket.IO clients (tests.helpers.Peer); the agent uses the console in the browser.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from playwright.async_api import Page, expect

from chat_server.web.keys import ASSISTANT

from ..helpers import eventually
from .test_chat_e2e import PASSWORD, Watch, new_page

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


async def console_with_chat(live_server: Any, browser: Any, visitor_name: str | None = "Maria") -> tuple[Page, Any, str]:
    """An agent signed in and online in the browser, with one chat from a socket visitor selected."""
    email = f"anna.{visitor_name or 'anon'}@example.com".lower()
    await live_server.create_agent(email=email, name="Anna", password=PASSWORD)
    page = await new_page(browser)
    await page.goto(live_server.url + "/console")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await page.get_by_test_id("status-select").select_option("online")
    await expect(page.get_by_test_id("status-select")).to_have_value("online")
    visitor = await live_server.visitor()
    await visitor.next("session")
    start = {"text": "Hello, my parcel has not arrived"}
    if visitor_name:
        start["name"] = visitor_name
    ack = await visitor.call("chat:start", start)
    assert ack["ok"], ack
    await expect(page.get_by_test_id("chat-item")).to_have_count(1)
    await page.get_by_test_id("chat-item").click()
    await expect(page.get_by_test_id("reply-input")).to_be_visible()
    return page, visitor, ack["conversation_id"]


async def api_get(base_url: str, token: str, path: str) -> Any:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        async with http.get(base_url + path) as r:
            assert r.status == 200, await r.text()
            return await r.json()


async def test_picker_inserts_a_filled_reply_the_agent_can_edit(live_server: Any, browser: Any, artifacts: Any) -> None:
    page, visitor, conversation_id = await console_with_chat(live_server, browser)
    watch = Watch(page)
    box = page.get_by_test_id("reply-input")
    await box.click()
    await box.press_sequentially("/gre")
    picker = page.get_by_test_id("canned-picker")
    await expect(picker).to_be_visible()
    await expect(page.get_by_test_id("canned-item").first).to_have_attribute("data-shortcut", "greet")
    await expect(page.get_by_test_id("canned-preview")).to_have_text(
        "Hi Maria! I'm Anna from Acme Support. How can I help you today?"
    )
    await page.screenshot(path=str(artifacts / "canned-picker.png"))

    # Arrow keys move, Enter inserts (and does not send).
    await box.press("ArrowDown")
    await expect(page.get_by_test_id("canned-item").nth(1)).to_have_attribute("aria-selected", "true")
    await box.press("ArrowUp")
    await box.press("Enter")
    await expect(picker).to_be_hidden()
    await expect(box).to_have_value("Hi Maria! I'm Anna from Acme Support. How can I help you today?")
    await box.press("End")
    await box.press_sequentially(" 🙂")
    await box.press("Enter")
    got = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "agent")
    assert got["message"]["text"] == "Hi Maria! I'm Anna from Acme Support. How can I help you today? 🙂"

    token = await live_server.token_for((await live_server.store.list_agents())[0], PASSWORD)

    async def used() -> bool:
        items = (await api_get(live_server.url, token, "/api/canned-responses?language=en&q=greet"))["items"]
        return next(i for i in items if i["shortcut"] == "greet")["usage_count"] == 1

    await eventually(used)
    assert watch.errors == [] and watch.dialogs == []


async def test_assistant_highlights_a_negative_phrase_and_tab_accepts_the_reframe(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    page, visitor, conversation_id = await console_with_chat(live_server, browser)
    watch = Watch(page)
    box = page.get_by_test_id("reply-input")
    await box.click()
    await box.press_sequentially("Sorry, I can't help you with that. You have to call the courier.")
    card = page.get_by_test_id("assistant-card")
    await expect(card).to_be_visible()
    await expect(page.get_by_test_id("assistant-mark")).to_have_count(2)
    await expect(page.get_by_test_id("assistant-phrase")).to_have_text("“I can't help you with that”")
    await expect(page.get_by_test_id("assistant-reframe")).to_have_text(
        "“that is outside what I can change myself, so let me find the person who can”"
    )
    await page.screenshot(path=str(artifacts / "assistant-suggestion.png"))

    await box.press("Tab")  # accept the first suggestion
    await expect(box).to_have_value(
        "Sorry, that is outside what I can change myself, so let me find the person who can. "
        "You have to call the courier."
    )
    await expect(box).to_be_focused()
    await expect(page.get_by_test_id("assistant-reframe")).to_have_text("“The next step is to”")
    await box.press("Escape")  # keep the agent's own wording for the second one
    await expect(card).to_be_hidden()
    await expect(page.get_by_test_id("assistant-mark")).to_have_count(0)

    # It never blocks sending.
    await box.press("Enter")
    got = await visitor.wait_for("message:new", lambda d: d["message"]["author"]["kind"] == "agent")
    assert got["message"]["text"].startswith("Sorry, that is outside what I can change myself")

    # Shown 2, accepted 1, ignored 1 reach the server (flushed when the page is hidden).
    await page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    await page.evaluate("() => Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    await page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    agent = (await live_server.store.list_agents())[0]

    async def recorded() -> Any:
        rows = await live_server.app[ASSISTANT].store.feedback("2000-01-01", agent.id)
        return rows and (rows[0].shown, rows[0].accepted, rows[0].ignored) == (2, 1, 1)

    await eventually(recorded)
    assert watch.errors == [] and watch.dialogs == []
