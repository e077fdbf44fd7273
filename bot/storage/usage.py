"""Counting how Kawan is used, per day, without keeping who asked what.

Handlers report each question's outcome, each answer shown and each active user; the counts are kept
in memory and written every few seconds in one transaction (`flush`), so counting costs a message no
database round trip. A crash loses at most those seconds of counts: figures for operators, not records
anyone relies on. Days are WIB days (`REPORT_ZONE`), Indonesia's most common time.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.storage.connection import Connection

REPORT_ZONE = ZoneInfo("Asia/Jakarta")
_CHUNK = 500  # ids per IN (...) list


def report_day(moment: datetime) -> date:
    return moment.astimezone(REPORT_ZONE).date()


class UsageCounter:
    def __init__(self, db: Connection) -> None:
        self.db = db
        self._questions: Counter[tuple[str, str, str]] = Counter()  # (day, channel, outcome)
        self._answers: Counter[tuple[str, str]] = Counter()  # (day, entry id)
        self._active: dict[str, set[int]] = {}  # day -> users seen that day, not yet written
        self._written: tuple[str, set[int]] = ("", set())  # users already written for the current day

    def question(self, moment: datetime, channel: str, outcome: str) -> None:
        """A typed question and what the FAQ did with it: answer, suggest or decline."""
        self._questions[(report_day(moment).isoformat(), channel, outcome)] += 1

    def answer(self, moment: datetime, entry_id: str) -> None:
        """An entry's answer was shown (typed question or button)."""
        self._answers[(report_day(moment).isoformat(), entry_id)] += 1

    def active(self, moment: datetime, user_id: int) -> None:
        """The user wrote or pressed a button."""
        day = report_day(moment).isoformat()
        written_day, written = self._written
        if day == written_day and user_id in written:
            return
        self._active.setdefault(day, set()).add(user_id)

    @property
    def pending(self) -> bool:
        return bool(self._questions or self._answers or self._active)

    async def flush(self) -> None:
        """Write what was counted since the last flush, in one transaction."""
        questions, answers, active = self._questions, self._answers, self._active
        self._questions, self._answers, self._active = Counter(), Counter(), {}
        if not (questions or answers or active):
            return
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO daily_questions (day, channel, outcome, count) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (day, channel, outcome) DO UPDATE SET count = daily_questions.count + excluded.count",
                [(*key, n) for key, n in questions.items()],
            )
            await tx.executemany(
                "INSERT INTO daily_answers (day, entry_id, count) VALUES (?, ?, ?)"
                " ON CONFLICT (day, entry_id) DO UPDATE SET count = daily_answers.count + excluded.count",
                [(*key, n) for key, n in answers.items()],
            )
            for day, users in sorted(active.items()):
                ids = sorted(users)
                for start in range(0, len(ids), _CHUNK):
                    chunk = ids[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    fresh = f"id IN ({marks}) AND (last_active IS NULL OR last_active < ?)"
                    await tx.execute(
                        f"INSERT INTO daily_active (day, channel, users) SELECT ?, channel, COUNT(*) FROM users"
                        f" WHERE {fresh} GROUP BY channel"
                        " ON CONFLICT (day, channel) DO UPDATE SET users = daily_active.users + excluded.users",
                        (day, *chunk, day),
                    )
                    await tx.execute(f"UPDATE users SET last_active = ? WHERE {fresh}", (day, *chunk, day))
        newest = max(active, default="")
        if newest:
            written_day, written = self._written
            self._written = (newest, (written if written_day == newest else set()) | active[newest])
