"""The post-chat survey on the site's scale: three levels (bad / okay / good) and thumbs, localised."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.helpers import cid, eventually

pytestmark = pytest.mark.browser


async def chat_then_agent_closes(server, page, text: str):
    anna = await server.create_agent(name="Anna")
    console = await server.agent_peer(anna)
    await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-message").fill(text)
    await page.get_by_test_id("prechat-submit").click()
    conversation_id = (await console.next("chat:assigned"))["conversation"]["id"]
    await console.call("message:send", {"conversation_id": conversation_id, "text": "Done!", "client_id": cid()})
    await expect(page.get_by_test_id("composer-input")).to_be_focused()
    assert (await console.call("chat:close", {"conversation_id": conversation_id}))["ok"]
    return conversation_id


async def stored_rating(server, conversation_id: str):
    async def rated():
        conversation = await server.store.get_conversation(conversation_id)
        return conversation.rating if conversation else None
    return await eventually(rated)


async def test_three_level_survey(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(rating_scale="three"))
    host = await shop(server.url)
    page = host.page
    conversation_id = await chat_then_agent_closes(server, page, "Can I return worn shoes?")

    survey = page.get_by_test_id("rating")
    await expect(survey).to_contain_text("How was your chat?")
    choices = page.get_by_test_id("rating-choices").get_by_role("button")
    await expect(choices).to_have_text(["Bad", "Okay", "Good"])
    await expect(page.get_by_test_id("rating-star-1")).to_have_count(0)
    # The focus was in the composer, which is gone: it moves to the survey, not to the page.
    await expect(page.get_by_test_id("rating-bad")).to_be_focused()
    await expect(page.get_by_test_id("live-region")).to_contain_text("The chat has ended")
    await expect(page.get_by_test_id("rating-submit")).to_be_disabled()
    await page.get_by_test_id("rating-good").click()
    await expect(page.get_by_test_id("rating-good")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("rating-okay")).to_have_attribute("aria-pressed", "false")
    await page.get_by_test_id("rating-comment").fill("Clear answer, thanks")
    await page.screenshot(path=str(artifacts / "widget-rating-three.png"), animations="disabled")
    await page.get_by_test_id("rating-submit").click()
    await expect(page.get_by_test_id("rating-thanks")).to_contain_text("Thank you for your feedback!")
    await expect(page.get_by_test_id("new-chat")).to_be_focused()
    rating = await stored_rating(server, conversation_id)
    assert (rating.scale, rating.score, rating.comment) == ("three", 5, "Clear answer, thanks")
    assert host.errors == []


async def test_thumbs_survey_in_slovak_chosen_with_the_keyboard(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(rating_scale="thumbs"))
    host = await shop(server.url, locale="sk-SK")
    page = host.page
    conversation_id = await chat_then_agent_closes(server, page, "Dobrý deň!")
    await expect(page.get_by_test_id("rating")).to_contain_text("Pomohli sme vám?")
    await expect(page.get_by_test_id("rating-choices").get_by_role("button")).to_have_text(["Áno", "Nie"])
    await expect(page.get_by_test_id("rating-up")).to_be_focused()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("rating-down")).to_have_attribute("aria-pressed", "true")
    await page.screenshot(path=str(artifacts / "widget-rating-thumbs-sk.png"), animations="disabled")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.get_by_test_id("rating-submit")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("rating-thanks")).to_contain_text("Ďakujeme za spätnú väzbu!")
    rating = await stored_rating(server, conversation_id)
    assert (rating.scale, rating.score) == ("thumbs", 1)


async def test_stars_after_coming_back(settings, server_factory, shop, artifacts):
    """A visitor who left before rating gets the survey on the next visit (the session carries the chat)."""
    server = await server_factory(settings)
    host = await shop(server.url, locale="ru-RU")
    conversation_id = await chat_then_agent_closes(server, host.page, "Здравствуйте!")
    await expect(host.page.get_by_test_id("rating-star-5")).to_be_visible()
    await host.page.close()
    page = await host.new_page()
    await expect(page.get_by_test_id("rating")).to_contain_text("Как мы справились?")
    await page.get_by_test_id("rating-star-4").click()
    await expect(page.locator(".star.on")).to_have_count(4)
    await page.screenshot(path=str(artifacts / "widget-rating-stars-ru.png"), animations="disabled")
    await page.get_by_test_id("rating-submit").click()
    await expect(page.get_by_test_id("rating-thanks")).to_contain_text("Спасибо за отзыв!")
    assert (await stored_rating(server, conversation_id)).score == 4
