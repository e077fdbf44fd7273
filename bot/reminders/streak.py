"""Burnout-aware upload streaks: consistency over volume, with rest days allowed every week.

A day counts when at least one upload is recorded. Each Monday-to-Sunday week allows
`7 - weekly_target` days without uploads; those rest days keep the streak alive. One more day
without uploads in the same week breaks it. Today never breaks a streak: the day is not over.
The streak's length is the number of upload days in the unbroken run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from bot.reminders.schedule import week_start

DEFAULT_WEEKLY_TARGET = 5
MILESTONES = (7, 30, 100)


@dataclass(frozen=True)
class StreakStatus:
    current: int
    longest: int
    week_upload_days: int
    week_target: int
    rest_days_left: int  # this week, before the streak would break
    uploaded_today: bool


def streak_status(upload_days: set[date], today: date, weekly_target: int = DEFAULT_WEEKLY_TARGET) -> StreakStatus:
    if not 1 <= weekly_target <= 7:
        raise ValueError("weekly target must be 1 to 7 days")
    allowance = 7 - weekly_target
    current = longest = 0
    missed_in_week: Counter[date] = Counter()  # days without uploads since the run began, per week
    if upload_days:
        day = min(upload_days)
        while day < today:
            if day in upload_days:
                current += 1
            else:
                week = week_start(day)
                missed_in_week[week] += 1
                if missed_in_week[week] > allowance:
                    current = 0
                    missed_in_week.clear()
            longest = max(longest, current)
            day += timedelta(days=1)
        if today in upload_days:
            current += 1
            longest = max(longest, current)
    this_week = week_start(today)
    week_days = {this_week + timedelta(days=i) for i in range(7)}
    week_uploads = len(upload_days & week_days)
    missed = sum(1 for d in week_days if d < today and d not in upload_days)
    return StreakStatus(
        current=current,
        longest=longest,
        week_upload_days=week_uploads,
        week_target=weekly_target,
        rest_days_left=max(allowance - missed, 0),
        uploaded_today=today in upload_days,
    )


def milestone_reached(status: StreakStatus) -> int | None:
    """The milestone the current streak just reached today, if any."""
    if status.uploaded_today and status.current in MILESTONES:
        return status.current
    return None


def is_overworking(counts_by_day: dict[date, int], today: date) -> bool:
    """Far more uploads today than usual: at least 20, and 3x the median of the last 4 weeks' upload days."""
    today_count = counts_by_day.get(today, 0)
    if today_count < 20:
        return False
    recent = sorted(c for d, c in counts_by_day.items() if today - timedelta(days=28) <= d < today and c > 0)
    if not recent:
        return today_count >= 50
    median = recent[len(recent) // 2]
    return today_count >= 3 * median
