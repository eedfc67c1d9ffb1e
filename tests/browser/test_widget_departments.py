"""Departments in the widget: a picker of those shown in the widget, or one preset by the page's script tag."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from chat_server.departments import Department, PriorityRule
from tests.helpers import eventually

from .widget_host import bubbles

pytestmark = pytest.mark.browser

ALWAYS_CLOSED = tuple((day, ()) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
DEPARTMENTS = (
    Department("support", "Support"),
    Department("sales", "Sales", hours=ALWAYS_CLOSED, answer_within_h=8),
    Department("internal", "Internal", show_in_widget=False),
)


async def only_conversation(server):
    async def find():
        ids = await server.store.list_queued_ids() or [c.id for c in await server.store.list_offline(())]
        return ids
    [conversation_id] = await eventually(find)
    return await server.store.get_conversation(conversation_id, with_messages=True)


async def test_picker_offers_shown_departments_and_marks_closed_ones(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(departments=DEPARTMENTS))
    host = await shop(server.url, timezone_id="Europe/Bratislava", title="Checkout · Shop")
    page = host.page
    await page.get_by_test_id("launcher").click()
    picker = page.get_by_label("Department", exact=True)
    await expect(picker.locator("option")).to_have_text(["Support", "Sales · leave a message"])
    await expect(picker).to_have_value("support")
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "chat")

    # Choosing a closed department turns the form into a leave-a-message form, and back.
    await picker.select_option("sales")
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "away")
    await expect(page.get_by_test_id("email-hint")).to_be_visible()
    await page.screenshot(path=str(artifacts / "widget-departments-away.png"), animations="disabled")
    await picker.select_option("support")
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "chat")
    await page.screenshot(path=str(artifacts / "widget-departments.png"), animations="disabled")

    await page.get_by_label("Message", exact=True).fill("Can I change my delivery address?")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("queue-status")).to_be_visible()
    conversation = await only_conversation(server)
    assert conversation.department == "support" and conversation.language == "en"
    assert conversation.page_title == "Checkout · Shop"
    assert conversation.visitor_timezone == "Europe/Bratislava"
    assert conversation.page_url == host.url and conversation.priority == 1
    assert host.errors == []


async def test_script_tag_presets_department_language_and_vip(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(
        departments=DEPARTMENTS, priority_rules=(PriorityRule(when="vip", priority=5),)))
    host = await shop(server.url, attrs={"data-department": "sales", "data-vip": "true", "data-language": "sk"})
    page = host.page
    await page.get_by_test_id("launcher").click()
    # No picker; Sales is closed, so a leave-a-message form, in Slovak.
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "away")
    await expect(page.get_by_test_id("prechat-department")).to_be_hidden()
    await expect(page.get_by_test_id("away-notice")).to_contain_text("Momentálne nie sme online")
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Odoslať správu")
    await page.get_by_test_id("prechat-email").fill("jana@example.sk")
    await page.get_by_test_id("prechat-message").fill("Dobrý deň, máte veľkoobchodné ceny?")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("offline-confirmation")).to_contain_text("Ďakujeme!")
    await expect(page.get_by_test_id("offline-confirmation")).to_contain_text("jana@example.sk")
    await expect(bubbles(page, "system")).to_contain_text(["do 8 hodín"])
    conversation = await only_conversation(server)
    assert conversation.status == "offline" and conversation.department == "sales"
    assert conversation.language == "sk" and conversation.priority == 5
    await page.screenshot(path=str(artifacts / "widget-preset-sk-offline.png"), animations="disabled")
    assert host.errors == []


async def test_a_preset_open_department_starts_a_chat_without_picker(settings, server_factory, shop):
    server = await server_factory(settings.replace(departments=DEPARTMENTS))
    page = (await shop(server.url, attrs={"data-department": "support"})).page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "chat")
    await expect(page.get_by_test_id("prechat-department")).to_be_hidden()
    await page.get_by_test_id("prechat-message").fill("Hi")
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("queue-status")).to_be_visible()
    conversation = await only_conversation(server)
    assert conversation.department == "support" and conversation.priority == 1
