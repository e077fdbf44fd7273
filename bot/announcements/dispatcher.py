"""Delivering an announcement to every recipient once, within the channel's limits, resumable after a crash.

Each tick claims a batch of pending recipients (one short transaction), sends to them outside it through
the channel (whose own limiter and pacing apply), and marks each result; the next batch is claimed while
the current one is sent. At start, recipients a killed process left `sending` are sent again: they are the
only ones who can get an announcement twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
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

    async def in_flight(self, channel: str) -> Sequence[Recipient]: ...

    async def mark(self, results: Iterable[tuple[int, int, str]], now: datetime) -> None: ...


class AnnouncementDispatcher:
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
    ) -> None:
        self.store = store
        self.channel = channel
        self._deliver = deliver
        self._compose = compose
        self._clock = clock
        self._batch = batch
        self._limit = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()

    async def recover(self) -> Counter[str]:
        """Send again to recipients a stopped process left mid-send (they may already have it)."""
        async with self._lock:
            again = await self.store.in_flight(self.channel)
            counts = await self._send_batch(again)
        if again:
            log.info("announcements: %d left mid-send by a stopped run were sent again", len(again))
        return counts

    async def tick(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        async with self._lock:
            batch = await self.store.claim(self.channel, self._batch, self._clock())
            while batch:
                following = asyncio.create_task(self.store.claim(self.channel, self._batch, self._clock()))
                try:
                    counts += await self._send_batch(batch)
                except BaseException:
                    following.cancel()
                    raise
                batch = await following
        if counts:
            log.info("announcements: %s", ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
        return counts

    async def _send_batch(self, batch: Sequence[Recipient]) -> Counter[str]:
        outcomes = await asyncio.gather(*(self._send(r) for r in batch))
        await self.store.mark(
            ((r.broadcast_id, r.user.id, status) for r, status in zip(batch, outcomes, strict=True)), self._clock()
        )
        return Counter(outcomes)

    async def _send(self, recipient: Recipient) -> str:
        async with self._limit:
            try:
                return str(await self._deliver(recipient.user, [self._compose(recipient.user, recipient.text)]))
            except Exception:
                log.exception("announcement %d could not be sent to user %d", recipient.broadcast_id, recipient.user.id)
                return "failed"
