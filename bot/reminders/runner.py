"""Running the dispatcher on a timer (APScheduler): one job for every subscriber, not one job each."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)
TICK_SECONDS = 15


class Dispatcher(Protocol):
    """Something the database says is due (reminders, announcements), delivered on each tick."""

    async def recover(self) -> object: ...

    async def tick(self) -> object: ...


@dataclass(frozen=True)
class Job:
    """Work on its own timer (counts flushed, the retention sweep): name, every how many seconds, what."""

    name: str
    seconds: float
    run: Callable[[], Awaitable[object]]
    first_after: float | None = None  # seconds after start of the first run (default: one interval)


class ReminderRunner:
    """Starts with a recovery pass, then asks the database what is due every `interval` seconds.

    One timer drives every channel's dispatchers in turn: the database, not the scheduler, knows what is due.
    `jobs` run on timers of their own in the same scheduler; a job that fails is logged and runs again next time.
    """

    def __init__(self, dispatchers: list[Dispatcher], interval: float = TICK_SECONDS, jobs: tuple[Job, ...] = ()):
        self.dispatchers = dispatchers
        self.interval = interval
        self.jobs = jobs
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> None:
        for dispatcher in self.dispatchers:
            await dispatcher.tick()

    async def start(self) -> None:
        for dispatcher in self.dispatchers:
            await dispatcher.recover()
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
        for job in self.jobs:
            scheduler.add_job(
                _logged(job),
                "interval",
                seconds=job.seconds,
                next_run_time=datetime.now().astimezone() + timedelta(seconds=job.first_after or job.seconds),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                id=job.name,
            )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None


def _logged(job: Job) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job.run()
        except Exception:
            log.exception("%s failed; it runs again in %.0f s", job.name, job.seconds)

    return run
