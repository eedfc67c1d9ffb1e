"""Waiting in line: the position and the estimate follow the line live (queue:line, queue:update), in words a person would use."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from .widget_host import push_queue_update

pytestmark = pytest.mark.browser

ESTIMATE = re.compile(r"· (about \d+ minutes?|less than a minute)$")


async def test_position_and_estimate_update_live(settings, server_factory, shop, artifacts):
    server = await server_factory(settings.replace(default_handle_time_s=120))
    # Someone else is already waiting.
    first = await server.visitor()
    await first.next("session")
    assert (await first.call("chat:start", {"text": "I was here first"}))["ok"]

    host = await shop(server.url)
    page = host.page
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("prechat")).to_have_attribute("data-mode", "chat")
    await page.get_by_label("Message", exact=True).fill("Where is my parcel?")
    await page.get_by_test_id("prechat-submit").click()
    line = page.get_by_test_id("queue-status")
    await expect(line).to_contain_text("You are number 2 in line · about 4 minutes")
    await expect(page.get_by_test_id("widget-subtitle")).to_have_text("An agent will be with you shortly")
    await page.screenshot(path=str(artifacts / "widget-queue-2.png"), animations="disabled")

    # One agent with one slot comes online and takes the first visitor: this one moves up, live
    # (the widget counts its place in the next queue:line).
    anna = await server.create_agent(name="Anna", capacity=1)
    console = await server.agent_peer(anna)
    await console.next("chat:assigned")
    await expect(line).to_contain_text("You are number 1 in line · about 2 minutes")
    await expect(page.get_by_test_id("live-region")).to_contain_text("You are number 1 in line")
    text = await page.get_by_test_id("queue-status").locator(".q1").inner_text()
    assert ESTIMATE.search(text) and "0 minutes" not in text

    # The first chat ends; the agent's slot goes to this visitor.
    await console.call("chat:close", {"conversation_id": (await _first_id(server))})
    await expect(line).to_be_hidden()
    await expect(page.get_by_test_id("widget-subtitle")).to_have_text("You're chatting with Anna")
    assert host.errors == []


async def test_estimates_in_words_never_zero_minutes(live_server, shop):
    page = (await shop(live_server.url)).page
    await page.get_by_test_id("launcher").click()
    await page.get_by_label("Message", exact=True).fill("Quick question")
    await page.get_by_label("Message", exact=True).press("Enter")
    line = page.get_by_test_id("queue-status").locator(".q1")
    await expect(line).to_have_text(re.compile("You are number 1 in line"))
    for wait_s, words in [(0, "less than a minute"), (59, "less than a minute"), (60, "about 1 minute"),
                          (89, "about 1 minute"), (150, "about 3 minutes"), (3600, "about 60 minutes")]:
        await push_queue_update(live_server, line, f"You are number 3 in line · {words}", position=3, wait_s=wait_s)


async def _first_id(server) -> str:
    [conversation] = await server.store.list_open_for_agent((await server.store.list_agents())[0].id)
    return conversation.id


async def test_a_chat_started_before_the_socket_client_loaded_still_starts(live_server, shop):
    """A quick visitor on a slow network: the start waits for socket.io-client instead of failing."""
    anna = await live_server.create_agent(name="Anna")
    console = await live_server.agent_peer(anna)
    host = await shop(live_server.url, client_delay_s=2)
    page = host.page
    await page.get_by_test_id("launcher").click()
    await page.get_by_test_id("prechat-message").fill("Hello, is anyone there?")
    await page.get_by_test_id("prechat-submit").click()
    assert await page.evaluate("typeof window.io") == "undefined"  # it really was early
    assigned = await console.next("chat:assigned", timeout=20)
    assert assigned["conversation"]["messages"][0]["text"] == "Hello, is anyone there?"
    await expect(page.get_by_test_id("composer-input")).to_be_visible()
    assert host.errors == []
