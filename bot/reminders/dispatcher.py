"""Delivering due reminders exactly once per occurrence, from the database, in batches.

Nothing about a subscription lives in memory: every tick asks the database what is due
(`reminders.next_due_utc` is indexed), claims those occurrences in `deliveries` in the same
transaction that moves each reminder to its next occurrence, sends, and marks the result.
A restart therefore neither repeats a sent occurrence nor forgets a due one; an occurrence
found more than `GRACE` late (the bot was down) is recorded as skipped instead of sent stale.
The one window left is a crash after Telegram accepted a message and before it was marked
sent: on restart such an occurrence is sent again if still within the grace period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.messages import Reply
from bot.reminders.schedule import GRACE
from bot.storage import StoredUser
from bot.storage.reminder_store import Claim, DueReminder, ReminderStore

log = logging.getLogger(__name__)

Deliver = Callable[[StoredUser, list[Reply]], Awaitable[bool]]
"""Send replies to a user; False when they cannot be reached (blocked the bot)."""
Compose = Callable[[DueReminder], Reply]


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


class ReminderDispatcher:
    def __init__(
        self,
        store: ReminderStore,
        channel: str,
        deliver: Deliver,
        compose: Compose,
        clock: Callable[[], datetime],
        *,
        batch: int = 2000,  # large enough that the slow tail of each batch is rare (bench/reminders_load.py)
        concurrency: int = 64,
    ) -> None:
        self.store = store
        self.channel = channel
        self._deliver = deliver
        self._compose = compose
        self._clock = clock
        self._batch = batch
        self._limit = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()  # one tick at a time, even if a timer fires while one runs

    async def recover(self) -> DispatchReport:
        """At start: finish occurrences a previous run claimed but never marked."""
        report = DispatchReport()
        now = self._clock()
        results: list[tuple[int, str, str]] = []
        for reminder_id, occurrence, due_utc in await self.store.unfinished(self.channel):
            owner = await self.store.reminder_owner(reminder_id)
            if owner is None or now - due_utc > GRACE or not owner[1].active:
                results.append((reminder_id, occurrence, "failed"))
                report.failed += 1
                continue
            reminder, user = owner
            local = datetime.fromisoformat(occurrence.split("+")[0]).date()
            due = DueReminder(reminder, user, occurrence, local, due_utc, occurrence.endswith("+snooze"))
            ok = await self._send(due)
            results.append((reminder_id, occurrence, "sent" if ok else "failed"))
            report.sent += ok
            report.failed += not ok
        await self.store.mark(results)
        return report

    async def tick(self) -> DispatchReport:
        """Deliver everything due now, batch by batch."""
        report = DispatchReport()
        async with self._lock:
            for _ in range(10_000):  # bounded; each batch moves every row it read forward, so this ends
                now = self._clock()
                due = await self.store.due(now, self._batch, self.channel)
                if not due:
                    break
                claims = [self._claim(d, now) for d in due]
                to_send = await self.store.claim(claims)
                report.skipped += sum(1 for c in claims if c.status == "skipped")
                sending = [c.due for c in claims if (c.due.reminder.id, c.due.occurrence) in to_send]
                outcomes = await asyncio.gather(*(self._send(d) for d in sending))
                await self.store.mark(
                    (d.reminder.id, d.occurrence, "sent" if ok else "failed")
                    for d, ok in zip(sending, outcomes, strict=True)
                )
                report.sent += sum(outcomes)
                report.failed += len(outcomes) - sum(outcomes)
                # no early exit on a short batch: skipping a stale occurrence can make a fresh one due now
        if report.sent or report.skipped or report.failed:
            log.info("reminders: %d sent, %d skipped, %d failed", report.sent, report.skipped, report.failed)
        return report

    def _claim(self, due: DueReminder, now: datetime) -> Claim:
        late = now - due.due_utc > GRACE
        status = "skipped" if late or not due.user.active else "sending"
        advance = None
        if not due.snooze:
            # after a long outage, jump to the first occurrence that is not already stale
            advance = due.reminder.following(due.user.timezone, max(due.due_utc, now - GRACE))
        return Claim(due, status, advance)

    async def _send(self, due: DueReminder) -> bool:
        async with self._limit:
            try:
                return await self._deliver(due.user, [self._compose(due)])
            except Exception:
                log.exception("reminder %s for user %s could not be sent", due.occurrence, due.user.id)
                return False
