"""Running the dispatcher on a timer (APScheduler): one job for every subscriber, not one job each."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.reminders.dispatcher import ReminderDispatcher

log = logging.getLogger(__name__)
TICK_SECONDS = 15


class ReminderRunner:
    """Starts with a recovery pass, then asks the database what is due every `interval` seconds.

    One timer drives every channel's dispatcher in turn: the database, not the scheduler, knows what is due.
    """

    def __init__(self, dispatchers: list[ReminderDispatcher], interval: float = TICK_SECONDS) -> None:
        self.dispatchers = dispatchers
        self.interval = interval
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> None:
        for dispatcher in self.dispatchers:
            await dispatcher.tick()

    async def start(self) -> None:
        for dispatcher in self.dispatchers:
            report = await dispatcher.recover()
            if report.sent or report.failed:
                log.info("recovered unfinished reminders: %d sent, %d given up", report.sent, report.failed)
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval,
            next_run_time=datetime.now().astimezone(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            id="reminders",
        )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
