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
_CLOCK_RE = re.compile(
    r"^(?:jam|pukul|pkl\.?)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*(pagi|siang|sore|malam|am|pm)?\s*(wib|wita|wit)?$"
)
_OFFSET_RE = re.compile(r"^(?:gmt|utc)?\s*\+\s*0?([789])(?::?00)?$")
# Where people live -> their zone; "/zona makassar" or "/zona bali" is how they say it.
PLACES: dict[str, str] = {
    **dict.fromkeys(
        "jakarta jawa java bandung surabaya semarang yogyakarta jogja jogjakarta solo malang bogor depok bekasi "
        "tangerang banten serang cirebon medan sumatra sumatera aceh padang pekanbaru riau palembang jambi "
        "bengkulu lampung batam bangka belitung pontianak kalbar kalteng palangkaraya sampit".split(),
        "WIB",
    ),
    **dict.fromkeys(
        "makassar bali denpasar lombok mataram ntb ntt kupang flores sulawesi manado gorontalo palu kendari "
        "mamuju balikpapan samarinda kaltim kalsel kaltara banjarmasin tarakan".split(),
        "WITA",
    ),
    **dict.fromkeys("papua jayapura sorong merauke manokwari timika maluku ambon ternate halmahera".split(), "WIT"),
}
ZONE_REGIONS: dict[str, str] = {
    "WIB": "Sumatra, Jawa, Kalimantan Barat & Tengah",
    "WITA": "Bali, NTB, NTT, Kalimantan Selatan, Timur & Utara, Sulawesi",
    "WIT": "Maluku, Maluku Utara, Papua",
}
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
    """`WIB`/`wita`/`WIT`, a city or province ("makassar", "bali"), `GMT+8`/`UTC+7`/`+9`, or an IANA name."""
    text = " ".join(name.strip().split())
    if text in ZONE_NAMES:
        return text
    lowered = text.lower()
    if lowered.upper() in ZONES:
        return ZONES[lowered.upper()]
    offset = _OFFSET_RE.match(lowered.replace(" ", ""))
    if offset:
        return ZONES[{"7": "WIB", "8": "WITA", "9": "WIT"}[offset.group(1)]]
    for word in re.findall(r"[a-z]+", lowered):
        if word in PLACES:
            return ZONES[PLACES[word]]
    return None


@dataclass(frozen=True)
class ClockTime:
    """A time of day as typed, and the zone named after it ("19:00 WITA"), if any."""

    at: time
    zone: str | None = None


def parse_clock(text: str) -> ClockTime | None:
    """`7`, `19.00`, `jam 7 malam`, `7 pagi`, `pukul 19:30`, `7pm`, `19:00 WITA` -> a time (and zone)."""
    found = _CLOCK_RE.match(" ".join(text.lower().split()))
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    part = found.group(3)
    hour24 = _hour_of_day(hour, part)
    if hour24 is None or minute > 59:
        return None
    zone = ZONES[found.group(4).upper()] if found.group(4) else None
    return ClockTime(time(hour24, minute), zone)


def _hour_of_day(hour: int, part: str | None) -> int | None:
    """Indonesian parts of the day: `7 malam` is 19, `1 siang` is 13, `12 malam` is midnight."""
    if part is None:
        return hour if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    if part in ("pagi", "am"):
        return 0 if hour == 12 else hour
    if part == "siang":
        return hour if hour >= 10 else (hour + 12 if hour <= 5 else None)
    if part == "sore":
        return hour + 12 if hour <= 11 else None
    if part == "malam":
        return 0 if hour == 12 else (hour if hour <= 4 else hour + 12)
    return hour if hour == 12 else hour + 12  # pm


def in_zone(at: time, weekday: int | None, from_zone: str, to_zone: str, on: date) -> tuple[time, int | None]:
    """The same moment as a wall-clock time (and weekday) in another zone."""
    moment = datetime.combine(on, at, tzinfo=ZoneInfo(from_zone)).astimezone(ZoneInfo(to_zone))
    shift = (moment.date() - on).days
    return moment.time().replace(tzinfo=None), None if weekday is None else (weekday + shift) % 7


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
