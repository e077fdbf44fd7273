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
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.messages import Delivery, DeliveryRef, Reply
from bot.reminders.model import Claim, DueReminder, Reminder
from bot.reminders.schedule import GRACE
from bot.users import StoredUser

log = logging.getLogger(__name__)

Deliver = Callable[[StoredUser, list[Reply], DeliveryRef], Awaitable[Delivery]]
"""Send a reminder occurrence's replies to a user through their channel and say what became of them."""
Compose = Callable[[DueReminder], Reply]
FAILED = "failed"  # the channel raised: recorded, never retried (the next occurrence comes as usual)


class DeliveryLog(Protocol):
    """What the dispatcher needs from storage (bot/storage/reminders.py implements it)."""

    async def claim_due(
        self, now: datetime, limit: int, channel: str, decide: Callable[[DueReminder], Claim]
    ) -> tuple[list[Claim], set[tuple[int, str]]]: ...

    async def mark(self, results: Iterable[tuple[int, str, str]], channel: str | None = None) -> None: ...

    async def unfinished(
        self, channel: str, claimed_before: datetime | None = None
    ) -> list[tuple[int, str, datetime]]: ...

    async def reminder_owner(self, reminder_id: int) -> tuple[Reminder, StoredUser] | None: ...

    async def renew(self, reminder_ids: Iterable[int]) -> None: ...


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unreachable: int = 0
    window_closed: int = 0

    def count(self, status: str) -> None:
        if status == Delivery.SENT:
            self.sent += 1
        elif status == Delivery.UNREACHABLE:
            self.unreachable += 1
        elif status == Delivery.WINDOW_CLOSED:
            self.window_closed += 1
        else:
            self.failed += 1


