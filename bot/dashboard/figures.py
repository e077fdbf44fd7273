"""What the dashboard shows for a period, gathered in one pass from the daily counts and indexed ranges."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.faq.content import Content
from bot.faq.grouping import Group, group_similar
from bot.storage.admin_stats import Overview, Series, daily, overview, unanswered_texts
from bot.storage.broadcasts import BroadcastRepo, Progress
from bot.storage.connection import Store

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
GROUPS_SHOWN = 25
DISTINCT_QUESTIONS = 400  # the most frequent distinct unanswered questions that are grouped
FRESH_SECONDS = 60.0  # figures of up to 30 days are gathered again when a copy is older than this
FRESH_SECONDS_LONG = 600.0  # and those of longer periods
STALE_AFTER = 10  # a copy this many times its freshness old is not shown: the page waits for new figures


class FigureCache:
    """Each period's figures, gathered at most every `fresh_seconds` and otherwise served from a copy.

    Gathering reads the counts of the period (a year for 100,000 users is over a hundred thousand
    index entries) and groups the unanswered questions, up to a few hundred milliseconds on a small
    machine; an operator's page needs figures a minute old, not that wait. A copy older than its
    freshness is served once more while a new one is gathered in the background; one older than
    `STALE_AFTER` times that (nobody looked for a while) is gathered again before answering. `warm`
    (when the login form is shown) gathers every period while the token is typed. The page shows when
    its figures were counted.
    """

    def __init__(self, db: Store, content: Callable[[], Content], clock: Callable[[], datetime]) -> None:
        self.db = db
        self.content = content
        self.clock = clock
        self._copies: dict[int, tuple[float, Figures]] = {}  # days -> (monotonic time, figures)
        self._refreshing: dict[int, asyncio.Task[Figures]] = {}

    async def get(self, days: int) -> Figures:
        copy = self._copies.get(days)
        age = time.monotonic() - copy[0] if copy is not None else None
        if copy is None or age is None or age >= STALE_AFTER * fresh_seconds(days):
            running = self._refreshing.get(days)
            return await (running if running is not None else self._refresh(days))
        if age >= fresh_seconds(days):
            self._refresh_soon(days)
        return copy[1]

    def warm(self) -> None:
        for days in PERIODS:
            if days not in self._copies:
                self._refresh_soon(days)

    def _refresh_soon(self, days: int) -> None:
        if days not in self._refreshing:
            self._refreshing[days] = asyncio.create_task(self._refresh(days))

    async def _refresh(self, days: int) -> Figures:
        try:
            figures = await gather(self.db, self.content(), self.clock(), days)
            self._copies[days] = (time.monotonic(), figures)
            return figures
        finally:
            self._refreshing.pop(days, None)


def fresh_seconds(days: int) -> float:
    return FRESH_SECONDS if days <= 30 else FRESH_SECONDS_LONG


async def _grouped(db: Store, now: datetime, days: int) -> list[Group]:
    since = (now - timedelta(days=days)).astimezone(UTC).isoformat(timespec="seconds")
    texts = await unanswered_texts(db, since, DISTINCT_QUESTIONS)
    # in a thread: TF-IDF (and importing scikit-learn the first time) would hold up every chat's messages
    groups = await asyncio.to_thread(group_similar, [(wording, count) for _, wording, count in texts])
    return groups[:GROUPS_SHOWN]


@dataclass(frozen=True)
class EntryFeedback:
    label: str
    question: str
    down: int
    up: int


@dataclass(frozen=True)
class Figures:
    days: int
    now: datetime
    overview: Overview
    questions: Series  # outcome -> per day
    active: Series  # channel -> per day
    deliveries: Series  # status -> per day
    unanswered: list[Group]
    feedback: list[EntryFeedback]
    top_entries: list[tuple[str, int]]  # label, answers shown
    broadcast: Progress | None


async def gather(db: Store, content: Content, now: datetime, days: int) -> Figures:
    summary = await overview(db, now, days, limit=10, gaps_limit=0, disliked_limit=None)
    groups = await _grouped(db, now, days)
    feedback = [
        EntryFeedback(_label(content, entry_id), _question(content, entry_id), down, up)
        for entry_id, down, up in summary.disliked
    ]
    return Figures(
        days=days,
        now=now,
        overview=summary,
        questions=await daily(db, "daily_questions", "outcome", "count", now, days),
        active=await daily(db, "daily_active", "channel", "users", now, days),
        deliveries=await daily(db, "daily_deliveries", "status", "count", now, days),
        unanswered=groups,
        feedback=feedback,
        top_entries=[(_label(content, e), n) for e, n in summary.top_entries],
        broadcast=await BroadcastRepo(db).progress(),
    )


def _label(content: Content, entry_id: str) -> str:
    entry = content.entry(content.canonical_id(entry_id))
    return (entry.label or entry.question) if entry is not None else entry_id


def _question(content: Content, entry_id: str) -> str:
    entry = content.entry(content.canonical_id(entry_id))
    return entry.question if entry is not None else ""
