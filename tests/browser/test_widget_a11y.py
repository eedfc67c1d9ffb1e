"""Accessibility: keyboard only, names and roles, announcements, focus rings, contrast; and a 360-px phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.helpers import cid

from .widget_host import bubbles

pytestmark = pytest.mark.browser

# The element focused inside the widget (the host element is what the page sees as focused).
FOCUSED = """() => {
  const host = document.getElementById("chat-widget-root");
  const el = document.activeElement === host ? host.shadowRoot.activeElement : null;
  if (!el) return null;
  const s = getComputedStyle(el.closest(".lang") || el);
  return {id: el.dataset.testid || el.tagName.toLowerCase(), outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
          ring: s.boxShadow !== "none"};
}"""

# WCAG contrast of every visible text in the widget against the background it is drawn on.
CONTRAST = """() => {
  const root = document.getElementById("chat-widget-root").shadowRoot;
  const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode().host || null)) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 253, 248];  // the shop page
  };
  const failures = [];
  root.querySelectorAll("*").forEach(el => {
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join("");
    if (!text || !el.getClientRects().length || el.closest("[hidden]") || el.closest(".sr") || el.disabled) return;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden") return;
    const fg = rgba(s.color).slice(0, 3), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.6 && +s.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
  });
  return failures;
}"""


async def focused(page: Page) -> Any:
    return await page.evaluate(FOCUSED)


async def tab_to(page: Page, testid: str, limit: int = 15) -> list[Any]:
    """Press Tab until the widget element with this test id has focus; returns what got focus on the way."""
    seen = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        now = await focused(page)
        seen.append(now)
        if now and now["id"] == testid:
            return seen
    raise AssertionError(f"Tab never reached {testid}: {seen}")


async def test_keyboard_only_chat(live_server, shop, artifacts):
    anna = await live_server.create_agent(name="Anna")
    console = await live_server.agent_peer(anna)
    host = await shop(live_server.url)
    page = host.page

    # The launcher is a button reached with Tab, with a visible focus ring; Enter opens the panel.
    await tab_to(page, "launcher")
    assert (await focused(page))["ring"]
    await expect(page.get_by_role("button", name="Open chat")).to_have_attribute("aria-expanded", "false")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("dialog", name="Chat with Acme Support")).to_be_visible()
    await expect(page.get_by_test_id("prechat-name")).to_be_focused()
    await page.keyboard.type("Ola")
    await page.keyboard.press("Tab")
    await expect(page.get_by_test_id("prechat-email")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_test_id("prechat-message")).to_be_focused()
    await page.keyboard.type("Hello! I can only use a keyboard.")
    await page.screenshot(path=str(artifacts / "widget-keyboard-form.png"), animations="disabled")
    await page.keyboard.press("Enter")

    # The chat starts and the composer has focus; Enter sends.
    assigned = await console.next("chat:assigned")
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    await page.keyboard.type("Do you have this in blue?")
    await page.keyboard.press("Enter")
    await expect(bubbles(page, "visitor")).to_have_count(2)

    # The agent's answer is announced politely.
    conversation_id = assigned["conversation"]["id"]
    await console.call("message:send", {"conversation_id": conversation_id, "text": "Yes, in navy!", "client_id": cid()})
    live = page.get_by_test_id("live-region")
    await expect(live).to_have_attribute("aria-live", "polite")
    await expect(live).to_contain_text("Anna: Yes, in navy!")
    await expect(live).to_contain_text("Anna joined the chat.")

    # Every stop in the panel shows a focus ring, in a sensible order.
    order = await tab_to(page, "launcher")
    ids = [f["id"] for f in order]
    assert ids[:3] == ["composer-send", "end-chat", "launcher"], ids
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    stops = [await focused(page)]
    for _ in range(4):
        await page.keyboard.press("Shift+Tab")
        stops.append(await focused(page))
    # Backwards: composer, transcript (scrollable, so focusable), header controls, then out to the page.
    assert [s and s["id"] for s in stops] == ["composer-input", "transcript", "minimise", "language-switch", None]
    assert all(s["outline"] or s["ring"] for s in stops if s), stops

    # Escape minimises and gives focus back to the launcher; Enter brings the chat back.
    await page.get_by_test_id("composer-input").focus()
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("panel")).to_be_hidden()
    await expect(page.get_by_test_id("launcher")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    assert host.errors == []


async def test_names_roles_and_contrast(settings, server_factory, shop):
    server = await server_factory(settings.replace(queue_when_unstaffed=False))
    page = (await shop(server.url)).page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "away")
    unnamed = await page.evaluate("""() => [...document.getElementById("chat-widget-root").shadowRoot
        .querySelectorAll("input, textarea, select, button")]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.textContent.trim())
        .map(el => el.outerHTML.slice(0, 80))""")
    assert unnamed == []
    for label in ["Name (optional)", "Email (recommended)", "Message", "Language"]:
        await expect(page.get_by_label(label, exact=True)).to_have_count(1)
    await expect(page.get_by_label("Email (recommended)", exact=True)).to_have_attribute(
        "aria-describedby", "cw-email-hint")
    assert await page.evaluate(CONTRAST) == []
    await page.get_by_test_id("prechat-message").fill("Hi")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("offline-confirmation")).to_be_visible()
    assert await page.evaluate(CONTRAST) == []


async def test_phone_360px_full_screen(live_server, shop, artifacts):
    host = await shop(live_server.url, width=360, height=740)
    page = host.page
    await page.screenshot(path=str(artifacts / "widget-360-closed.png"), animations="disabled")
    await page.get_by_test_id("launcher").click()
    panel = page.get_by_test_id("panel")
    await expect(panel).to_be_visible()
    await page.wait_for_timeout(300)  # the opening slide
    box = await panel.bounding_box()
    assert {k: round(v) for k, v in box.items()} == {"x": 0, "y": 0, "width": 360, "height": 740}
    await expect(page.get_by_test_id("launcher")).to_be_hidden()  # the header's minimise button closes it
    # 16-px inputs: phones do not zoom in on focus.
    assert await page.get_by_test_id("prechat-message").evaluate("el => getComputedStyle(el).fontSize") == "16px"
    await page.screenshot(path=str(artifacts / "widget-360-form.png"), animations="disabled")
    await page.get_by_test_id("prechat-name").fill("Petra")
    await page.get_by_test_id("prechat-message").fill("Hi! Is the sale still on tomorrow?")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("queue-status")).to_be_visible()
    await page.get_by_test_id("composer-input").fill("I'm looking at the Trail Runner 3 in size 38.")
    await page.get_by_test_id("composer-input").press("Enter")
    await expect(bubbles(page, "visitor")).to_have_count(2)
    await page.screenshot(path=str(artifacts / "widget-360-chat.png"), animations="disabled")
    await page.get_by_test_id("minimise").click()
    await expect(panel).to_be_hidden()
    await expect(page.get_by_test_id("launcher")).to_be_visible()
    assert host.errors == []


async def test_opening_the_panel_never_pulls_the_focus_out_of_a_field_being_typed_in(live_server, shop):
    """The panel focuses its first field a moment after opening; a visitor who already clicked into
    another field keeps typing there (the text used to land in the Name field)."""
    page = (await shop(live_server.url)).page
    await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-email").press_sequentially("jana@example.sk", delay=25)
    await expect(page.get_by_test_id("prechat-email")).to_have_value("jana@example.sk")
    await expect(page.get_by_test_id("prechat-name")).to_have_value("")
