"""When a reminder is next due: local wall-clock times in the user's zone, stored and compared in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONES: dict[str, str] = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
ZONE_NAMES: dict[str, str] = {zone: name for name, zone in ZONES.items()}
WEEKDAYS: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
GRACE = timedelta(hours=2)
"""A reminder found due later than this (the bot was down) is skipped, never sent stale."""

_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_WEEKDAY_ALIASES = {"jum'at": "jumat", "ahad": "minggu", "sen": "senin", "sel": "selasa", "kam": "kamis",
                    "jum": "jumat", "sab": "sabtu", "min": "minggu", "mon": "senin", "monday": "senin"}  # fmt: skip


def parse_time(text: str) -> time | None:
    """`19:00`, `19.00` or `7:05` -> a time; None when it is not a valid 24-hour time."""
    found = _TIME_RE.match(text.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else None


def parse_weekday(text: str) -> int | None:
    """`senin` .. `minggu` -> 0..6 (Monday first, as `date.weekday()`)."""
    word = text.strip().lower()
    word = _WEEKDAY_ALIASES.get(word, word)
    return WEEKDAYS.index(word) if word in WEEKDAYS else None


def zone_for(name: str) -> str | None:
    """`WIB`/`wita`/`WIT` or an IANA name of the three -> the IANA zone."""
    upper = name.strip().upper()
    if upper in ZONES:
        return ZONES[upper]
    return name if name in ZONE_NAMES else None


@dataclass(frozen=True)
class Occurrence:
    """One time a reminder fires: when (UTC) and which local day it belongs to."""

    due_utc: datetime
    local_date: date


def next_occurrence(
    at: time, zone: str, after_utc: datetime, weekday: int | None = None, paused_until: date | None = None
) -> Occurrence:
    """The first local `at` (on `weekday`, if given) strictly after `after_utc` and not before `paused_until`.

    Indonesian zones have no daylight saving, but the arithmetic goes through zoneinfo so it is right
    for any zone: we step over local dates and convert each candidate wall-clock time to UTC.
    """
    tz = ZoneInfo(zone)
    local_now = after_utc.astimezone(tz)
    day = local_now.date()
    if paused_until is not None and paused_until > day:
        day = paused_until
    for _ in range(15):
        candidate = datetime.combine(day, at, tzinfo=tz)
        if candidate.astimezone(UTC) > after_utc and (weekday is None or day.weekday() == weekday):
            return Occurrence(candidate.astimezone(UTC), day)
        day += timedelta(days=1)
    raise AssertionError("no occurrence within two weeks")  # unreachable: a weekday recurs within 7 days


def local_today(now_utc: datetime, zone: str) -> date:
    return now_utc.astimezone(ZoneInfo(zone)).date()


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, as in Indonesia)."""
    return day - timedelta(days=day.weekday())


def to_utc_text(moment: datetime) -> str:
    """The one way UTC instants are stored: sortable ISO text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)  # C-speed; reads the trailing "Z" as UTC (Python 3.11+)
