"""The widget speaks the visitor's language: detected from the browser, set by the page, switched by the
visitor; Russian and Slovak with their plural forms."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from .widget_host import push_queue_update

pytestmark = pytest.mark.browser


async def start_chat(page, text: str) -> None:
    if await page.get_by_test_id("launcher").get_attribute("aria-expanded") != "true":
        await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-message").fill(text)
    await page.get_by_test_id("prechat-submit").click()
    await expect(page.get_by_test_id("queue-status")).to_be_visible()


async def test_slovak_from_the_browser_locale(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(default_handle_time_s=120))
    host = await shop(server.url, locale="sk-SK")
    page = host.page
    await expect(page.get_by_test_id("launcher")).to_have_attribute("aria-label", "Otvoriť chat")
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("panel")).to_have_attribute("aria-label", "Chat s Acme Support")
    await expect(page.get_by_test_id("widget-subtitle")).to_have_text("Zvyčajne odpovedáme do pár minút")
    await expect(page.get_by_label("Meno (nepovinné)", exact=True)).to_be_visible()
    await expect(page.get_by_test_id("prechat-message")).to_have_attribute("placeholder", "Ako vám môžeme pomôcť?")
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Začať chat")
    await expect(page.get_by_test_id("language-switch")).to_have_value("sk")
    await page.screenshot(path=str(artifacts / "widget-sk-prechat.png"), animations="disabled")

    await start_chat(page, "Dobrý deň, kedy mi príde objednávka?")
    line = page.get_by_test_id("queue-status").locator(".q1")
    await expect(line).to_have_text("Ste 1. v poradí · približne 2 minúty")
    [conversation_id] = await server.chat.queue.statuses()
    assert (await server.store.get_conversation(conversation_id)).language == "sk"
    for position, wait_s, words in [(1, 30, "menej ako minúta"), (2, 60, "približne 1 minúta"),
                                    (3, 240, "približne 4 minúty"), (4, 300, "približne 5 minút"),
                                    (12, 1320, "približne 22 minút")]:
        await push_queue_update(server, line, f"Ste {position}. v poradí · {words}", position=position, wait_s=wait_s)
    await expect(page.get_by_test_id("composer-input")).to_have_attribute("placeholder", "Napíšte správu…")
    await expect(page.get_by_test_id("end-chat")).to_have_text("Ukončiť chat")
    await page.screenshot(path=str(artifacts / "widget-sk-queue.png"), animations="disabled")
    assert host.errors == []


async def test_russian_plurals_and_switching_language(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(default_handle_time_s=300))
    host = await shop(server.url, locale="ru-RU")
    page = host.page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Начать чат")
    await expect(page.get_by_test_id("prechat")).to_contain_text("Здравствуйте!")
    await page.screenshot(path=str(artifacts / "widget-ru-prechat.png"), animations="disabled")
    await start_chat(page, "Здравствуйте! Есть ли доставка в Казань?")
    line = page.get_by_test_id("queue-status").locator(".q1")
    await expect(line).to_have_text("Ваш номер в очереди: 1 · примерно 5 минут")
    for minutes, words in [(1, "примерно 1 минута"), (2, "примерно 2 минуты"), (11, "примерно 11 минут"),
                           (21, "примерно 21 минута"), (22, "примерно 22 минуты"), (25, "примерно 25 минут")]:
        await push_queue_update(server, line, f"Ваш номер в очереди: 2 · {words}", position=2, wait_s=minutes * 60)
    await expect(page.get_by_test_id("live-region")).to_contain_text("Ваш номер в очереди: 2")
    await page.screenshot(path=str(artifacts / "widget-ru-queue.png"), animations="disabled")
    # The survey is localised too (the stars' names have plural forms).
    await expect(page.get_by_test_id("rating-star-1")).to_have_attribute("aria-label", "1 звезда")
    await expect(page.get_by_test_id("rating-star-3")).to_have_attribute("aria-label", "3 звезды")
    await expect(page.get_by_test_id("rating-star-5")).to_have_attribute("aria-label", "5 звёзд")

    # The visitor switches to English: everything follows, and the choice sticks across visits.
    await page.get_by_test_id("language-switch").select_option("en")
    await expect(line).to_have_text(re.compile(r"^You are number 2 in line · about 25 minutes$"))
    await expect(page.get_by_test_id("composer-input")).to_have_attribute("placeholder", "Type a message…")
    await expect(page.get_by_test_id("rating-star-5")).to_have_attribute("aria-label", "5 stars")
    again = await host.new_page()
    await expect(again.get_by_test_id("language-switch")).to_have_value("en")
    await expect(again.get_by_test_id("minimise")).to_have_attribute("aria-label", "Minimise chat")
    assert host.errors == []


async def test_page_attribute_beats_browser_and_unknown_languages_fall_back(settings, server_factory, shop):
    server = await server_factory(settings.replace(languages=("en", "sk"), default_language="sk"))
    # The page asks for Russian, which this site does not offer: the browser's English is next.
    page = (await shop(server.url, attrs={"data-language": "ru"}, locale="en-GB")).page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Start chat")
    await expect(page.get_by_test_id("language-switch").locator("option")).to_have_text(["English", "Slovenčina"])
    # German browser, nothing set by the page: the site's default language.
    page = (await shop(server.url, locale="de-DE")).page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Začať chat")
    # The page's choice wins over the browser's.
    page = (await shop(server.url, attrs={"data-language": "sk"}, locale="en-US")).page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat-submit")).to_have_text("Začať chat")
