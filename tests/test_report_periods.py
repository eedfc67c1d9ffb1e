"""Date ranges and time zones: local days, DST, and the edges a report must get right."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from chat_server.errors import InvalidPayload
from chat_server.reports.metrics import mean, p90
from chat_server.reports.periods import DateRange, parse_range

from .report_data import Chat, insert, ts
from .test_reports import http_get

BRATISLAVA = ZoneInfo("Europe/Bratislava")


def test_a_local_day_in_winter_is_utc_plus_one():
    day = DateRange(date(2026, 3, 4), date(2026, 3, 4), BRATISLAVA)
    assert day.start_ts == ts("2026-03-03T23:00:00") and day.end_ts == ts("2026-03-04T23:00:00")


def test_the_spring_dst_day_has_23_hours_and_the_autumn_one_25():
    spring = DateRange(date(2026, 3, 29), date(2026, 3, 29), BRATISLAVA)
    autumn = DateRange(date(2026, 10, 25), date(2026, 10, 25), BRATISLAVA)
    assert spring.end_ts - spring.start_ts == 23 * 3600
    assert autumn.end_ts - autumn.start_ts == 25 * 3600


def test_defaults_are_the_last_seven_days_up_to_today_in_the_zone():
    # 23:30 UTC on 3 March is already 4 March in Bratislava.
    period = parse_range({"tz": "Europe/Bratislava"}, default_tz="UTC", now=ts("2026-03-03T23:30:00"))
    assert (period.first, period.last) == (date(2026, 2, 26), date(2026, 3, 4))
    period = parse_range({}, default_tz="UTC", now=ts("2026-03-03T23:30:00"))
    assert period.last == date(2026, 3, 3) and period.tz.key == "UTC"


def test_a_whole_year_is_allowed_and_a_day_more_is_not():
    assert len(parse_range({"from": "2025-01-01", "to": "2026-01-01"}, default_tz="UTC", now=0).days()) == 366
    with pytest.raises(InvalidPayload):
        parse_range({"from": "2025-01-01", "to": "2026-01-02"}, default_tz="UTC", now=0)


def test_p90_is_the_nearest_rank():
    assert p90([]) is None and mean([]) is None
    assert p90([5]) == 5
    assert p90(list(range(1, 11))) == 9  # ceil(0.9 * 10) = 9th smallest
    assert p90(list(range(1, 12))) == 10  # ceil(9.9) = 10th
    assert mean([1, 2, 2]) == 1.7


async def test_a_chat_at_2330_utc_counts_for_the_next_local_day(live_server):
    anna = await live_server.create_agent(name="Anna", role="manager")
    late = ts("2026-03-03T23:30:00")
    await insert(
        live_server.store, [Chat(late, [(anna.id, late + 60)], [(anna.id, late + 90)], late + 600, "agent")]
    )
    token = await live_server.token_for(anna)

    async def handled(day: str, tz: str) -> int:
        status, body = await http_get(
            live_server, "/api/reports/agents", token, {"from": day, "to": day, "tz": tz}
        )
        assert status == 200, body
        return body["agents"][0]["chats_handled"]

    assert await handled("2026-03-03", "UTC") == 1
    assert await handled("2026-03-04", "UTC") == 0
    assert await handled("2026-03-03", "Europe/Bratislava") == 0
    assert await handled("2026-03-04", "Europe/Bratislava") == 1
    # Inclusive range: from 4 March to 4 March still has it; the daily rows put it on the local day.
    _, body = await http_get(
        live_server,
        "/api/reports/daily",
        token,
        {"from": "2026-03-03", "to": "2026-03-04", "tz": "Europe/Bratislava"},
    )
    assert [(d["date"], d["chats"]) for d in body["days"]] == [("2026-03-03", 0), ("2026-03-04", 1)]
