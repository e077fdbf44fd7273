"""What a reminder is, and one occurrence of it on its way out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.reminders.schedule import Occurrence, next_occurrence
from bot.users import StoredUser

UPLOAD, STATS = "upload", "stats"


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    kind: str
    local_time: time
    weekday: int | None
    enabled: bool
    paused_until: date | None
    next_due_utc: datetime | None
    next_local_date: date | None

    def following(self, zone: str, after_utc: datetime) -> Occurrence:
        return next_occurrence(self.local_time, zone, after_utc, self.weekday, self.paused_until)


@dataclass(frozen=True)
class DueReminder:
    """One occurrence to deliver now (or skip): `occurrence` is its idempotency key."""

    reminder: Reminder
    user: StoredUser
    occurrence: str
    local_date: date
    due_utc: datetime
    snooze: bool


@dataclass(frozen=True)
class Claim:
    due: DueReminder
    status: str  # 'sending' or 'skipped'
    advance_to: Occurrence | None  # the next regular occurrence (None for snoozes)
