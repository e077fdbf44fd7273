"""Delivering an announcement to every recipient once, within the channel's limits, resumable after a crash.

Each tick claims batches of pending recipients (one short transaction each), sends to them outside it
through the channel (whose own limiter and pacing apply) and records the results every few sends. At
start, recipients a killed process left `sending` are sent again: they are the only ones who can get an
announcement twice. Announcements run on a timer of their own, so a long one never holds up reminders.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.messages import Delivery, Reply
from bot.users import StoredUser

log = logging.getLogger(__name__)

Deliver = Callable[[StoredUser, list[Reply]], Awaitable[Delivery]]
Compose = Callable[[StoredUser, str], Reply]


class Recipient(Protocol):
    @property
    def broadcast_id(self) -> int: ...

    @property
    def user(self) -> StoredUser: ...

    @property
    def text(self) -> str: ...


class AnnouncementLog(Protocol):
    """What the dispatcher needs from storage (bot/storage/broadcasts.py implements it)."""

    async def claim(self, channel: str, limit: int, now: datetime) -> Sequence[Recipient]: ...

    async def in_flight(
        self, channel: str, claimed_before: datetime | None = None, now: datetime | None = None
    ) -> Sequence[Recipient]: ...

    async def mark(self, results: Iterable[tuple[int, int, str]], now: datetime) -> None: ...

    async def renew(self, recipients: Iterable[tuple[int, int]], now: datetime) -> None: ...


class AnnouncementDispatcher:
    """Sends one channel's pending announcement recipients as a steady stream.

    Up to `concurrency` sends are in flight at once; when one finishes the next starts, and the next
    batch is claimed while the last of the current one is still being sent, so the channel's limiter,
    not batch boundaries, sets the pace. Results are recorded every `mark_every` sends, so after a kill
    only recipients sent since the last record (or still being sent) can get the announcement twice.
    """

    def __init__(
        self,
        store: AnnouncementLog,
        channel: str,
        deliver: Deliver,
        compose: Compose,
        clock: Callable[[], datetime],
        *,
        batch: int = 500,
        concurrency: int = 64,
        mark_every: int = 50,
        takeover_after: timedelta | None = None,
    ) -> None:
        self.store = store
        self.channel = channel
        self._deliver = deliver
        self._compose = compose
        self._clock = clock
        self._batch = batch
        self._concurrency = concurrency
        self._mark_every = mark_every
        self._lock = asyncio.Lock()
        self._takeover_after = takeover_after  # as for reminders: None when this is the only process

    async def recover(self) -> Counter[str]:
        """Send again to recipients a stopped process left mid-send (they may already have it)."""
        before = None if self._takeover_after is None else self._clock() - self._takeover_after
        async with self._lock:
            again = list(await self.store.in_flight(self.channel, before, self._clock()))
            counts = await self._stream(_once(again)) if again else Counter()
        if again:
            log.info("announcements: %d left mid-send by a stopped run were sent again", len(again))
        return counts

    async def tick(self) -> Counter[str]:
        if self._takeover_after is not None:
            await self.recover()  # recipients a dead worker left mid-send
        async with self._lock:
            counts = await self._stream(self._claimed())
        if counts:
            log.info("announcements: %s", ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
        return counts

    async def _claimed(self) -> AsyncIterator[Sequence[Recipient]]:
        while batch := await self.store.claim(self.channel, self._batch, self._clock()):
            yield batch

    async def _stream(self, batches: AsyncIterator[Sequence[Recipient]]) -> Counter[str]:
        counts: Counter[str] = Counter()
        slots = asyncio.Semaphore(self._concurrency)
        done: list[tuple[int, int, str]] = []
        sending: set[asyncio.Task[None]] = set()
        marking = asyncio.Lock()

        claimed: set[tuple[int, int]] = set()  # sent to, or being sent to, and not yet recorded

        async def record(results: list[tuple[int, int, str]]) -> None:
            async with marking:
                await self.store.mark(results, self._clock())
            claimed.difference_update((b, u) for b, u, _ in results)

        async def renew() -> None:  # with several workers: no live worker's claims are taken over
            assert self._takeover_after is not None
            while True:
                await asyncio.sleep(self._takeover_after.total_seconds() / 3)
                if claimed:
                    try:
                        await self.store.renew(list(claimed), self._clock())
                    except Exception:
                        log.exception("could not renew this worker's announcement claims")

        renewing = asyncio.create_task(renew()) if self._takeover_after is not None else None

        async def send(recipient: Recipient) -> None:
            try:
                status = await self._send(recipient)
                counts[status] += 1
                done.append((recipient.broadcast_id, recipient.user.id, status))
                if len(done) >= self._mark_every:
                    results = done[:]
                    done.clear()
                    await record(results)
            finally:
                slots.release()

        try:
            async for batch in batches:
                claimed.update((r.broadcast_id, r.user.id) for r in batch)
                for recipient in batch:
                    await slots.acquire()
                    task = asyncio.create_task(send(recipient))
                    sending.add(task)
                    task.add_done_callback(sending.discard)
            await asyncio.gather(*sending)
        except BaseException:
            for task in sending:
                task.cancel()
            raise
        finally:
            if renewing is not None:
                renewing.cancel()
        if done:
            await record(done)
        return counts

    async def _send(self, recipient: Recipient) -> str:
        try:
            return str(await self._deliver(recipient.user, [self._compose(recipient.user, recipient.text)]))
        except Exception:
            log.exception("announcement %d could not be sent to user %d", recipient.broadcast_id, recipient.user.id)
            return "failed"


async def _once(batch: Sequence[Recipient]) -> AsyncIterator[Sequence[Recipient]]:
    yield batch
