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
SLOW_MS = 20_000


async def console_with_chat(
    live_server: Any, browser: Any, visitor_name: str | None = "Maria", language: str | None = None
) -> tuple[Page, Any, str]:
    """An agent signed in and online in the browser, with one chat from a socket visitor selected."""
    email = f"anna.{visitor_name or 'anon'}@example.com".lower()
    await live_server.create_agent(email=email, name="Anna", password=PASSWORD)
    page = await new_page(browser)
    await page.goto(live_server.url + "/console")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await page.get_by_test_id("status-select").select_option("online")
    # Wait for the server's ack: a chat started while nobody is online becomes a left message.
    await expect(page.locator("#status-switch")).to_have_attribute("data-status", "online", timeout=SLOW_MS)
    visitor = await live_server.visitor()
    await visitor.next("session")
    start = {"text": "Hello, my parcel has not arrived"}
    if visitor_name:
        start["name"] = visitor_name
    if language:
        start["language"] = language
    ack = await visitor.call("chat:start", start)
    assert ack["ok"], ack
    # Generous: the machine may be busy with other test runs; assignment itself is immediate.
    await expect(page.get_by_test_id("chat-item")).to_have_count(1, timeout=SLOW_MS)
    await page.get_by_test_id("chat-item").click()
    await expect(page.get_by_test_id("reply-input")).to_be_visible()
    return page, visitor, ack["conversation_id"]


async def api_get(base_url: str, token: str, path: str) -> Any:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        async with http.get(base_url + path) as r:
            assert r.status == 200, await r.text()
            return await r.json()


async def test_picker_inserts_a_filled_reply_the_agent_can_edit(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    page, visitor, _ = await console_with_chat(live_server, browser)
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
    page, visitor, _conversation_id = await console_with_chat(live_server, browser)
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


async def signed_in_page(browser: Any, base_url: str, email: str, path: str) -> Page:
    page = await new_page(browser, width=1440, height=900)
    await page.goto(base_url + "/console")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("logout")).to_be_visible()
    await page.goto(base_url + path)
    return page


