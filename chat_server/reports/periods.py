"""Date ranges in a time zone: a report for 1–7 March in Europe/Bratislava covers local midnight
1 March to local midnight 8 March, whatever UTC offset (or DST change) lies in between."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InvalidPayload

MAX_DAYS = 366
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TZ = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


@dataclass(frozen=True)
class DateRange:
    """Local dates ``first``..``last`` inclusive, in ``tz``."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def start_ts(self) -> float:
        return local_midnight(self.first, self.tz)

    @property
    def end_ts(self) -> float:
        """Exclusive: local midnight after the last day."""
        return local_midnight(self.last + timedelta(days=1), self.tz)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def local_date(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, self.tz).date()

    def as_dict(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "tz": self.tz.key}


def local_midnight(day: date, tz: ZoneInfo) -> float:
    return datetime.combine(day, time(0), tzinfo=tz).timestamp()


def zone(name: object, field: str = "tz") -> ZoneInfo:
    """An IANA zone name (Area/City, or UTC); anything else is a 400, never a file lookup."""
    if not isinstance(name, str) or len(name) > 64 or not _TZ.match(name) or ".." in name:
        raise InvalidPayload(f"'{field}' must be a time zone name like Europe/Bratislava.", field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidPayload(f"'{field}' is not a known time zone: {name}.", field=field) from None


def parse_date(value: str, field: str) -> date:
    if not _DATE.match(value):
        raise InvalidPayload(f"'{field}' must be a date as YYYY-MM-DD.", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidPayload(f"'{field}' is not a real date: {value}.", field=field) from None


def parse_range(query: Mapping[str, str], *, default_tz: str, now: float, default_days: int = 7) -> DateRange:
    """``from``/``to``/``tz`` from a query string. Missing dates mean the last ``default_days`` days
    up to today in the zone; ``from`` after ``to`` or a range over a year is refused."""
    tz = zone(query.get("tz") or default_tz)
    today = datetime.fromtimestamp(now, tz).date()
    last = parse_date(query["to"], "to") if query.get("to") else today
    first = (
        parse_date(query["from"], "from") if query.get("from") else last - timedelta(days=default_days - 1)
    )
    if first > last:
        raise InvalidPayload("'from' must not be after 'to'.", field="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidPayload(f"A report covers at most {MAX_DAYS} days.", field="from")
    return DateRange(first, last, tz)
