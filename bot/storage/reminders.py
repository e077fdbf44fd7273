"""Reminder subscriptions and their delivery log: what is due, claimed exactly once, and how it went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.messages import DeliveryRef
from bot.reminders.model import Claim, DueReminder, Reminder
from bot.reminders.schedule import from_utc_text, next_occurrence, to_utc_text
from bot.storage.connection import Store, Transaction, utc_now_iso
from bot.storage.usage import report_day
from bot.storage.users import user_from_row
from bot.users import StoredUser


class ReminderRepo:
    def __init__(self, db: Store) -> None:
        self.db = db

    # --- subscriptions ------------------------------------------------------------------

    async def set_reminder(
        self, user: StoredUser, kind: str, at: time, now: datetime, weekday: int | None = None
    ) -> Reminder:
        """Create or change a reminder and schedule its next occurrence after `now`."""
        existing = await self.get(user.id, kind)
        paused = existing.paused_until if existing else None
        occ = next_occurrence(at, user.timezone, now, weekday, paused)
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO reminders (user_id, kind, local_time, weekday, enabled, paused_until, next_due_utc,"
                " next_local_date) VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
                " ON CONFLICT (user_id, kind) DO UPDATE SET local_time = excluded.local_time,"
                " weekday = excluded.weekday, enabled = 1, next_due_utc = excluded.next_due_utc,"
                " next_local_date = excluded.next_local_date",
                (user.id, kind, at.strftime("%H:%M"), weekday, _d(paused), to_utc_text(occ.due_utc),
                 occ.local_date.isoformat()),
            )  # fmt: skip
        reminder = await self.get(user.id, kind)
        assert reminder is not None
        return reminder

    async def get(self, user_id: int, kind: str) -> Reminder | None:
        row = await self.db.fetch_one("SELECT * FROM reminders WHERE user_id = ? AND kind = ?", (user_id, kind))
        return _reminder(row) if row else None

    async def list_for(self, user_id: int) -> list[Reminder]:
        rows = await self.db.fetch_all("SELECT * FROM reminders WHERE user_id = ? ORDER BY kind DESC", (user_id,))
        return [_reminder(r) for r in rows]

    async def disable(self, user_id: int, kind: str | None = None) -> int:
        """Turn reminders off (all of them when `kind` is None); returns how many were on."""
        sql = (
            "UPDATE reminders SET enabled = 0, next_due_utc = NULL, next_local_date = NULL,"
            " snooze_due_utc = NULL, snooze_local_date = NULL WHERE user_id = ? AND enabled = 1"
        )
        params: tuple[Any, ...] = (user_id,)
        if kind is not None:
            sql, params = sql + " AND kind = ?", (user_id, kind)
        async with self.db.transaction() as tx:
            return await tx.execute(sql, params)

    async def enable(self, user: StoredUser, kind: str, now: datetime) -> Reminder | None:
        """Switch a reminder that was turned off back on, at its old time; None when there is none."""
        existing = await self.get(user.id, kind)
        if existing is None:
            return None
        return await self.set_reminder(user, kind, existing.local_time, now, existing.weekday)

    async def resume(self, user: StoredUser, now: datetime) -> None:
        """End a pause now: every enabled reminder is due again from its next regular time."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE reminders SET paused_until = NULL WHERE user_id = ?", (user.id,))
        await self.reschedule(user, now)

    async def reschedule(self, user: StoredUser, now: datetime, paused_until: date | None = None) -> None:
        """Recompute every enabled reminder (after a zone change or a pause)."""
        reminders = [r for r in await self.list_for(user.id) if r.enabled]
        async with self.db.transaction() as tx:
            for r in reminders:
                pause = paused_until if paused_until is not None else r.paused_until
                occ = next_occurrence(r.local_time, user.timezone, now, r.weekday, pause)
                await tx.execute(
                    "UPDATE reminders SET paused_until = ?, next_due_utc = ?, next_local_date = ?,"
                    " snooze_due_utc = NULL, snooze_local_date = NULL WHERE id = ?",
                    (_d(pause), to_utc_text(occ.due_utc), occ.local_date.isoformat(), r.id),
                )

    async def snooze(self, user_id: int, kind: str, due_utc: datetime, local_date: date) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE reminders SET snooze_due_utc = ?, snooze_local_date = ? WHERE user_id = ? AND kind = ?"
                " AND enabled = 1",
                (to_utc_text(due_utc), local_date.isoformat(), user_id, kind),
            )
        return changed > 0

    # --- delivery -----------------------------------------------------------------------

    async def due(self, now: datetime, limit: int, channel: str) -> list[DueReminder]:
        """Occurrences due at `now` for one channel's users, oldest first: regular ones, then snoozed repeats."""
        async with self.db.transaction() as tx:
            return await self._due(tx, now, limit, channel)

    async def _due(self, tx: Transaction, now: datetime, limit: int, channel: str) -> list[DueReminder]:
        # On PostgreSQL the rows are locked until the claim commits, and rows another worker holds are
        # skipped: several workers take disjoint batches instead of racing for the same ones.
        lock = " FOR UPDATE OF r SKIP LOCKED" if self.db.kind == "postgresql" else ""
        now_text = to_utc_text(now)
        select = "SELECT r.*, u.id AS u_id, u.channel, u.chat_id, u.language, u.timezone, u.created_at,"
        select += " u.active, u.weekly_target FROM reminders r JOIN users u ON u.id = r.user_id"
        regular = await tx.fetch_all(
            f"{select} WHERE r.next_due_utc <= ? AND u.channel = ? ORDER BY r.next_due_utc LIMIT ?{lock}",
            (now_text, channel, limit),
        )
        snoozed = await tx.fetch_all(
            f"{select} WHERE r.snooze_due_utc <= ? AND u.channel = ? ORDER BY r.snooze_due_utc LIMIT ?{lock}",
            (now_text, channel, limit),
        )
        out = []
        for row in regular:
            local = date.fromisoformat(row["next_local_date"])
            out.append(DueReminder(_reminder(row), _joined_user(row), local.isoformat(), local,
                                   from_utc_text(row["next_due_utc"]), False))  # fmt: skip
        for row in snoozed:
            local = date.fromisoformat(row["snooze_local_date"])
            out.append(DueReminder(_reminder(row), _joined_user(row), f"{local.isoformat()}+snooze", local,
                                   from_utc_text(row["snooze_due_utc"]), True))  # fmt: skip
        return out

    async def claim_due(
        self, now: datetime, limit: int, channel: str, decide: Callable[[DueReminder], Claim]
    ) -> tuple[list[Claim], set[tuple[int, str]]]:
        """What is due, decided (`decide`: send or skip, and the next occurrence) and claimed in one short
        transaction; returns the claims and those of them to send now."""
        async with self.db.transaction() as tx:
            due = await self._due(tx, now, limit, channel)
            claims = [decide(d) for d in due]
            return claims, await self._claim(tx, claims)

    async def claim(self, claims: list[Claim]) -> set[tuple[int, str]]:
        """Record each occurrence and move its reminder on, atomically; returns the claims that are new.

        An occurrence already in `deliveries` (sent before a crash, or by another process) is not
        returned, so it is never sent twice.
        """
        if not claims:
            return set()
        async with self.db.transaction() as tx:
            return await self._claim(tx, claims)

    async def _claim(self, tx: Transaction, claims: list[Claim]) -> set[tuple[int, str]]:
        if not claims:
            return set()
        stamp = utc_now_iso()
        claimed: set[tuple[int, str]] = set()
        for chunk in _chunks(claims, 400):
            values = ", ".join("(?, ?, ?, ?, ?)" for _ in chunk)
            params: list[Any] = []
            for c in chunk:
                params += [c.due.reminder.id, c.due.occurrence, to_utc_text(c.due.due_utc), c.status, stamp]
            rows = await tx.fetch_all(
                "INSERT INTO deliveries (reminder_id, occurrence, due_utc, status, updated_at)"
                f" VALUES {values} ON CONFLICT DO NOTHING RETURNING reminder_id, occurrence",
                params,
            )
            claimed |= {(int(r[0]), str(r[1])) for r in rows}
        await tx.executemany(
            "UPDATE reminders SET next_due_utc = ?, next_local_date = ? WHERE id = ? AND next_due_utc = ?",
            [(to_utc_text(c.advance_to.due_utc), c.advance_to.local_date.isoformat(), c.due.reminder.id,
              to_utc_text(c.due.due_utc)) for c in claims if c.advance_to is not None],
        )  # fmt: skip
        await tx.executemany(
            "UPDATE reminders SET snooze_due_utc = NULL, snooze_local_date = NULL WHERE id = ? AND snooze_due_utc = ?",
            [(c.due.reminder.id, to_utc_text(c.due.due_utc)) for c in claims if c.due.snooze],
        )
        to_send = {(c.due.reminder.id, c.due.occurrence) for c in claims if c.status == "sending"}
        return claimed & to_send

    async def mark(self, results: Iterable[tuple[int, str, str]], channel: str | None = None) -> None:
        """Final status of claimed occurrences: (reminder_id, occurrence, 'sent' | 'failed' | ...).

        With `channel`, the day's delivery counts (what the admin views chart) grow in the same transaction.
        """
        results = list(results)
        now = datetime.now(UTC)
        stamp = now.isoformat(timespec="seconds")
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE deliveries SET status = ?, updated_at = ? WHERE reminder_id = ? AND occurrence = ?",
                [(status, stamp, rid, occ) for rid, occ, status in results],
            )
            if channel is not None:
                day = report_day(now).isoformat()
                await tx.executemany(
                    "INSERT INTO daily_deliveries (day, channel, status, count) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (day, channel, status) DO UPDATE SET count = daily_deliveries.count + excluded.count",
                    [(day, channel, status, n) for status, n in Counter(s for _r, _o, s in results).items()],
                )

    async def renew(self, reminder_ids: Iterable[int]) -> None:
        """A worker still sending these reminders' claimed occurrences says so: no one takes them over."""
        ids = sorted(set(reminder_ids))
        stamp = utc_now_iso()
        async with self.db.transaction() as tx:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                await tx.execute(
                    f"UPDATE deliveries SET updated_at = ? WHERE status = 'sending'"
                    f" AND reminder_id IN ({','.join('?' * len(chunk))})",
                    (stamp, *chunk),
                )

    async def unfinished(self, channel: str, claimed_before: datetime | None = None) -> list[tuple[int, str, datetime]]:
        """Occurrences claimed but never marked for one channel: the process that claimed them stopped.

        `claimed_before`: only those claimed before then (with several workers, a live one's claims are
        younger), and they are taken over atomically (their claim time renewed), so two workers looking
        at once never both take one.
        """
        before = claimed_before or datetime.now(UTC) + timedelta(days=1)  # by default: every claim
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE deliveries SET updated_at = ? WHERE status = 'sending' AND updated_at < ? AND reminder_id IN"
                " (SELECT r.id FROM reminders r JOIN users u ON u.id = r.user_id WHERE u.channel = ?)"
                " RETURNING reminder_id, occurrence, due_utc",
                (utc_now_iso(), before.astimezone(UTC).isoformat(timespec="seconds"), channel),
            )
        return [(int(r[0]), str(r[1]), from_utc_text(r[2])) for r in rows]

    async def delivery_status(self, reminder_id: int, occurrence: str) -> str | None:
        row = await self.db.fetch_one(
            "SELECT status FROM deliveries WHERE reminder_id = ? AND occurrence = ?", (reminder_id, occurrence)
        )
        return str(row[0]) if row else None

    async def delivery(self, ref: DeliveryRef) -> tuple[Reminder, StoredUser, datetime] | None:
        """A recorded occurrence's reminder, its owner and when it was due."""
        row = await self.db.fetch_one(
            "SELECT due_utc FROM deliveries WHERE reminder_id = ? AND occurrence = ?", (ref.reminder_id, ref.occurrence)
        )
        owner = await self.reminder_owner(ref.reminder_id) if row else None
        return (*owner, from_utc_text(row[0])) if owner and row else None

    async def reminder_owner(self, reminder_id: int) -> tuple[Reminder, StoredUser] | None:
        row = await self.db.fetch_one(
            "SELECT r.*, u.id AS u_id, u.channel, u.chat_id, u.language, u.timezone, u.created_at, u.active,"
            " u.weekly_target FROM reminders r JOIN users u ON u.id = r.user_id WHERE r.id = ?",
            (reminder_id,),
        )
        return (_reminder(row), _joined_user(row)) if row else None


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _reminder(row: Any) -> Reminder:
    hour, minute = (int(p) for p in str(row["local_time"]).split(":"))
    return Reminder(
        id=int(row["id"]),
        user_id=int(row["user_id"]),
        kind=str(row["kind"]),
        local_time=time(hour, minute),
        weekday=row["weekday"],
        enabled=bool(row["enabled"]),
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        next_due_utc=from_utc_text(row["next_due_utc"]) if row["next_due_utc"] else None,
        next_local_date=date.fromisoformat(row["next_local_date"]) if row["next_local_date"] else None,
    )


def _joined_user(row: Any) -> StoredUser:
    return user_from_row(row, id_column="u_id")


def _chunks(items: list[Claim], size: int) -> Iterable[list[Claim]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
