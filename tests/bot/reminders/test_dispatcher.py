"""Delivery from the database: once per occurrence, across restarts, crashes, outages and changes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.messages import Delivery, DeliveryRef, Reply
from bot.reminders.dispatcher import ReminderDispatcher
from bot.reminders.model import STATS, UPLOAD, Claim
from bot.storage import Store
from bot.storage.reminders import ReminderRepo
from bot.storage.users import UserRepo
from bot.users import StoredUser
from handlers.reminders import compose


def utc(d: int, h: int, m: int = 0, s: int = 0) -> datetime:
    return datetime(2026, 11, d, h, m, s, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Outbox:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (chat id, first line of text)
    unreachable: set[str] = field(default_factory=set)
    outside_window: set[str] = field(default_factory=set)

    refs: list[DeliveryRef] = field(default_factory=list)

    async def deliver(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef) -> Delivery:
        self.refs.append(ref)
        if user.chat_id in self.unreachable:
            return Delivery.UNREACHABLE
        if user.chat_id in self.outside_window:
            return Delivery.WINDOW_CLOSED
        self.sent.extend((user.chat_id, r.text.splitlines()[0]) for r in replies)
        return Delivery.SENT


@dataclass
class World:
    db: Store
    store: ReminderRepo
    clock: Clock
    outbox: Outbox

    def dispatcher(self, channel: str = "telegram") -> ReminderDispatcher:
        return ReminderDispatcher(self.store, channel, self.outbox.deliver, compose, self.clock, batch=3)

    async def user(self, chat_id: str, zone: str = "Asia/Jakarta", channel: str = "telegram") -> StoredUser:
        return await UserRepo(self.db).ensure(channel, chat_id, zone)


@pytest.fixture
def world(database: Store) -> World:
    return World(database, ReminderRepo(database), Clock(utc(22, 10)), Outbox())


async def test_a_daily_reminder_is_sent_once_at_its_local_time(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)  # 19:00 WIB = 12:00 UTC
    d = world.dispatcher()
    world.clock.now = utc(22, 11, 59)
    assert (await d.tick()).sent == 0
    world.clock.now = utc(22, 12, 0, 10)
    assert (await d.tick()).sent == 1
    assert (await d.tick()).sent == 0
    assert world.outbox.sent[0][1].startswith("⏰")
    r = await world.store.get(user.id, UPLOAD)
    assert r is not None and r.next_due_utc == utc(23, 12) and r.next_local_date == date(2026, 11, 23)
    assert world.outbox.refs == [DeliveryRef(r.id, "2026-11-22")]  # the channel learns which occurrence it carries


async def test_a_restart_never_sends_the_same_occurrence_twice(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    due = await world.store.due(world.clock.now, 10, "telegram")
    # a first process claimed and sent it; then a second process sees the same row (before the move)
    first = await world.store.claim([Claim(due[0], "sending", None)])
    await world.store.mark([(r.id, "2026-11-22", "sent")])
    second = await world.store.claim([Claim(due[0], "sending", None)])
    assert first == {(r.id, "2026-11-22")} and second == set()


async def test_an_occurrence_claimed_before_a_crash_is_finished_after_restart(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    [due] = await world.store.due(world.clock.now, 10, "telegram")
    await world.store.claim([Claim(due, "sending", r.following(user.timezone, due.due_utc))])  # crash here
    world.clock.now = utc(22, 12, 30)
    report = await world.dispatcher().recover()
    assert report.sent == 1 and len(world.outbox.sent) == 1
    assert await world.store.delivery_status(r.id, "2026-11-22") == "sent"
    assert (await world.dispatcher().recover()).sent == 0


async def test_a_crash_older_than_the_grace_is_given_up_not_sent_stale(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    [due] = await world.store.due(world.clock.now, 10, "telegram")
    await world.store.claim([Claim(due, "sending", r.following(user.timezone, due.due_utc))])
    world.clock.now = utc(22, 15)
    assert (await world.dispatcher().recover()).failed == 1
    assert world.outbox.sent == []


async def test_down_at_due_time_sends_late_within_two_hours(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 13, 45)
    assert (await world.dispatcher().tick()).sent == 1


async def test_down_for_days_skips_stale_occurrences_and_never_bursts(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(25, 12, 30)  # back three days later, half an hour after that day's time
    report = await world.dispatcher().tick()
    assert report.sent == 1 and report.skipped == 1
    assert len(world.outbox.sent) == 1
    assert await world.store.delivery_status(r.id, "2026-11-22") == "skipped"
    assert await world.store.delivery_status(r.id, "2026-11-25") == "sent"


async def test_blocked_users_are_skipped(world: World) -> None:
    blocked = await world.user("1")
    await UserRepo(world.db).set_active(blocked.id, False)
    blocked = await world.user("1")
    await world.store.set_reminder(blocked, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    report = await world.dispatcher().tick()
    assert report.skipped == 1 and world.outbox.sent == []


async def test_an_unreachable_user_is_recorded_as_unreachable(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.outbox.unreachable.add("1")
    world.clock.now = utc(22, 12, 1)
    assert (await world.dispatcher().tick()).unreachable == 1
    assert await world.store.delivery_status(r.id, "2026-11-22") == "unreachable"


async def test_a_user_outside_the_session_window_is_recorded_as_such(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.outbox.outside_window.add("1")
    world.clock.now = utc(22, 12, 1)
    report = await world.dispatcher().tick()
    assert (report.window_closed, report.sent) == (1, 0)
    assert await world.store.delivery_status(r.id, "2026-11-22") == "window_closed"


async def test_changing_the_time_after_todays_reminder_does_not_send_again_today(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    d = world.dispatcher()
    world.clock.now = utc(22, 12, 1)
    await d.tick()
    world.clock.now = utc(22, 12, 30)  # 19:30 WIB: move it to 21:00, later today
    await world.store.set_reminder(user, UPLOAD, time(21), world.clock.now)
    world.clock.now = utc(22, 14, 1)
    assert (await d.tick()).sent == 0
    world.clock.now = utc(23, 14, 1)
    assert (await d.tick()).sent == 1


async def test_a_zone_change_moves_the_utc_instant(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    await UserRepo(world.db).set_timezone(user.id, "Asia/Jayapura")
    moved = await world.user("1")
    await world.store.reschedule(moved, world.clock.now)
    r = await world.store.get(user.id, UPLOAD)
    assert r is not None and r.next_due_utc == utc(22, 10, 0) + timedelta(days=1)  # 19:00 WIT = 10:00 UTC


async def test_a_snooze_across_midnight_keeps_both_days(world: World) -> None:
    user = await world.user("1")
    r = await world.store.set_reminder(user, UPLOAD, time(23, 30), world.clock.now)  # 16:30 UTC
    d = world.dispatcher()
    world.clock.now = utc(22, 16, 31)
    assert (await d.tick()).sent == 1
    await world.store.snooze(user.id, UPLOAD, world.clock.now + timedelta(hours=1), date(2026, 11, 22))
    world.clock.now = utc(22, 17, 32)  # 00:32 WIB on the 23rd
    assert (await d.tick()).sent == 1
    assert await world.store.delivery_status(r.id, "2026-11-22+snooze") == "sent"
    world.clock.now = utc(23, 16, 31)  # the 23rd's own reminder still comes
    assert (await d.tick()).sent == 1
    assert len(world.outbox.sent) == 3


async def test_a_weekly_reminder_comes_on_its_day(world: World) -> None:
    user = await world.user("1", zone="Asia/Makassar")
    await world.store.set_reminder(user, STATS, time(9), world.clock.now, weekday=0)  # Monday 09:00 WITA
    d = world.dispatcher()
    world.clock.now = utc(23, 0, 59)
    assert (await d.tick()).sent == 0
    world.clock.now = utc(23, 1, 0, 5)
    assert (await d.tick()).sent == 1
    assert world.outbox.sent[0][1].startswith("📊")
    r = await world.store.get(user.id, STATS)
    assert r is not None and r.next_local_date == date(2026, 11, 30)


async def test_paused_reminders_wait_until_the_pause_ends(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    await world.store.reschedule(user, world.clock.now, paused_until=date(2026, 11, 25))
    d = world.dispatcher()
    for day in (22, 23, 24):
        world.clock.now = utc(day, 12, 1)
        assert (await d.tick()).sent == 0
    world.clock.now = utc(25, 12, 1)
    assert (await d.tick()).sent == 1


async def test_each_channel_delivers_only_its_own_users(world: World) -> None:
    tg = await world.user("1")
    term = await world.user("me", channel="terminal")
    for user in (tg, term):
        await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    assert (await world.dispatcher("terminal").tick()).sent == 1
    assert world.outbox.sent == [("me", world.outbox.sent[0][1])]
    assert (await world.dispatcher("telegram").tick()).sent == 1


async def test_many_due_at_once_are_all_sent_in_batches(world: World) -> None:
    for n in range(10):
        await world.store.set_reminder(await world.user(str(n)), UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 1)
    assert (await world.dispatcher().tick()).sent == 10  # batch size 3
    assert len({chat for chat, _ in world.outbox.sent}) == 10


async def test_turning_off_stops_everything(world: World) -> None:
    user = await world.user("1")
    await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    await world.store.set_reminder(user, STATS, time(9), world.clock.now, weekday=0)
    assert await world.store.disable(user.id) == 2
    world.clock.now = utc(30, 12)
    assert (await world.dispatcher().tick()).sent == 0


async def test_the_next_batch_is_claimed_while_the_current_one_is_sent(world: World) -> None:
    """A paced channel must not sit idle while the database claims the next batch."""
    for n in range(6):
        user = await world.user(str(n))
        await world.store.set_reminder(user, UPLOAD, time(19), world.clock.now)
    world.clock.now = utc(22, 12, 0, 10)
    release = asyncio.Event()

    async def slow(user: StoredUser, replies: list[Reply], ref: DeliveryRef) -> Delivery:
        await release.wait()
        return Delivery.SENT

    d = ReminderDispatcher(world.store, "telegram", slow, compose, world.clock, batch=3)
    tick = asyncio.create_task(d.tick())
    for _ in range(100):
        if await world.db.fetch_one("SELECT COUNT(*) FROM deliveries WHERE status = 'sending'") == (6,):
            break
        await asyncio.sleep(0.01)
    rows = await world.db.fetch_all("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
    assert [tuple(r) for r in rows] == [("sending", 6)]  # the second batch is claimed; the first still sending
    release.set()
    report = await tick
    assert report.sent == 6
