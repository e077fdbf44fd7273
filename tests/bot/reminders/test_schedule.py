from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.reminders.schedule import (
    from_utc_text,
    local_today,
    next_occurrence,
    parse_time,
    parse_weekday,
    to_utc_text,
    week_start,
    zone_for,
)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [("19:00", time(19)), ("7.05", time(7, 5)), ("00:00", time(0))])
def test_times_parse_in_both_indonesian_and_international_style(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "19:60", "jam 7", "7", "", "19:0"])
def test_bad_times_are_refused(text: str) -> None:
    assert parse_time(text) is None


def test_weekdays_and_zones_parse() -> None:
    assert parse_weekday("Senin") == 0 and parse_weekday("minggu") == 6 and parse_weekday("jum'at") == 4
    assert parse_weekday("funday") is None
    assert zone_for("wita") == "Asia/Makassar" and zone_for("WIT") == "Asia/Jayapura"
    assert zone_for("Asia/Jakarta") == "Asia/Jakarta" and zone_for("PST") is None


def test_a_daily_reminder_later_today_is_due_today() -> None:
    # 10:00 UTC is 17:00 WIB; 19:00 WIB is 12:00 UTC the same day
    occ = next_occurrence(time(19), "Asia/Jakarta", utc(2026, 11, 22, 10))
    assert occ.due_utc == utc(2026, 11, 22, 12) and occ.local_date == date(2026, 11, 22)


def test_a_time_already_passed_today_is_due_tomorrow() -> None:
    occ = next_occurrence(time(19), "Asia/Jakarta", utc(2026, 11, 22, 12, 0))
    assert occ.local_date == date(2026, 11, 23)


def test_the_same_local_time_is_a_different_utc_instant_in_each_zone() -> None:
    after = utc(2026, 11, 22, 0)
    due = {z: next_occurrence(time(9), z, after).due_utc for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")}
    assert due == {"Asia/Jakarta": utc(2026, 11, 22, 2), "Asia/Makassar": utc(2026, 11, 22, 1),
                   "Asia/Jayapura": utc(2026, 11, 22, 0, 0) + (utc(2026, 11, 23) - utc(2026, 11, 22))}  # fmt: skip


def test_an_early_morning_reminder_falls_on_the_previous_utc_day() -> None:
    # 06:00 WIT (UTC+9) is 21:00 UTC the day before: the local date is what counts
    occ = next_occurrence(time(6), "Asia/Jayapura", utc(2026, 11, 22, 12))
    assert occ.due_utc == utc(2026, 11, 22, 21) and occ.local_date == date(2026, 11, 23)


def test_local_midnight_belongs_to_the_new_day() -> None:
    occ = next_occurrence(time(0, 0), "Asia/Jakarta", utc(2026, 11, 22, 16, 59))
    assert occ.due_utc == utc(2026, 11, 22, 17) and occ.local_date == date(2026, 11, 23)
    assert local_today(utc(2026, 11, 22, 16, 59), "Asia/Jakarta") == date(2026, 11, 22)
    assert local_today(utc(2026, 11, 22, 17, 0), "Asia/Jakarta") == date(2026, 11, 23)


def test_a_weekly_reminder_waits_for_its_weekday() -> None:
    # Sunday 22 Nov 2026; Monday 09:00 WIB is 02:00 UTC on the 23rd
    occ = next_occurrence(time(9), "Asia/Jakarta", utc(2026, 11, 22, 3), weekday=0)
    assert occ.local_date == date(2026, 11, 23) and occ.due_utc == utc(2026, 11, 23, 2)
    # just after Monday's reminder, the next is a week later
    occ = next_occurrence(time(9), "Asia/Jakarta", utc(2026, 11, 23, 2), weekday=0)
    assert occ.local_date == date(2026, 11, 30)


def test_a_pause_skips_to_the_first_day_after_it() -> None:
    occ = next_occurrence(time(19), "Asia/Jakarta", utc(2026, 11, 22, 1), paused_until=date(2026, 11, 25))
    assert occ.local_date == date(2026, 11, 25)


def test_weeks_start_on_monday_across_a_year_boundary() -> None:
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)


def test_utc_text_round_trips_and_sorts() -> None:
    moment = utc(2026, 11, 22, 12, 5)
    assert from_utc_text(to_utc_text(moment)) == moment
    assert to_utc_text(utc(2026, 1, 2)) < to_utc_text(utc(2026, 1, 10))
