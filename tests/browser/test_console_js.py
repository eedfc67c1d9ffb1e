"""The console's pure helpers, run in Chromium as the console runs them, and the notification banner."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from .console_helpers import Watch, agent_account, new_page, say, sign_in, visitor_chat

pytestmark = pytest.mark.browser

USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    " Edg/124.0.2478.51": "Edge 124 on Windows",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0": "Firefox 125 on macOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4"
    " Mobile/15E148 Safari/604.1": "Safari 17 on iPhone",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile"
    " Safari/537.36": "Chrome 124 on Android 14",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0":
        "Opera 109 on Linux",
    "": "",
}


async def test_visitor_facts_are_summarised_for_people(live_server: Any, browser: Any) -> None:
    page = await new_page(browser)
    await page.goto(live_server.url + "/console")
    got = await page.evaluate(
        """async (uas) => {
            const f = await import('/console/static/visitor-facts.js');
            return {
              ua: uas.map((u) => f.summariseUserAgent(u)),
              time: f.localTime('Asia/Kolkata', new Date('2026-03-01T10:00:00Z')),
              badZone: f.localTime('Mars/Olympus'),
              hrefs: [f.safeHref('https://shop.example.com/a?b=1'), f.safeHref('javascript:alert(1)'),
                      f.safeHref('data:text/html,x'), f.safeHref('not a url')],
              short: f.shortUrl('https://shop.example.com/backpacks/?colour=green'),
              ratings: [f.ratingLabel({scale: 'stars5', score: 4, value: 4}),
                        f.ratingLabel({scale: 'thumbs', score: 5, value: 'up'}),
                        f.ratingLabel({scale: 'three', score: 3, value: 'okay'})],
            };
        }""",
        list(USER_AGENTS),
    )
    assert got["ua"] == list(USER_AGENTS.values())
    assert got["time"]["offset"] == "UTC+5:30" and got["time"]["place"] == "Kolkata"
    assert got["time"]["time"].replace("\u202f", " ") in ("03:30 PM", "15:30")
    assert got["badZone"] is None
    assert got["hrefs"] == ["https://shop.example.com/a?b=1", None, None, None]
    assert got["short"] == "shop.example.com/backpacks/?colour=green"
    assert got["ratings"] == ["★★★★☆", "Thumbs up", "Okay"]


async def test_notifications_are_asked_for_from_the_banner_only(live_server: Any, browser: Any) -> None:
    await agent_account(live_server, "Anna")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watch = Watch(page)
    await page.add_init_script("""
        window.__asked = 0;
        Object.defineProperty(Notification, 'permission', { get: () => sessionStorage.getItem('perm') || 'default' });
        Notification.requestPermission = async () => { window.__asked++; sessionStorage.setItem('perm', 'granted'); return 'granted'; };
    """)
    await sign_in(page, live_server.url, "anna@example.com", online=False)
    banner = page.get_by_test_id("notify-banner")
    await expect(banner).to_be_visible()
    assert await page.evaluate("window.__asked") == 0  # never on load
    await page.get_by_test_id("notify-enable").click()
    await expect(banner).to_be_hidden()
    assert await page.evaluate("window.__asked") == 1
    # The sound can be muted; the choice survives a reload.
    await page.get_by_test_id("sound-toggle").click()
    await expect(page.get_by_test_id("sound-toggle")).to_have_attribute("aria-pressed", "false")
    await page.reload()
    await expect(page.get_by_test_id("sound-toggle")).to_have_attribute("aria-pressed", "false")
    await expect(banner).to_be_hidden()
    watch.assert_clean()
    await context.close()


async def test_new_chat_and_message_notify_while_the_tab_is_hidden(live_server: Any, browser: Any) -> None:
    await agent_account(live_server, "Anna")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watch = Watch(page)
    await page.add_init_script("""
        window.__shown = [];
        window.__hidden = false;
        Object.defineProperty(Document.prototype, 'hidden', { get: () => window.__hidden });
        window.Notification = class { constructor(title, opts) { window.__shown.push([title, opts.body]); }
          close() {} };
        window.Notification.permission = 'granted';
        window.Notification.requestPermission = async () => 'granted';
    """)
    await sign_in(page, live_server.url, "anna@example.com")
    await expect(page.get_by_test_id("notify-banner")).to_be_hidden()  # already allowed

    await visitor_chat(live_server, "Maria", "Visible tab: no notification")
    await expect(page.get_by_test_id("chat-item")).to_have_count(1)
    await page.evaluate("window.__hidden = true")
    lena, second = await visitor_chat(live_server, "Lena", "Where is my order?")
    await expect(page.get_by_test_id("chat-item")).to_have_count(2)
    await say(lena, second, "Hello?")
    await expect(page.locator(f'[data-conversation-id="{second}"] [data-testid="unread-badge"]')).to_have_text("2")
    shown = await page.evaluate("window.__shown")
    assert shown == [["New chat: Lena", "Where is my order?"], ["Lena wrote", "Hello?"]]
    watch.assert_clean()
    await context.close()
