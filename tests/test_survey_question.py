"""The survey's optional extra question: strict config, answers checked on the socket, stored with a
snapshot of the question, and counted in the reports (JSON and CSV agree)."""

from __future__ import annotations

import csv
import io

import pytest

from chat_server.config import ConfigError

from .report_data import Chat, insert, ts
from .test_rating_scales import closed_chat
from .test_reports import DAY, http_get

SOLVED = {"key": "solved", "kind": "yes_no", "text": {"en": "Was your problem solved?", "sk": "Vyriešili sme to?"}}
REASON = {
    "key": "reason", "kind": "choice", "text": {"en": "What was it about?"},
    "options": [{"value": "price", "text": {"en": "Price"}}, {"value": "delivery", "text": {"en": "Delivery"}}],
}
IMPROVE = {"key": "improve", "kind": "text", "text": {"en": "What could we improve?"}, "max_length": 100}


# -- config ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw,message",
    [
        ({**SOLVED, "kind": "stars"}, "survey_question.kind must be one of: yes_no, choice, text"),
        ({**SOLVED, "key": "Solved!"}, "survey_question.key must be"),
        ({**SOLVED, "text": {"sk": "Vyriešili?"}}, "survey_question.text needs an English (en) text"),
        ({**SOLVED, "text": {"en": ""}}, "survey_question.text.en must be text of 1 to 300"),
        ({**SOLVED, "text": "Solved?"}, "survey_question.text must be a table of language"),
        ({**SOLVED, "colour": "red"}, "survey_question: unknown setting(s) colour"),
        ({**SOLVED, "options": REASON["options"]}, 'survey_question.options is only for kind = "choice"'),
        ({**REASON, "options": REASON["options"][:1]}, "survey_question.options must list 2 to 12 options"),
        ({**REASON, "options": [REASON["options"][0]] * 2}, "survey_question.options[1].value 'price' appears twice"),
        ({**REASON, "options": [{"value": "Price!", "text": {"en": "P"}}, REASON["options"][1]]},
         "survey_question.options[0].value must be"),
        ({**REASON, "options": [{"value": "price"}, REASON["options"][1]]}, "survey_question.options[0] must be"),
        ({**IMPROVE, "max_length": 0}, "survey_question.max_length must be a whole number from 1 to 2000"),
        ({**SOLVED, "max_length": 50}, 'survey_question.max_length is only for kind = "text"'),
        ("yes", "survey_question must be a table"),
    ],
)
def test_bad_questions_stop_the_server_with_a_clear_message(settings, raw, message):
    with pytest.raises(ConfigError) as caught:
        settings.replace(survey_question=raw)
    assert message in str(caught.value)


def test_department_questions_override_or_turn_off_the_site_wide_one(settings):
    s = settings.replace(
        survey_question=SOLVED,
        departments={"general": {}, "sales": {"survey_question": REASON}, "vip": {"survey_question": False}},
    )
    assert s.survey_question_for("general").key == "solved"
    assert s.survey_question_for("sales").key == "reason"
    assert s.survey_question_for("vip") is None
    assert s.survey_question_for("sales").public() == {
        "key": "reason", "kind": "choice", "text": {"en": "What was it about?"},
        "options": [{"value": "price", "text": {"en": "Price"}}, {"value": "delivery", "text": {"en": "Delivery"}}],
    }
    with pytest.raises(ConfigError, match=r"departments.sales.survey_question.kind must be"):
        settings.replace(departments={"sales": {"survey_question": {**REASON, "kind": "stars"}}})
    with pytest.raises(ConfigError, match=r"departments.sales.survey_question must be a table, or false"):
        settings.replace(departments={"sales": {"survey_question": True}})
    assert settings.survey_question is None  # off by default


# -- the socket --------------------------------------------------------------------------------------
async def rate(visitor, conversation_id, **extra):
    return await visitor.call("chat:rate", {"conversation_id": conversation_id, "score": 4, **extra})


