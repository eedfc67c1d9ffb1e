"""HTTP helpers for the canned-reply and assistant API tests."""

from __future__ import annotations

from typing import Any

import aiohttp


class Api:
    """One signed-in caller (or anonymous with token=None); every call returns (status, json body)."""

    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def call(
        self, method: str, path: str, json: Any = None, data: Any = None, content_type: str | None = None
    ) -> tuple[int, Any]:
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        async with aiohttp.ClientSession(headers=headers) as http:
            async with http.request(method, self.base_url + path, json=json, data=data) as r:
                if r.content_type == "application/json":
                    return r.status, await r.json()
                return r.status, await r.text()

    async def get(self, path: str) -> tuple[int, Any]:
        return await self.call("GET", path)

    async def post(self, path: str, json: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("POST", path, json=json, **kw)

    async def put(self, path: str, json: Any = None) -> tuple[int, Any]:
        return await self.call("PUT", path, json=json)

    async def delete(self, path: str) -> tuple[int, Any]:
        return await self.call("DELETE", path)

    async def items(self, query: str = "") -> list[dict[str, Any]]:
        status, body = await self.get(f"/api/canned-responses{query}")
        assert status == 200, body
        return body["items"]


async def api_for(live_server: Any, role: str = "agent", name: str = "Anna") -> tuple[Any, Api]:
    agent = await live_server.create_agent(name=name, role=role)
    return agent, Api(live_server.url, await live_server.token_for(agent))


def reply(**overrides: Any) -> dict[str, Any]:
    body = {
        "shortcut": "thanks",
        "title": "Thank you",
        "text": "Thank you, {visitor.name}!",
        "category": "closing",
        "language": "en",
        "scope": "global",
    }
    body.update(overrides)
    return body
