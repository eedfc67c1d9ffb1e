"""Browser: the reports page with real data (screenshot), the live dashboard updating when a chat
starts, and a manager's quality review reaching the agent."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from chat_server.clock import FakeClock

from .report_data import Chat, insert, ts
from .test_reports import T0

pytestmark = pytest.mark.browser


async def signed_in_page(browser, server, agent, *, width=1400, height=1000):
    context = await browser.new_context(
        viewport={"width": width, "height": height}, timezone_id="Europe/Bratislava"
    )
    await context.add_cookies(
        [{"name": "chat_session", "value": await server.token_for(agent), "url": server.url}]
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


async def seed_week(server):
    names = ["Anna Novak", "Boris Kral", "Chloe Martin"]
    agents = [await server.create_agent(name=n) for n in names]
    chats = []
    for day in range(7):
        base = T0 + day * 86400
        for i in range(3 + day % 3 + (2 if day in (2, 4) else 0)):
            a = agents[(day + i) % 3].id
            start = base + i * 1800
            wait = 20 + (i * 37 + day * 11) % 150
            rating = (
                (5, 4, 5, 2, 3, 5, 1)[(i + day) % 7],
                "Thanks, quick and clear!" if i == 1 else None,
                "stars5",
            )
            chats.append(
                Chat(
                    start,
                    [(a, start + wait)],
                    [(a, start + wait + 15 + i * 7)],
                    start + wait + 420 + i * 60,
                    "agent",
                    rating if (i + day) % 4 else None,
                )
            )
        chats.append(Chat(base + 7000, [], [], base + 7200, "visitor"))  # one abandoned a day
    await insert(server.store, chats)
    return agents


async def test_reports_page_shows_figures_chart_and_csv_links(settings, server_factory, browser, artifacts):
    server = await server_factory(settings, FakeClock(ts("2026-03-09T09:00:00")))
    await seed_week(server)
    mia = await server.create_agent(name="Mia Manager", role="manager")
    page, errors = await signed_in_page(browser, server, mia)
    await page.goto(f"{server.url}/manage/reports?from=2026-03-02&to=2026-03-08&tz=UTC")
    await page.wait_for_selector("body[data-loaded='true']")
    rows = page.locator("[data-testid=agents-table] tbody tr")
    assert await rows.count() == 4  # three agents and the manager
    assert "Anna Novak" in await page.locator("[data-testid=agents-table]").inner_text()
    assert await page.locator("[data-testid=chart-daily] canvas").count() == 1
    assert "Thanks, quick and clear!" in await page.locator("[data-testid=comments]").inner_text()
    href = await page.locator("[data-testid=csv-agents]").get_attribute("href")
    assert href.startswith("/api/reports/agents?") and "format=csv" in href and "tz=UTC" in href
    await page.screenshot(path=str(artifacts / "reports-page.png"), full_page=True)

    # A bad time zone shows the server's message instead of stale figures.
    await page.fill("[data-testid=tz]", "Mars/Base")
    await page.click("[data-testid=apply]")
    await page.wait_for_selector("[data-testid=report-error]:not([hidden])")
    assert "time zone" in await page.locator("[data-testid=report-error]").inner_text()
    assert not [e for e in errors if "400" not in e], errors


async def test_an_agent_sees_only_their_own_row(settings, server_factory, browser, artifacts):
    server = await server_factory(settings, FakeClock(ts("2026-03-09T09:00:00")))
    agents = await seed_week(server)
    page, errors = await signed_in_page(browser, server, agents[0], width=1200)
    await page.goto(f"{server.url}/manage/reports?from=2026-03-02&to=2026-03-08&tz=UTC")
    await page.wait_for_selector("body[data-loaded='true']")
    assert await page.locator("[data-testid=agents-table] tbody tr").count() == 1
    assert await page.locator("[data-testid=departments-table]").count() == 0
    assert await page.locator("[data-testid=nav-dashboard]").count() == 0
    await page.screenshot(path=str(artifacts / "reports-agent.png"), full_page=True)
    assert not errors, errors
    response = await page.goto(f"{server.url}/manage/dashboard")
    assert response.status == 403


async def test_dashboard_updates_when_a_chat_starts(live_server, browser, artifacts):
    mia = await live_server.create_agent(name="Mia Manager", role="manager")
    anna = await live_server.create_agent(name="Anna Novak", capacity=3)
    await live_server.agent_peer(anna)
    page, errors = await signed_in_page(browser, live_server, mia, width=1280, height=760)
    await page.goto(f"{live_server.url}/manage/dashboard")
    await page.wait_for_selector("[data-testid=live][data-state=live]")
    await expect(page.locator("[data-testid=agents-online]")).to_have_text("1")
    assert await page.locator("[data-testid=chats-today]").inner_text() == "0"

    visitor = await live_server.visitor()
    await visitor.next("session")
    assert (await visitor.call("chat:start", {"text": "Hello, my order is late"}))["ok"]
    await expect(page.locator("[data-testid=chats-today]")).to_have_text("1")
    assert "1 / 3" in await page.locator("[data-testid=dashboard-agents]").inner_text()

    # No agent free now: the next visitor waits, and the tile shows it.
    await live_server.presence.set_agent_status(anna, "away")
    second = await live_server.visitor()
    await second.next("session")
    assert (await second.call("chat:start", {"text": "Is anyone there?"}))["ok"]
    await expect(page.locator("[data-testid=waiting]")).to_have_text("1")
    await page.screenshot(path=str(artifacts / "dashboard.png"))
    assert not errors, errors


async def test_a_manager_scores_a_sampled_chat_and_the_agent_reads_it(
    settings, server_factory, browser, artifacts
):
    server = await server_factory(settings.replace(qa_sample_size=2), FakeClock(ts("2026-03-10T09:00:00")))
    agents = await seed_week(server)
    mia = await server.create_agent(name="Mia Manager", role="manager")
    page, errors = await signed_in_page(browser, server, mia, width=1280, height=900)
    await page.goto(f"{server.url}/manage/qa")
    await expect(page.locator("[data-testid=qa-period]")).to_have_text("2 Mar 2026 – 8 Mar 2026")
    items = page.locator(".qa-item")
    assert await items.count() == 6  # two of each agent's closed chats
    await items.first.click()
    await expect(page.locator("[data-testid=qa-transcript]")).to_contain_text("Hello, I need help")
    for key in ("greeting", "understanding_the_request", "positive_language", "solution", "timeline_given"):
        await page.locator(f"input[name={key}][value='2']").check()
    await page.locator("input[name=summary][value='1']").check()
    await expect(page.locator("#total")).to_have_text("11 / 12 points")
    await page.fill("#comment", "Warm greeting. <b>Summarise</b> the next steps before closing.")
    await page.click("[data-testid=qa-save]")
    await expect(page.locator(".qa-item").first).to_contain_text("92%")
    await page.screenshot(path=str(artifacts / "quality-review.png"))
    assert not errors, errors

    reviewed = await items.first.get_attribute("data-agent")
    agent = next(a for a in agents if a.id == reviewed)
    agent_page, agent_errors = await signed_in_page(browser, server, agent, width=1200)
    await agent_page.goto(f"{server.url}/manage/reports?from=2026-03-02&to=2026-03-08&tz=UTC")
    await agent_page.wait_for_selector("body[data-loaded='true']")
    feedback = agent_page.locator("[data-testid=feedback]")
    await expect(feedback).to_contain_text("<b>Summarise</b> the next steps")  # shown as text, not markup
    await expect(feedback).to_contain_text("Summary 1/2")
    assert not agent_errors, agent_errors


async def test_widget_rates_on_the_three_level_scale_after_the_next_visit(settings, server_factory, browser, artifacts):
    server = await server_factory(settings.replace(rating_scale="three"))
    anna = await server.create_agent(name="Anna Novak")
    console = await server.agent_peer(anna)
    context = await browser.new_context(viewport={"width": 1200, "height": 800})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{server.url}/")
    await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-name").fill("Maria")
    await page.get_by_test_id("prechat-message").fill("My parcel is late")
    await page.get_by_test_id("prechat-submit").click()
    conversation_id = (await console.next("chat:assigned"))["conversation"]["id"]
    await page.close()  # the visitor leaves before the chat ends

    assert (await console.call("chat:close", {"conversation_id": conversation_id}))["ok"]
    page = await context.new_page()  # the next visit: same browser, same stored token
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{server.url}/")  # the widget reopens by itself, showing the survey
    await expect(page.get_by_test_id("rating-good")).to_be_visible()
    assert await page.get_by_test_id("rating-star-5").count() == 0
    await page.get_by_test_id("rating-okay").click()
    await page.get_by_test_id("rating-good").click()
    await page.get_by_test_id("rating-comment").fill("Solved in the end")
    await page.screenshot(path=str(artifacts / "widget-three-level-rating.png"))
    await page.get_by_test_id("rating-submit").click()
    await expect(page.get_by_test_id("rating-thanks")).to_be_visible()
    rating = await server.store.get_rating(conversation_id)
    assert rating is not None and (rating.score, rating.scale, rating.comment) == (5, "three", "Solved in the end")
    assert not errors, errors