async def test_bad_answers_are_refused_and_nothing_is_stored(settings, server_factory):
    server = await server_factory(settings.replace(survey_question=SOLVED))
    visitor, session, conversation_id, _ = await closed_chat(server)
    assert session["survey_question"]["key"] == "solved"  # the widget learns the question up front
    for answer, code in [
        (True, "invalid_payload"),
        (1, "invalid_payload"),
        ({"$ne": "no"}, "invalid_payload"),
        (["yes"], "invalid_payload"),
        ("maybe", "out_of_range"),
        ("Yes", "out_of_range"),
        ("y" * 20_000, "out_of_range"),
    ]:
        ack = await rate(visitor, conversation_id, answer=answer)
        assert not ack["ok"] and ack["error"]["code"] == code, (answer, ack)
        assert ack["error"]["field"] == "answer"
    assert (await server.store.get_rating(conversation_id)) is None
    ack = await rate(visitor, conversation_id, answer="no")
    assert ack["ok"], ack
    assert ack["rating"]["survey"] == {
        "key": "solved", "kind": "yes_no", "question": "Was your problem solved?", "answer": "no", "label": "No",
    }
    stored = await server.store.get_rating(conversation_id)
    assert stored is not None and stored.survey is not None and stored.survey.answer == "no"


async def test_text_answers_are_normalised_and_length_checked(settings, server_factory):
    server = await server_factory(settings.replace(survey_question=IMPROVE))
    visitor, _, conversation_id, _ = await closed_chat(server)
    for answer in ("x" * 101, "x" * 20_000):
        ack = await rate(visitor, conversation_id, answer=answer)
        assert ack["error"]["code"] == "text_too_long" and ack["error"]["limit"] == 100, ack
    ack = await rate(visitor, conversation_id, answer="  Faster\x00 replies <b>please</b>\r\n ")
    assert ack["ok"], ack
    stored = await server.store.get_rating(conversation_id)
    assert stored.survey.answer == "Faster replies <b>please</b>"  # stored as written; escaped when shown
    assert stored.survey.label is None


async def test_an_answer_without_a_question_is_refused_and_skipping_is_fine(settings, server_factory):
    server = await server_factory(settings)
    visitor, session, conversation_id, _ = await closed_chat(server)
    assert session["survey_question"] is None
    ack = await rate(visitor, conversation_id, answer="yes")
    assert ack["error"]["code"] == "invalid_payload" and "no extra question" in ack["error"]["message"]
    ack = await rate(visitor, conversation_id)
    assert ack["ok"] and ack["rating"]["survey"] is None


async def test_chat_closed_names_the_departments_question(settings, server_factory):
    server = await server_factory(settings.replace(
        survey_question=SOLVED, departments={"general": {"survey_question": REASON}}))
    agent = await server.create_agent(name="Anna")
    console = await server.agent_peer(agent)
    visitor = await server.visitor()
    await visitor.next("session")
    ack = await visitor.call("chat:start", {"text": "Hi", "department": "general"})
    await console.next("chat:assigned")
    await console.call("chat:close", {"conversation_id": ack["conversation_id"]})
    closed = await visitor.next("chat:closed")
    assert closed["survey_question"]["key"] == "reason"
    assert (await rate(visitor, ack["conversation_id"], answer="delivery"))["ok"]


# -- reports -----------------------------------------------------------------------------------------
OLD_WORDING = "Did we solve it?"
NEW_WORDING = "Was your problem solved?"
INJECTION = "=HYPERLINK(\"http://evil\")"


@pytest.fixture
async def survey_server(settings, server_factory):
    """Site-wide yes/no question; Sales asks a choice; one older answer is to a text question no longer
    configured, and one was given to the yes/no question's earlier wording."""
    server = await server_factory(settings.replace(
        survey_question=SOLVED, departments={"general": {}, "sales": {"survey_question": REASON}}))
    anna = await server.create_agent(name="Anna")
    boris = await server.create_agent(name="Boris")
    mia = await server.create_agent(name="Mia", role="manager")
    a, b = anna.id, boris.id
    t = ts("2026-03-02T09:00:00")

    def chat(start_min, agents, rating, survey=None, department="general"):
        start = t + start_min * 60
        return Chat(start, [(x, start + 30 + i * 60) for i, x in enumerate(agents)], [], start + 600, "agent",
                    rating, department=department, survey=survey)

    chats = [
        chat(0, [b], (4, None, "stars5"), ("solved", "yes_no", OLD_WORDING, "yes", "Yes")),  # c3
        chat(60, [a], (5, None, "stars5"), ("solved", "yes_no", NEW_WORDING, "yes", "Yes")),  # c1
        chat(120, [a, b], (2, "slow", "stars5"), ("solved", "yes_no", NEW_WORDING, "no", "No")),  # c2
        chat(180, [b], (5, None, "stars5"), ("reason", "choice", "What was it about?", "price", "Price"), "sales"),
        chat(240, [a], (4, None, "stars5"), None, "sales"),  # rated, question skipped
        chat(300, [a], (3, None, "stars5"), ("improve", "text", "What could we improve?", INJECTION, None)),
        Chat(t + 400 * 60, [], [], t + 405 * 60, "visitor", department="general"),  # abandoned
    ]
    await insert(server.store, chats)
    return server, anna, boris, await server.token_for(mia)


