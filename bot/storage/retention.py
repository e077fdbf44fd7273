"""How long Kawan keeps what: unanswered questions lose their link to the user, old records go.

Applied once a day by the scheduler (`bot/app.py`). Questions Kawan could not answer stay for the
editors, without the user id, after `unlink_after`; delivery records (reminders and announcements)
and 👍/👎 feedback older than `keep_records` are removed. Counts per day carry no user and stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.reminders.schedule import to_utc_text
from bot.storage.connection import Connection


@dataclass(frozen=True)
class Swept:
    unlinked: int  # unanswered questions that no longer name their user
    deliveries: int  # reminder delivery records removed
    announcements: int  # announcement delivery records removed
    feedback: int  # 👍/👎 records removed


async def apply_retention(db: Connection, now: datetime, unlink_after: timedelta, keep_records: timedelta) -> Swept:
    unlink_before = _iso(now - unlink_after)
    records_before = _iso(now - keep_records)
    async with db.transaction() as tx:
        unlinked = await tx.execute(
            "UPDATE unanswered SET user_id = NULL WHERE user_id IS NOT NULL AND created_at < ?", (unlink_before,)
        )
        deliveries = await tx.execute(
            "DELETE FROM deliveries WHERE updated_at < ? AND status NOT IN ('sending')", (records_before,)
        )
        announcements = await tx.execute(
            "DELETE FROM broadcast_recipients WHERE updated_at < ? AND status NOT IN ('pending', 'sending')",
            (to_utc_text(now - keep_records),),
        )
        feedback = await tx.execute("DELETE FROM feedback WHERE created_at < ?", (records_before,))
    return Swept(unlinked, deliveries, announcements, feedback)


def _iso(moment: datetime) -> str:
    """The form `utc_now_iso()` writes (`2026-12-01T10:00:00+00:00`), so text comparison orders correctly."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
