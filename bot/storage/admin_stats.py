"""Read-only figures for the people who run Kawan: `/admin` in chat and the web dashboard.

Everything comes from counts per day and indexed ranges, never a scan of raw messages, and nothing
here returns a user id: counts, entry ids and the texts of questions Kawan could not answer.

Grouping keys are written `column || ''` where a period is filtered: otherwise SQLite walks the index
of the grouping column (every row ever stored) instead of the index on the period's time column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.storage.connection import Connection
from bot.storage.usage import report_day

OUTCOMES = ("answer", "suggest", "decline")
DOWN = "SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END)"  # not SUM(helpful = 0): PostgreSQL sums no booleans
UP = "SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END)"


@dataclass(frozen=True)
class Overview:
    days: int
    new_users: dict[str, int]  # channel -> users who started in the period
    active_users: dict[str, int]  # channel -> users who wrote in the period
    subscribers: dict[str, int]  # reminder kind -> users with it on (now)
    questions: dict[str, int]  # outcome -> typed questions in the period
    top_entries: list[tuple[str, int]]  # entry id, answers shown
    disliked: list[tuple[str, int, int]]  # entry id, 👎, 👍 (most 👎 first)
    gaps: list[tuple[str, int]]  # a question Kawan could not answer (one wording of it), how often

    @property
    def asked(self) -> int:
        return sum(self.questions.values())


async def overview(
    db: Connection,
    now: datetime,
    days: int,
    limit: int = 5,
    gaps_limit: int | None = None,
    disliked_limit: int | None = 5,
) -> Overview:
    """The figures of the last `days` days; `gaps_limit=0` skips the unanswered questions and
    `disliked_limit=None` lists every entry with a 👎 (the dashboard's list)."""
    since_day = (report_day(now) - timedelta(days=days - 1)).isoformat()
    since = (now - timedelta(days=days)).astimezone(UTC).isoformat(timespec="seconds")
    new = await db.fetch_all(
        "SELECT channel || '' AS c, COUNT(*) FROM users WHERE created_at >= ? GROUP BY c", (since,)
    )
    active = await db.fetch_all(
        "SELECT channel || '' AS c, COUNT(*) FROM users WHERE last_active >= ? GROUP BY c", (since_day,)
    )
    subscribers = await db.fetch_all("SELECT kind, COUNT(*) FROM reminders WHERE enabled = 1 GROUP BY kind")
    questions = await db.fetch_all(
        "SELECT outcome, SUM(count) FROM daily_questions WHERE day >= ? GROUP BY outcome", (since_day,)
    )
    top = await db.fetch_all(
        "SELECT entry_id, SUM(count) AS n FROM daily_answers WHERE day >= ? GROUP BY entry_id"
        " ORDER BY n DESC, entry_id LIMIT ?",
        (since_day, limit),
    )
    return Overview(
        days=days,
        new_users={str(r[0]): int(r[1]) for r in new},
        active_users={str(r[0]): int(r[1]) for r in active},
        subscribers={str(r[0]): int(r[1]) for r in subscribers},
        questions={str(r[0]): int(r[1]) for r in questions if str(r[0]) in OUTCOMES},
        top_entries=[(str(r[0]), int(r[1])) for r in top],
        disliked=await feedback_by_entry(db, since, disliked_limit),
        gaps=await gaps(db, since, limit if gaps_limit is None else gaps_limit) if gaps_limit != 0 else [],
    )


async def gaps(db: Connection, since: str, limit: int) -> list[tuple[str, int]]:
    """The most frequent unanswered questions since `since` (UTC ISO), one wording of each."""
    rows = await db.fetch_all(
        "SELECT MAX(question), COUNT(*) AS n FROM unanswered WHERE created_at >= ? GROUP BY normalized || ''"
        " ORDER BY n DESC, MAX(created_at) DESC LIMIT ?",
        (since, limit),
    )
    return [(str(r[0]), int(r[1])) for r in rows]


@dataclass(frozen=True)
class Series:
    """Values per day over a period, one list per name (questions by outcome, deliveries by status...)."""

    days: list[date]
    values: dict[str, list[int]]


async def daily(db: Connection, table: str, key: str, value: str, now: datetime, days: int) -> Series:
    """Sum `value` per day and `key` from one of the daily count tables, zero-filled, oldest day first."""
    assert table in ("daily_questions", "daily_active", "daily_deliveries"), table
    first = report_day(now) - timedelta(days=days - 1)
    rows = await db.fetch_all(
        f"SELECT day, {key}, SUM({value}) FROM {table} WHERE day >= ? GROUP BY day, {key}",
        (first.isoformat(),),
    )
    all_days = [first + timedelta(days=n) for n in range(days)]
    index = {d.isoformat(): n for n, d in enumerate(all_days)}
    values: dict[str, list[int]] = {}
    for day, name, total in rows:
        values.setdefault(str(name), [0] * days)[index[str(day)]] = int(total)
    return Series(all_days, values)


async def feedback_by_entry(db: Connection, since: str, limit: int | None = None) -> list[tuple[str, int, int]]:
    """The entries with 👎 since `since` (the first `limit`, or all): (entry id, 👎, 👍), most 👎 first."""
    rows = await db.fetch_all(
        f"SELECT entry_id || '' AS e, {DOWN} AS down, {UP} AS up FROM feedback"
        f" WHERE created_at >= ? GROUP BY e HAVING {DOWN} > 0 ORDER BY down DESC, up, e"
        + (" LIMIT ?" if limit is not None else ""),
        (since, limit) if limit is not None else (since,),
    )
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


async def unanswered_texts(db: Connection, since: str, limit: int = 300) -> list[tuple[str, str, int]]:
    """The most frequent unanswered questions since `since`: (normalised form, a wording, count)."""
    rows = await db.fetch_all(
        "SELECT normalized || '' AS k, MAX(question), COUNT(*) AS n FROM unanswered WHERE created_at >= ?"
        " GROUP BY k ORDER BY n DESC, k LIMIT ?",
        (since, limit),
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]
