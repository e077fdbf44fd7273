"""Burnout-aware upload streaks: consistency over volume, with rest days allowed every week.

A day counts when at least one upload is recorded. Each Monday-to-Sunday week allows
`7 - weekly_target` days without uploads; those rest days keep the streak alive. One more day
without uploads in the same week breaks it. Today never breaks a streak: the day is not over,
but a rest day the user declared for today is already spent. Days before the user signed up
never count against them. The streak's length is the number of upload days in the unbroken run.

Every figure the bot shows (the reply to "😴 Libur", /streak, milestones) comes from this one
calculation, so they cannot contradict each other.
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


def streak_status(
    upload_days: set[date],
    today: date,
    weekly_target: int = DEFAULT_WEEKLY_TARGET,
    *,
    rest_today: bool = False,
    since: date | None = None,
) -> StreakStatus:
    """The streak on `today`; `rest_today`: the user declared today a rest day; `since`: their sign-up day."""
    if not 1 <= weekly_target <= 7:
        raise ValueError("weekly target must be 1 to 7 days")
    allowance = 7 - weekly_target
    uploaded_today = today in upload_days
    resting_today = rest_today and not uploaded_today

    def missed(day: date) -> bool:
        """A day spent without uploads: past days, and today once declared a rest day."""
        if since is not None and day < since:
            return False
        return day not in upload_days and (day < today or (day == today and resting_today))

    current = longest = 0
    missed_in_week: Counter[date] = Counter()  # days without uploads since the run began, per week
    if upload_days:
        day = min(upload_days)
        while day <= today:
            if day in upload_days:
                current += 1
            elif missed(day):
                week = week_start(day)
                missed_in_week[week] += 1
                if missed_in_week[week] > allowance:
                    current = 0
                    missed_in_week.clear()
            longest = max(longest, current)
            day += timedelta(days=1)
    this_week = week_start(today)
    week_days = [this_week + timedelta(days=i) for i in range(7)]
    spent = sum(1 for d in week_days if d <= today and missed(d))
    return StreakStatus(
        current=current,
        longest=longest,
        week_upload_days=len(upload_days.intersection(week_days)),
        week_target=weekly_target,
        rest_days_left=max(allowance - spent, 0),
        uploaded_today=uploaded_today,
    )


def milestone_reached(before: StreakStatus, after: StreakStatus) -> int | None:
    """The milestone this upload made the streak reach: only the upload that crosses it, once."""
    for milestone in MILESTONES:
        if before.current < milestone <= after.current:
            return milestone
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
