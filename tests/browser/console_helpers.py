"""Shared steps for the console's browser tests: agents signing in, socket visitors starting chats."""

from __future__ import annotations

from typing import Any

import aiohttp
from playwright.async_api import Browser, Page, expect

from ..helpers import Peer, cid

PASSWORD = "correct horse battery"
TIMEOUT_MS = 10_000
CHROME_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
             " Chrome/124.0.0.0 Safari/537.36")


class Watch:
    """Uncaught page errors and dialogs (an XSS would open one) of one page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        async def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            await dialog.dismiss()

        page.on("dialog", on_dialog)

    def assert_clean(self) -> None:
        assert self.errors == [] and self.dialogs == [], (self.errors, self.dialogs)


async def new_page(browser: Browser, width: int = 1440, height: int = 860) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


async def sign_in(page: Page, base_url: str, email: str, *, online: bool = True, path: str = "/console") -> None:
    await page.goto(base_url + "/console")
    await page.get_by_test_id("login-email").fill(email)
    await page.get_by_test_id("login-password").fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("status-select")).to_be_visible()
    if path != "/console":
        await page.goto(base_url + path)
    if online:
        await page.get_by_test_id("status-select").select_option("online")
        await expect(page.get_by_test_id("status-select")).to_have_value("online")


async def agent_account(server: Any, name: str, role: str = "agent", capacity: int | None = None) -> Any:
    return await server.create_agent(email=f"{name.lower()}@example.com", name=name, password=PASSWORD, role=role,
                                     capacity=capacity)


async def visitor_chat(server: Any, name: str, text: str, **extra: Any) -> tuple[Peer, str]:
    """A visitor (a real Socket.IO client with a desktop Chrome user agent) starts a chat."""
    peer = Peer(server.url, "/visitor")
    server.peers.append(peer)
    await peer.connect(None, headers={"User-Agent": CHROME_UA})
    await peer.next("session")
    payload = {"text": text, "name": name, "client_id": cid(), "page_url": "https://shop.example.com/backpacks/trail-30",
               "page_title": "Trail 30 backpack — Example Shop", "timezone": "Europe/Bratislava", **extra}
    ack = await peer.call("chat:start", payload)
    assert ack["ok"], ack
    return peer, ack["conversation_id"]


async def say(peer: Peer, conversation_id: str, text: str) -> None:
    ack = await peer.call("message:send", {"conversation_id": conversation_id, "text": text, "client_id": cid()})
    assert ack["ok"], ack


async def api(server: Any, email: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/api/auth/login", json={"email": email, "password": PASSWORD}) as r:
            token = (await r.json())["token"]
        async with http.request(method, server.url + path, json=body,
                                headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status, await r.json()