QUESTIONS = [
    {"key": "solved", "kind": "yes_no", "question": NEW_WORDING,  # the latest answer's wording
     "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
    {"key": "reason", "kind": "choice", "question": "What was it about?",
     "options": [{"value": "price", "label": "Price"}, {"value": "delivery", "label": "Delivery"}]},
    {"key": "improve", "kind": "text", "question": "What could we improve?", "options": []},  # only in answers
]


def survey(yes=0, no=0, price=0, delivery=0, improved=0):
    return {
        "solved": {"answered": yes + no, "counts": {"yes": yes, "no": no}},
        "reason": {"answered": price + delivery, "counts": {"price": price, "delivery": delivery}},
        "improve": {"answered": improved},
    }


async def test_answers_are_counted_per_agent_and_department(survey_server):
    server, _, _, token = survey_server
    _, body = await http_get(server, "/api/reports/agents", token, DAY)
    assert body["survey_questions"] == QUESTIONS
    rows = {r["name"]: r["survey"] for r in body["agents"]}
    # Anna: c1 yes, c2 no (shared with Boris), the Sales chat she had was skipped, c6 text.
    assert rows["Anna"] == survey(yes=1, no=1, improved=1)
    # Boris: c3 yes (older wording, same key), c2 no, the Sales chat: price.
    assert rows["Boris"] == survey(yes=1, no=1, price=1)
    assert rows["Mia"] == survey()

    _, body = await http_get(server, "/api/reports/departments", token, DAY)
    assert body["survey_questions"] == QUESTIONS
    by_key = {r["department_id"]: r["survey"] for r in body["departments"]}
    assert by_key["general"] == survey(yes=2, no=1, improved=1)  # c2 counted once, not per agent
    assert by_key["sales"] == survey(price=1)
    assert by_key["all"] == survey(yes=2, no=1, price=1, improved=1)


async def test_csv_agrees_with_json_and_neutralises_formulas(survey_server):
    server, _, _, token = survey_server
    for path, table, key in (("agents", "agents", "agent_id"), ("departments", "departments", "department_id")):
        _, body = await http_get(server, f"/api/reports/{path}", token, DAY)
        status, text = await http_get(server, f"/api/reports/{path}", token, {**DAY, "format": "csv"})
        assert status == 200
        rows = {r[key]: r for r in csv.DictReader(io.StringIO(text))}
        for row in body[table]:
            cells = rows[row[key]]
            for q, figures in row["survey"].items():
                assert cells[f"survey_{q}_answered"] == str(figures["answered"])
                for value, count in figures.get("counts", {}).items():
                    assert cells[f"survey_{q}_counts_{value}"] == str(count)

    _, body = await http_get(server, "/api/reports/comments", token, DAY)
    written = [c for c in body["comments"] if c["question_key"] == "improve"]
    assert [(c["question"], c["answer"], c["comment"]) for c in written] == [
        ("What could we improve?", INJECTION, None)  # a written answer is listed even without a comment
    ]
    slow = next(c for c in body["comments"] if c["comment"] == "slow")
    assert (slow["question"], slow["answer"]) == (NEW_WORDING, "No")
    _, text = await http_get(server, "/api/reports/comments", token, {**DAY, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"question_key", "question", "answer"} <= set(rows[0])
    assert [r["answer"] for r in rows if r["question_key"] == "improve"] == ["'" + INJECTION]
