"""A customer's website embedding the widget from the chat server: another origin (its own small server on
another loopback port), so the widget's cross-origin paths (config fetch, Socket.IO) are the real ones.
(A made-up public host name served by Playwright would be blocked by Chrome's private-network rules
from loading a script from 127.0.0.1.)"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from playwright.async_api import BrowserContext, Page, expect

TIMEOUT_MS = 10_000

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
  body {{ margin: 0; font: 16px/1.6 Georgia, serif; color: #1f2937; background: #fffdf8; }}
  nav {{ padding: 18px 24px; border-bottom: 1px solid #e5e7eb; font: 15px system-ui, sans-serif; }}
  nav a {{ margin-right: 18px; color: #374151; }}
  main {{ max-width: 720px; margin: 0 auto; padding: 32px 24px; }}
  h1 {{ font-size: 34px; margin: 0 0 12px; }}
</style></head>
<body>
  <nav><a href="#shoes">Shoes</a><a href="#help">Help</a></nav>
  <main><h1>Trail Runner 3</h1>
    <p>Light, grippy and ready for wet rocks. Free returns within 60 days.</p></main>
  <script src="{src}" {attrs} async></script>
</body></html>"""


@dataclass
class Host:
    context: BrowserContext
    page: Page
    url: str
    runner: web.AppRunner
    errors: list[str] = field(default_factory=list)

    async def new_page(self) -> Page:
        """Another tab (or a later visit) of the same browser: same localStorage, same visitor."""
        page = await self.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        await page.goto(self.url)
        return page

    async def close(self) -> None:
        await self.context.close()
        await self.runner.cleanup()


async def serve_page(body: str) -> tuple[web.AppRunner, str]:
    async def index(request: web.Request) -> web.Response:
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/"


async def open_host(
    browser: Any, server_url: str, *, attrs: dict[str, str] | None = None, locale: str = "en-US",
    width: int = 1280, height: int = 800, title: str = "Trail Runner 3 · Shop", timezone_id: str = "UTC",
    client_delay_s: float = 0,
) -> Host:
    """Open the shop page in a fresh browser context (its own localStorage: a new visitor)."""
    tag_attrs = " ".join(f'{k}="{html.escape(v)}"' for k, v in (attrs or {}).items())
    body = PAGE.format(title=html.escape(title), src=html.escape(server_url + "/widget.js"), attrs=tag_attrs)
    runner, url = await serve_page(body)
    context = await browser.new_context(
        locale=locale, timezone_id=timezone_id, viewport={"width": width, "height": height})
    if client_delay_s:  # a slow network: socket.io-client arrives late
        async def late(route: Any) -> None:
            await asyncio.sleep(client_delay_s)
            await route.continue_()

        await context.route("**/widget/vendor/socket.io.min.js", late)
    host = Host(context, await context.new_page(), url, runner)
    host.page.set_default_timeout(TIMEOUT_MS)
    host.page.on("pageerror", lambda exc: host.errors.append(str(exc)))
    # With a slow socket client, do not wait for the page's load event (the widget's script
    # insertion holds it back): the visitor is quicker than that.
    await host.page.goto(url, wait_until="domcontentloaded" if client_delay_s else "load")
    return host


def bubbles(page: Page, kind: str | None = None) -> Any:
    selector = '[data-testid="message"]' + (f'[data-author-kind="{kind}"]' if kind else "")
    return page.locator(selector)


def agent_state(peer: Any) -> dict[str, Any]:
    return next(d for e, d in peer.seen if e == "agent:state")


async def push_queue_update(server: Any, locator: Any, expected: str, *, position: int, wait_s: int) -> None:
    """Send the visitor a queue:update as the server would, until the widget shows ``expected``. Sent
    again if needed: the router's own first update for a new chat may land just after ours."""
    [conversation_id] = await server.chat.queue.statuses()
    payload = {"conversation_id": conversation_id, "position": position, "estimated_wait_s": wait_s}
    for _ in range(10):
        await server.chat.events.to_visitor(conversation_id, "queue:update", payload)
        try:
            await expect(locator).to_have_text(expected, timeout=1000)
            return
        except AssertionError:
            continue
    await expect(locator).to_have_text(expected, timeout=1000)
