from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.reminders.streak import is_overworking, milestone_reached, streak_status

MON = date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> set[date]:
    return {MON + timedelta(days=o) for o in offsets}


def test_no_uploads_no_streak() -> None:
    status = streak_status(set(), MON)
    assert (status.current, status.longest, status.week_upload_days) == (0, 0, 0)


def test_consecutive_upload_days_count() -> None:
    assert streak_status(days(0, 1, 2), MON + timedelta(days=2)).current == 3


def test_the_streak_survives_a_rest_day() -> None:
    # Mon, Tue, (rest Wed), Thu, Fri: target 5 of 7 allows two rest days a week
    status = streak_status(days(0, 1, 3, 4), MON + timedelta(days=4))
    assert status.current == 4


def test_today_without_an_upload_yet_does_not_break_the_streak() -> None:
    status = streak_status(days(0, 1, 2), MON + timedelta(days=3))
    assert status.current == 3 and not status.uploaded_today


def test_missing_more_than_the_weekly_allowance_breaks_it() -> None:
    # target 5: Wed, Thu and Fri missed in one week is one day too many
    status = streak_status(days(0, 1, 5, 6), MON + timedelta(days=6))
    assert status.current == 2 and status.longest == 2


def test_the_allowance_resets_at_the_week_boundary() -> None:
    # Sat+Sun of week 1 missed (2 allowed), Mon+Tue of week 2 missed (2 allowed again): unbroken
    uploads = days(0, 1, 2, 3, 4, 9, 10, 11)
    status = streak_status(uploads, MON + timedelta(days=11))
    assert status.current == 8


def test_a_stricter_target_allows_fewer_rest_days() -> None:
    uploads = days(0, 1, 3, 4)
    assert streak_status(uploads, MON + timedelta(days=4), weekly_target=7).current == 2
    with pytest.raises(ValueError):
        streak_status(uploads, MON, weekly_target=0)


def test_longest_remembers_an_earlier_run() -> None:
    uploads = days(*range(10)) | days(20, 21)
    status = streak_status(uploads, MON + timedelta(days=21))
    assert status.longest == 10 and status.current == 2


def test_week_progress_and_rest_days_left() -> None:
    status = streak_status(days(0, 2), MON + timedelta(days=3))  # Thu; Tue missed
    assert status.week_upload_days == 2 and status.rest_days_left == 1


def test_a_milestone_is_noticed_by_the_upload_that_reaches_it_and_only_once() -> None:
    today = MON + timedelta(days=6)
    before = streak_status(days(*range(6)), today)
    after = streak_status(days(*range(7)), today)
    assert milestone_reached(before, after) == 7
    assert milestone_reached(after, after) is None  # a second upload the same day: no repeat


def test_a_broken_streak_reaches_no_milestone() -> None:
    # six upload days, then Thu..Sun of the next week missed: the run restarts at 1, not 7
    uploads = days(0, 1, 2, 3, 4, 5)
    today = MON + timedelta(days=13)
    before = streak_status(uploads, today)
    after = streak_status(uploads | {today}, today)
    assert (before.current, after.current) == (0, 1)
    assert milestone_reached(before, after) is None


def test_a_rest_day_declared_today_is_spent_at_once() -> None:
    thursday = MON + timedelta(days=3)
    uploads = days(0, 2)  # Tue missed
    assert streak_status(uploads, thursday).rest_days_left == 1
    assert streak_status(uploads, thursday, rest_today=True).rest_days_left == 0


def test_a_rest_day_declared_after_uploading_costs_nothing() -> None:
    thursday = MON + timedelta(days=3)
    status = streak_status(days(0, 2, 3), thursday, rest_today=True)
    assert status.rest_days_left == 1 and status.uploaded_today


def test_days_before_sign_up_never_count() -> None:
    tuesday = MON + timedelta(days=1)
    assert streak_status(set(), tuesday).rest_days_left == 1  # Monday counts as missed without a sign-up day
    assert streak_status(set(), tuesday, since=tuesday).rest_days_left == 2


def test_a_burst_far_above_usual_is_flagged() -> None:
    today = MON + timedelta(days=20)
    usual = {MON + timedelta(days=i): 5 for i in range(20)}
    assert not is_overworking({**usual, today: 12}, today)
    assert is_overworking({**usual, today: 40}, today)
