"""The survey's extra question in the widget (360 px, localised, keyboard) and its answer in the report."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.test_reports_browser import signed_in_page

from .test_widget_rating import chat_then_agent_closes, stored_rating

pytestmark = pytest.mark.browser

REASON = {
    "key": "reason", "kind": "choice",
    "text": {"en": "What was it about?", "sk": "Čoho sa to týkalo?", "ru": "О чём был вопрос?"},
    "options": [
        {"value": "price", "text": {"en": "Price", "sk": "Cena", "ru": "Цена"}},
        {"value": "delivery", "text": {"en": "Delivery", "sk": "Doručenie"}},  # ru falls back to English
        {"value": "returns", "text": {"en": "Returns", "sk": "Vrátenie tovaru", "ru": "Возврат"}},
    ],
}
IMPROVE = {"key": "improve", "kind": "text", "text": {"en": "What could we improve?"}, "max_length": 200}


async def open_report(browser, server, artifacts, name):
    mia = await server.create_agent(name="Mia", role="manager")
    page, errors = await signed_in_page(browser, server, mia)
    await page.goto(f"{server.url}/manage/reports")
    await page.wait_for_selector("body[data-loaded='true']")
    await page.screenshot(path=str(artifacts / name), full_page=True)
    return page, errors


async def test_choice_question_in_slovak_at_360px_reaches_the_report(settings, server_factory, shop, browser, artifacts):
    server = await server_factory(settings.replace(
        survey_question={"key": "solved", "kind": "yes_no", "text": {"en": "Was your problem solved?"}},
        departments={"general": {"survey_question": REASON}},  # the department's own question wins
    ))
    host = await shop(server.url, locale="sk-SK", width=360, height=740)
    page = host.page
    conversation_id = await chat_then_agent_closes(server, page, "Kedy príde balík?")

    # The system line is in the chat's language too (services/system_lines.py).
    await expect(page.locator('[data-author-kind="system"]')).to_have_text(["Anna je teraz v chate."])
    group = page.get_by_role("group", name="Čoho sa to týkalo? (nepovinné)")
    await expect(group).to_be_visible()
    await expect(group.get_by_role("radio")).to_have_count(3)
    await page.get_by_test_id("rating-star-5").click()
    # Keyboard: Tab from the stars reaches the radio group; arrows move and choose within it.
    await page.get_by_role("radio", name="Cena").focus()
    await page.keyboard.press("Space")
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_role("radio", name="Doručenie")).to_be_checked()
    await expect(page.get_by_role("radio", name="Cena")).not_to_be_checked()
    await page.get_by_test_id("rating-comment").fill("Rýchla odpoveď")
    # The whole survey fits the 360 px panel: nothing wider than the card.
    card = await page.get_by_test_id("rating").bounding_box()
    opts = await page.get_by_test_id("survey-question").bounding_box()
    assert card and opts and opts["x"] >= card["x"] and opts["x"] + opts["width"] <= card["x"] + card["width"] + 0.5
    await page.screenshot(path=str(artifacts / "widget-survey-question-sk-360.png"), animations="disabled")

    await page.get_by_test_id("rating-submit").click()
    await expect(page.get_by_test_id("rating-thanks")).to_contain_text("Ďakujeme za spätnú väzbu!")
    rating = await stored_rating(server, conversation_id)
    assert (rating.score, rating.survey.key, rating.survey.answer, rating.survey.label) == (
        5, "reason", "delivery", "Delivery")
    assert host.errors == []

    report, errors = await open_report(browser, server, artifacts, "reports-survey-question.png")
    # Only the question a department asks now is listed (General overrides the site-wide one).
    await expect(report.locator("[data-testid=survey] h3")).to_have_text(["What was it about?"])
    table = report.get_by_test_id("survey-reason")
    await expect(table.locator("thead th")).to_have_text(["", "Answered", "Price", "Delivery", "Returns"])
    await expect(table.locator("tr[data-id]").filter(has_text="Anna").locator("td")).to_have_text(
        ["Anna", "1", "0", "1", "0"])
    await expect(table.locator("tr[data-id=general] td")).to_have_text(["General", "1", "0", "1", "0"])
    await expect(table.locator("tr[data-id=all] td")).to_have_text(["All departments", "1", "0", "1", "0"])
    comment = report.get_by_test_id("comments")
    await expect(comment).to_contain_text("What was it about? Delivery")
    await expect(comment).to_contain_text("Rýchla odpoveď")
    assert errors == []


async def test_written_answer_is_shown_escaped_in_the_report(settings, server_factory, shop, browser, artifacts):
    server = await server_factory(settings.replace(survey_question=IMPROVE))
    host = await shop(server.url, width=360, height=740)
    page = host.page
    conversation_id = await chat_then_agent_closes(server, page, "Hello")
    answer = page.get_by_label("What could we improve? (optional)")
    await expect(answer).to_have_attribute("maxlength", "200")
    await page.get_by_test_id("rating-star-4").click()
    written = '<img src=x onerror="window.pwned=1"> faster replies'
    await answer.fill(written)
    await page.screenshot(path=str(artifacts / "widget-survey-text-360.png"), animations="disabled")
    await page.get_by_test_id("rating-submit").click()
    await expect(page.get_by_test_id("rating-thanks")).to_be_visible()
    assert (await stored_rating(server, conversation_id)).survey.answer == written

    report, errors = await open_report(browser, server, artifacts, "reports-survey-text.png")
    await expect(report.get_by_test_id("survey-answer")).to_have_text(f"What could we improve? {written}")
    assert await report.evaluate("window.pwned") is None
    await expect(report.get_by_test_id("survey-improve").locator("tr[data-id=all] td")).to_have_text(
        ["All departments", "1"])
    assert errors == []