class ReminderDispatcher:
    def __init__(
        self,
        store: DeliveryLog,
        channel: str,
        deliver: Deliver,
        compose: Compose,
        clock: Callable[[], datetime],
        *,
        batch: int = 2000,  # large enough that the slow tail of each batch is rare (bench/reminders_load.py)
        concurrency: int = 64,
        takeover_after: timedelta | None = None,
    ) -> None:
        self.store = store
        self.channel = channel
        self._deliver = deliver
        self._compose = compose
        self._clock = clock
        self._batch = batch
        self._limit = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()  # one tick at a time, even if a timer fires while one runs
        # None: this is the only process (SQLite), so at start everything left `sending` was left by a
        # stopped one. Set (several workers): a claim older than this was left by a dead worker; every
        # tick takes those over.
        self._takeover_after = takeover_after
        self._claimed: Counter[int] = Counter()  # reminder ids this worker has claimed and not yet recorded

    async def recover(self) -> DispatchReport:
        """Finish occurrences a stopped process claimed but never marked (at start, and with several
        workers on every tick: those whose claim is older than `takeover_after`)."""
        report = DispatchReport()
        now = self._clock()
        results: list[tuple[int, str, str]] = []
        before = None if self._takeover_after is None else datetime.now(UTC) - self._takeover_after
        taken = await self.store.unfinished(self.channel, before)
        async with self._kept_alive([reminder_id for reminder_id, _, _ in taken]):
            await self._finish(taken, now, results, report)
        await self.store.mark(results, self.channel)
        if report.sent or report.failed:
            log.info("recovered unfinished reminders: %d sent, %d given up", report.sent, report.failed)
        return report

    async def _finish(
        self,
        taken: list[tuple[int, str, datetime]],
        now: datetime,
        results: list[tuple[int, str, str]],
        report: DispatchReport,
    ) -> None:
        again: list[DueReminder] = []
        for reminder_id, occurrence, due_utc in taken:
            owner = await self.store.reminder_owner(reminder_id)
            if owner is None or now - due_utc > GRACE or not owner[1].active:
                results.append((reminder_id, occurrence, "failed"))
                report.failed += 1
                continue
            again.append(due_again(owner[0], owner[1], occurrence, due_utc))
        # side by side, as a tick sends (a dead worker leaves thousands behind, not a few)
        for due, status in zip(again, await asyncio.gather(*(self._send(d) for d in again)), strict=True):
            results.append((due.reminder.id, due.occurrence, status))
            report.count(status)

    async def tick(self) -> DispatchReport:
        """Deliver everything due now, batch by batch.

        The next batch is claimed while the current one is being sent, so a paced channel (WhatsApp's
        80 messages/s) never waits on the database between batches and keeps its rate.
        """
        if self._takeover_after is not None:
            await self.recover()  # claims a dead worker left behind
        report = DispatchReport()
        async with self._lock, self._kept_alive([]):
            batch = await self._next_batch(report)
            for _ in range(10_000):  # bounded; each batch moves every row it read forward, so this ends
                if batch is None:
                    break
                following = asyncio.create_task(self._next_batch(report))
                try:
                    outcomes = await asyncio.gather(*(self._send(d) for d in batch))
                    await self.store.mark(
                        ((d.reminder.id, d.occurrence, status) for d, status in zip(batch, outcomes, strict=True)),
                        self.channel,
                    )
                    self._claimed.subtract(d.reminder.id for d in batch)
                except BaseException:
                    following.cancel()
                    raise
                for status in outcomes:
                    report.count(status)
                batch = await following
        if report.sent or report.skipped or report.failed or report.unreachable or report.window_closed:
            log.info(
                "reminders: %d sent, %d skipped, %d unreachable, %d outside the window, %d failed",
                report.sent,
                report.skipped,
                report.unreachable,
                report.window_closed,
                report.failed,
            )
        return report

    async def _next_batch(self, report: DispatchReport) -> list[DueReminder] | None:
        """Claim what is due now: the occurrences to send (maybe none, all skipped), or None when nothing is due.

        A short batch does not mean the end: skipping a stale occurrence can make a fresh one due now.
        """
        now = self._clock()
        claims, to_send = await self.store.claim_due(now, self._batch, self.channel, lambda d: self._claim(d, now))
        if not claims:
            return None
        report.skipped += sum(1 for c in claims if c.status == "skipped")
        batch = [c.due for c in claims if (c.due.reminder.id, c.due.occurrence) in to_send]
        self._claimed.update(d.reminder.id for d in batch)
        return batch

    @asynccontextmanager
    async def _kept_alive(self, extra: list[int]) -> AsyncIterator[None]:
        """With several workers: while this one sends, its claims are renewed every third of the takeover
        time, so however slowly a batch goes (a paced channel, a slow API), no live worker's claim is
        taken over by another."""
        if self._takeover_after is None:
            yield
            return
        self._claimed.update(extra)
        every = self._takeover_after.total_seconds() / 3

        async def renew() -> None:
            while True:
                await asyncio.sleep(every)
                claimed = [rid for rid, n in self._claimed.items() if n > 0]
                if claimed:
                    try:
                        await self.store.renew(claimed)
                    except Exception:
                        log.exception("could not renew this worker's reminder claims")

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            self._claimed.subtract(extra)
            self._claimed = +self._claimed  # drop ids no longer claimed

    def _claim(self, due: DueReminder, now: datetime) -> Claim:
        late = now - due.due_utc > GRACE
        status = "skipped" if late or not due.user.active else "sending"
        advance = None
        if not due.snooze:
            # after a long outage, jump to the first occurrence that is not already stale
            advance = due.reminder.following(due.user.timezone, max(due.due_utc, now - GRACE))
        return Claim(due, status, advance)

    async def _send(self, due: DueReminder) -> str:
        """The status to record: the channel's Delivery outcome, or 'failed' when it raised."""
        async with self._limit:
            try:
                ref = DeliveryRef(due.reminder.id, due.occurrence)
                return str(await self._deliver(due.user, [self._compose(due)], ref))
            except Exception:
                log.exception("reminder %s for user %s could not be sent", due.occurrence, due.user.id)
                return FAILED


def due_again(reminder: Reminder, user: StoredUser, occurrence: str, due_utc: datetime) -> DueReminder:
    """A recorded occurrence (`2026-11-30` or `2026-11-30+snooze`) as the DueReminder it was."""
    local = datetime.fromisoformat(occurrence.split("+")[0]).date()
    return DueReminder(reminder, user, occurrence, local, due_utc, occurrence.endswith("+snooze"))
