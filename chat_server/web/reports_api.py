"""JSON (and CSV) API for reports, the live dashboard and quality review. See docs/api.md."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from .. import validation
from ..errors import Forbidden, InvalidPayload
from ..models import Agent
from ..reports.csv import to_csv
from ..reports.service import columns
from .auth import current_agent, json_body
from .keys import DASHBOARD, QA, REPORTS, SETTINGS

Report = Callable[[Agent, Mapping[str, str]], Awaitable[dict[str, Any]]]
# URL path -> (the table the rows are under, the ReportService method).
REPORT_ROUTES = {"agents": "agents", "departments": "departments", "daily": "days", "comments": "comments"}


def _report_view(path: str, table: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """One view per table: JSON by default, ``format=csv`` for the same rows as a CSV download."""

    async def view(request: web.Request) -> web.Response:
        agent = await current_agent(request)
        fmt = request.query.get("format", "json")
        if fmt not in ("json", "csv"):
            raise InvalidPayload("'format' must be json or csv.", field="format")
        report: Report = getattr(request.app[REPORTS], path)
        body = await report(agent, request.query)
        if fmt == "json":
            return web.json_response(body)
        filename = f"{table}_{body['from']}_{body['to']}.csv"
        return web.Response(
            text=to_csv(body[table], columns(table, body[table])),
            content_type="text/csv",
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )

    return view


async def dashboard(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    if not agent.is_manager:
        raise Forbidden("The live dashboard is for managers.")
    return web.json_response(await request.app[DASHBOARD].snapshot())


async def qa_sample(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    return web.json_response(await request.app[QA].sample(agent, request.query))


async def qa_conversation(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    conversation_id = validation.conversation_id({"conversation_id": request.match_info["id"]})
    return web.json_response(await request.app[QA].transcript(agent, conversation_id))


async def qa_review(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    data = await json_body(request)
    qa = request.app[QA]
    conversation_id = validation.conversation_id(data)
    agent_id = validation.text(data, "agent_id", max_length=40)
    assert agent_id is not None
    if not validation.ID_PATTERN.match(agent_id) or not agent_id.startswith("a_"):
        raise InvalidPayload("'agent_id' is not an agent id.", field="agent_id")
    scores = qa.parse_scores(data.get("scores"))
    comment = validation.text(
        data, "comment", max_length=request.app[SETTINGS].max_message_length, required=False
    )
    result = await qa.submit(
        agent, conversation_id=conversation_id, agent_id=agent_id, scores=scores, comment=comment
    )
    return web.json_response(result)


async def qa_feedback(request: web.Request) -> web.Response:
    agent = await current_agent(request)
    wanted = request.query.get("agent_id") or None
    if wanted is not None and (len(wanted) > 40 or not validation.ID_PATTERN.match(wanted)):
        raise InvalidPayload("'agent_id' is not an agent id.", field="agent_id")
    return web.json_response(await request.app[QA].feedback(agent, wanted))


def setup(app: web.Application) -> None:
    for path, table in REPORT_ROUTES.items():
        app.router.add_get(f"/api/reports/{path}", _report_view(path, table))
    app.router.add_get("/api/dashboard", dashboard)
    app.router.add_get("/api/qa/sample", qa_sample)
    app.router.add_get("/api/qa/conversations/{id}", qa_conversation)
    app.router.add_post("/api/qa/reviews", qa_review)
    app.router.add_get("/api/qa/feedback", qa_feedback)
