"""Managers' team pages in Chromium: live supervision and account administration."""

from __future__ import annotations

import re
import time
from typing import Any

import aiohttp
import pytest
from playwright.async_api import expect

from chat_server.app import sweep_once
from chat_server.clock import FakeClock

from .console_helpers import PASSWORD, Watch, agent_account, new_page, sign_in, visitor_chat

pytestmark = pytest.mark.browser


async def test_supervision_updates_live_as_visitors_queue_and_agents_work(
    settings: Any, server_factory: Any, browser: Any, artifacts: Any
) -> None:
    clock = FakeClock(time.time())
    server = await server_factory(settings, clock=clock)
    await agent_account(server, "Boss", role="manager")
    anna = await agent_account(server, "Anna", capacity=1)
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, server.url, "boss@example.com", online=False, path="/manage/supervision")
    await expect(page.get_by_test_id("live")).to_have_text("Live")
    await expect(page.get_by_test_id("waiting-table")).to_contain_text("Nobody is waiting.")
    await expect(page.get_by_test_id("nav-supervision")).to_have_attribute("aria-current", "page")

    # A visitor joins the queue: the page hears it on the socket and shows them with a ticking wait.
    _, maria_id = await visitor_chat(server, "Maria", "Is anyone there?")
    row = page.locator(f'[data-testid="waiting-row"][data-conversation-id="{maria_id}"]')
    await expect(row).to_contain_text("Maria")
    await expect(row).to_contain_text("general")
    await expect(page.get_by_test_id("waiting-count")).to_have_text("1")
    await expect(row.get_by_test_id("waited")).to_have_text(re.compile(r"^\d+s$"))

    # Past the department's limit (300 s): flagged and highlighted.
    clock.advance(301)
    await sweep_once(server.app)
    await expect(row).to_have_class("is-breached")
    await expect(row).to_contain_text("Over the limit")
    await expect(page.get_by_test_id("sla-count")).to_have_text("1")
    await page.screenshot(path=str(artifacts / "supervision-waiting.png"), full_page=True)

    # Anna comes online and takes Maria: the chat moves to "in progress", Anna's load shows.
    console = await server.agent_peer(anna, password=PASSWORD)
    await console.next("chat:assigned")
    await expect(row).to_have_count(0)
    active = page.locator(f'[data-testid="active-row"][data-conversation-id="{maria_id}"]')
    await expect(active).to_contain_text("Anna")
    await expect(active.get_by_test_id("watch-link")).to_have_attribute("href", f"/console?watch={maria_id}")
    agent = page.locator(f'[data-testid="agent-row"][data-agent-id="{anna.id}"]')
    await expect(agent).to_contain_text("online")
    await expect(agent).to_contain_text("1/1")
    await expect(page.get_by_test_id("online-count")).to_have_text("1")
    await page.screenshot(path=str(artifacts / "supervision-active.png"), full_page=True)
    watch.assert_clean()


async def test_agents_cannot_open_the_team_pages(live_server: Any, browser: Any) -> None:
    await agent_account(live_server, "Anna")
    page = await new_page(browser)
    await sign_in(page, live_server.url, "anna@example.com", online=False)
    for path in ("/manage/supervision", "/manage/agents"):
        response = await page.goto(live_server.url + path)
        assert response is not None and response.status == 403
        await expect(page.locator("h1")).to_have_text("Managers only")
    await page.goto(live_server.url + "/console")
    await expect(page.get_by_test_id("nav-supervision")).to_have_count(0)


async def login_status(base_url: str, email: str, password: str) -> int:
    async with aiohttp.ClientSession() as http, http.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": password}
    ) as r:
        return r.status


async def test_manager_adds_edits_resets_and_disables_accounts(live_server: Any, browser: Any, artifacts: Any) -> None:
    await agent_account(live_server, "Boss", role="manager")
    await agent_account(live_server, "Anna")
    page = await new_page(browser)
    watch = Watch(page)
    await sign_in(page, live_server.url, "boss@example.com", online=False, path="/manage/agents")
    rows = page.get_by_test_id("account-row")
    await expect(rows).to_have_count(2)
    me = page.locator('[data-testid="account-row"][data-email="boss@example.com"]')
    await expect(me.get_by_test_id("disable-agent")).to_have_count(0)  # never yourself

    # Add Ben: two departments, three chats at once.
    await page.get_by_test_id("add-agent").click()
    await page.get_by_test_id("agent-name").fill("Ben")
    await page.get_by_test_id("agent-email").fill("ben@example.com")
    await page.get_by_test_id("agent-password").fill("short")
    await page.get_by_test_id("agent-save").click()
    await expect(page.get_by_test_id("agent-error")).to_contain_text("8 to 1024 characters")
    await page.get_by_test_id("agent-password").fill("ben's secret pass")
    await page.get_by_test_id("agent-capacity").fill("3")
    await page.get_by_test_id("agent-departments").fill("general, billing")
    await page.get_by_test_id("agent-save").click()
    ben = page.locator('[data-testid="account-row"][data-email="ben@example.com"]')
    await expect(ben).to_contain_text("billing")
    await expect(ben.get_by_test_id("capacity")).to_have_text("3")
    assert await login_status(live_server.url, "ben@example.com", "ben's secret pass") == 200

    # Make Ben a manager with five chats at once; a taken email is refused.
    await ben.get_by_test_id("edit-agent").click()
    await page.get_by_test_id("agent-role").select_option("manager")
    await page.get_by_test_id("agent-capacity").fill("5")
    await page.get_by_test_id("agent-save").click()
    await expect(ben.get_by_test_id("role")).to_have_text("Manager")
    await expect(ben.get_by_test_id("capacity")).to_have_text("5")
    await page.get_by_test_id("add-agent").click()
    await page.get_by_test_id("agent-name").fill("Anna again")
    await page.get_by_test_id("agent-email").fill("anna@example.com")
    await page.get_by_test_id("agent-password").fill("another password")
    await page.get_by_test_id("agent-save").click()
    await expect(page.get_by_test_id("agent-error")).to_be_visible()
    await page.keyboard.press("Escape")

    # Reset Anna's password: the old one stops working, the new one works.
    anna = page.locator('[data-testid="account-row"][data-email="anna@example.com"]')
    await anna.get_by_test_id("reset-password").click()
    await page.get_by_test_id("new-password").fill("a brand new password")
    await page.get_by_test_id("password-save").click()
    await expect(page.get_by_test_id("notice")).to_contain_text("password was changed")
    assert await login_status(live_server.url, "anna@example.com", PASSWORD) == 401
    assert await login_status(live_server.url, "anna@example.com", "a brand new password") == 200

    # Disable Anna (confirmed in a dialog), then re-enable her.
    await anna.get_by_test_id("disable-agent").click()
    await expect(page.get_by_test_id("confirm-dialog")).to_contain_text("Disable Anna?")
    await page.get_by_test_id("confirm-ok").click()
    await expect(anna.get_by_test_id("account-status")).to_have_text("Disabled")
    assert await login_status(live_server.url, "anna@example.com", "a brand new password") == 401
    await page.screenshot(path=str(artifacts / "manage-agents.png"), full_page=True)
    await anna.get_by_test_id("enable-agent").click()
    await expect(anna.get_by_test_id("account-status")).to_have_text("Active")
    assert await login_status(live_server.url, "anna@example.com", "a brand new password") == 200
    watch.assert_clean()