async def test_managers_edit_reaches_an_open_console_without_reload(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    console, _visitor, _conversation_id = await console_with_chat(live_server, browser)
    await live_server.create_agent(email="mia@example.com", name="Mia", password=PASSWORD, role="manager")
    manage = await signed_in_page(browser, live_server.url, "mia@example.com", "/manage/canned")
    m_watch, c_watch = Watch(manage), Watch(console)

    box = console.get_by_test_id("reply-input")
    await box.click()
    await box.press_sequentially("/greet")
    preview = console.get_by_test_id("canned-preview")
    await expect(preview).to_have_text("Hi Maria! I'm Anna from Acme Support. How can I help you today?")

    await manage.get_by_test_id("filter-language").select_option("en")
    await manage.get_by_test_id("filter-q").fill("greet")
    row = manage.locator('[data-testid="reply-row"][data-shortcut="greet"]')
    await expect(row).to_have_count(1)  # the list redraws once the filters' fetch is back
    await row.click()
    await expect(manage.get_by_test_id("edit-text")).to_have_value(
        "Hi {visitor.name}! I'm {agent.name} from {company}. How can I help you today?"
    )
    await manage.get_by_test_id("edit-text").fill(
        "Good morning {visitor.name}, welcome to {company}! <b>How</b> can I help?"
    )
    await expect(manage.get_by_test_id("edit-preview")).to_have_text(
        "Good morning Maria, welcome to Acme Support! <b>How</b> can I help?"
    )
    await manage.get_by_test_id("edit-save").click()
    await expect(manage.get_by_test_id("notice")).to_contain_text("Saved")

    # The agent's picker, still open, shows the new text: no reload.
    await expect(preview).to_have_text("Good morning Maria, welcome to Acme Support! <b>How</b> can I help?")
    assert await console.locator('[data-testid="canned-preview"] b').count() == 0
    await console.screenshot(path=str(artifacts / "canned-live-update.png"))
    await box.press("Enter")
    await expect(box).to_have_value("Good morning Maria, welcome to Acme Support! <b>How</b> can I help?")

    # History shows the edit as a diff; one click reverts it, and the console follows again.
    await manage.get_by_test_id("edit-history").click()
    entries = manage.get_by_test_id("history-entry")
    await expect(entries).to_have_count(2)
    await expect(entries.first.get_by_test_id("history-diff").locator("ins").first).to_contain_text(
        "Good morning"
    )
    await manage.screenshot(path=str(artifacts / "manage-history.png"))
    await entries.nth(1).get_by_test_id("history-revert").click()
    await expect(manage.get_by_test_id("notice")).to_contain_text("Reverted to version 1")
    await expect(manage.get_by_test_id("history-entry")).to_have_count(3)
    await box.fill("")
    await box.press_sequentially("/greet")
    await expect(preview).to_have_text("Hi Maria! I'm Anna from Acme Support. How can I help you today?")
    assert m_watch.errors == [] and c_watch.errors == [] and m_watch.dialogs == [] and c_watch.dialogs == []


async def test_manager_page_filters_escapes_markup_and_reports_errors(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    await live_server.create_agent(email="mia2@example.com", name="Mia", password=PASSWORD, role="manager")
    manage = await signed_in_page(browser, live_server.url, "mia2@example.com", "/manage/canned")
    watch = Watch(manage)
    await expect(manage.get_by_test_id("reply-row")).to_have_count(46 * 3)

    await manage.get_by_test_id("new-reply").click()
    await manage.get_by_test_id("edit-title").fill(f"Markup {XSS}")
    await manage.get_by_test_id("edit-shortcut").fill("markup")
    await manage.get_by_test_id("edit-language").fill("en")
    await manage.get_by_test_id("edit-text").fill(f"Hello {{visitor.nam}} {XSS}")
    await expect(manage.get_by_test_id("edit-unknown")).to_contain_text("{visitor.nam}")
    await manage.get_by_test_id("edit-save").click()
    await expect(manage.get_by_test_id("editor-error")).to_contain_text("Unknown placeholder {visitor.nam}")
    await manage.get_by_test_id("edit-text").fill(f"Hello {{visitor.name}} {XSS}")
    await manage.get_by_test_id("edit-save").click()
    await expect(manage.get_by_test_id("notice")).to_contain_text("Reply added")

    await manage.get_by_test_id("filter-unused").check()
    await manage.get_by_test_id("filter-q").fill("markup")
    row = manage.locator('[data-testid="reply-row"][data-shortcut="markup"]')
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(f"Markup {XSS}")
    await expect(manage.get_by_test_id("edit-preview")).to_have_text(f"Hello Maria {XSS}")
    assert await manage.locator("main img").count() == 0

    # A duplicate shortcut is refused with a clear message; nothing is saved.
    await manage.get_by_test_id("new-reply").click()
    await manage.get_by_test_id("edit-title").fill("Another")
    await manage.get_by_test_id("edit-shortcut").fill("markup")
    await manage.get_by_test_id("edit-language").fill("en")
    await manage.get_by_test_id("edit-text").fill("Hi")
    await manage.get_by_test_id("edit-save").click()
    await expect(manage.get_by_test_id("editor-error")).to_contain_text("already used")
    await manage.screenshot(path=str(artifacts / "manage-canned.png"))

    # Assistant rules: add one, try it.
    await manage.get_by_test_id("tab-rules").click()
    await expect(manage.get_by_test_id("rule-row").first).to_be_visible()
    await manage.get_by_test_id("rule-phrase").fill("no way")
    await manage.get_by_test_id("rule-reframe").fill("let me see what is possible")
    await manage.get_by_test_id("rule-save").click()
    await expect(manage.locator('[data-testid="rule-row"][data-phrase="no way"]')).to_have_count(1)
    await manage.get_by_test_id("rule-test").fill("No way, you have to wait.")
    await expect(manage.get_by_test_id("rule-test-results").locator("li")).to_have_count(2)
    await manage.screenshot(path=str(artifacts / "manage-rules.png"))
    assert watch.errors == [] and watch.dialogs == []


async def test_manager_page_is_for_managers_only(live_server: Any, browser: Any) -> None:
    await live_server.create_agent(email="ann3@example.com", name="Ann", password=PASSWORD)
    page = await signed_in_page(browser, live_server.url, "ann3@example.com", "/manage/canned")
    await expect(page.get_by_test_id("forbidden")).to_contain_text("This page is for managers")
    anonymous = await new_page(browser)
    response = await anonymous.goto(live_server.url + "/manage/canned")
    assert response is not None and response.url.endswith("/console")
    await expect(anonymous.get_by_test_id("login-email")).to_be_visible()


async def test_conversation_language_picks_replies_and_rules_and_the_agent_can_switch(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    page, _visitor, _conversation_id = await console_with_chat(live_server, browser, "Мария", language="ru")
    watch = Watch(page)
    box = page.get_by_test_id("reply-input")
    await box.click()
    await box.press_sequentially("/greet")
    await expect(page.get_by_test_id("canned-language")).to_have_value("ru")
    await expect(page.get_by_test_id("canned-preview")).to_have_text(
        "Здравствуйте, Мария! Меня зовут Anna, я представляю Acme Support. Чем могу помочь?"
    )
    await page.screenshot(path=str(artifacts / "canned-picker-ru.png"))
    await page.get_by_test_id("canned-language").select_option("sk")
    await expect(page.get_by_test_id("canned-preview")).to_have_text(
        "Dobrý deň, Мария! Volám sa Anna a som tu za Acme Support. Ako Vám môžem pomôcť?"
    )
    await expect(box).to_be_focused()
    await box.press("Escape")
    await expect(page.get_by_test_id("canned-picker")).to_be_hidden()
    await expect(box).to_have_value("/greet")
    await box.fill("")
    await box.press_sequentially("Nemôžem to zmeniť.")
    await expect(page.get_by_test_id("assistant-reframe")).to_have_text("“Nemám možnosť”")
    assert watch.errors == [] and watch.dialogs == []
