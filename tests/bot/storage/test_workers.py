"""Several workers on one PostgreSQL database: each occurrence and each announcement goes to one of them,
and what a dead worker left mid-send is taken over after the timeout, never while it is alive."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.announcements.dispatcher import AnnouncementDispatcher
from bot.config import Settings
from bot.messages import Delivery, DeliveryRef, Reply
from bot.reminders.dispatcher import ReminderDispatcher
from bot.reminders.model import UPLOAD
from bot.reminders.schedule import to_utc_text
from bot.storage import Store, open_database
from bot.storage.broadcasts import BroadcastRepo
from bot.storage.reminders import ReminderRepo
from bot.storage.users import UserRepo
from bot.users import StoredUser
from handlers.admin import compose_announcement
from handlers.reminders import compose
from tests import postgres

pytestmark = pytest.mark.skipif(
    postgres.URL is None, reason="needs KAWAN_TEST_POSTGRES (several workers share a server)"
)

START = datetime(2026, 11, 22, 10, tzinfo=UTC)
TAKEOVER = timedelta(minutes=5)


@pytest.fixture
def db_backend() -> str:
    return "postgresql"


@pytest.fixture
async def workers(settings: Settings) -> AsyncIterator[list[Store]]:
    """Four workers: four connection pools on one database, as four `kawan run` processes have."""
    stores = [await open_database(settings.db_path, settings.db_url) for _ in range(4)]
    yield stores
    for store in stores:
        await store.close()


class Outbox:
    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    async def reminder(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef) -> Delivery:
        await asyncio.sleep(0.001)  # a send takes a moment: the workers overlap
        self.sent[user.chat_id] += 1
        return Delivery.SENT

    async def announcement(self, user: StoredUser, replies: list[Reply]) -> Delivery:
        await asyncio.sleep(0.001)
        self.sent[user.chat_id] += 1
        return Delivery.SENT


async def _subscribers(db: Store, n: int) -> None:
    users, reminders = UserRepo(db), ReminderRepo(db)
    for i in range(n):
        user = await users.ensure("telegram", str(i), "Asia/Jakarta")
        await reminders.set_reminder(user, UPLOAD, time(17), START - timedelta(hours=1))  # 17:00 WIB = 10:00 UTC


async def test_four_workers_deliver_each_due_reminder_once(workers: list[Store]) -> None:
    await _subscribers(workers[0], 300)
    outbox = Outbox()
    now = START + timedelta(seconds=30)
    dispatchers = [
        ReminderDispatcher(ReminderRepo(db), "telegram", outbox.reminder, compose, lambda: now, batch=20,
                           takeover_after=TAKEOVER)
        for db in workers
    ]  # fmt: skip
    reports = await asyncio.gather(*(d.tick() for d in dispatchers))
    assert outbox.sent == Counter({str(i): 1 for i in range(300)})
    assert sum(r.sent for r in reports) == 300
    assert sum(1 for r in reports if r.sent) >= 2  # the work was shared, not done by one while others waited


async def test_four_workers_send_an_announcement_to_each_recipient_once(workers: list[Store]) -> None:
    await _subscribers(workers[0], 300)
    await BroadcastRepo(workers[0]).create("Webinar besok", None, ["telegram"], START)
    outbox = Outbox()
    announcers = [
        AnnouncementDispatcher(BroadcastRepo(db), "telegram", outbox.announcement, compose_announcement,
                               lambda: START, batch=20, concurrency=4, takeover_after=TAKEOVER)
        for db in workers
    ]  # fmt: skip
    counts = await asyncio.gather(*(a.tick() for a in announcers))
    assert outbox.sent == Counter({str(i): 1 for i in range(300)})
    assert sum(c["sent"] for c in counts) == 300 and sum(1 for c in counts if c["sent"]) >= 2
    progress = await BroadcastRepo(workers[1]).progress()
    assert progress is not None and progress.done and progress.counts == {"sent": 300}


async def test_a_dead_workers_claims_are_taken_over_after_the_timeout_only(workers: list[Store]) -> None:
    await _subscribers(workers[0], 10)
    await BroadcastRepo(workers[0]).create("Webinar besok", None, ["telegram"], START)
    # worker 0 claims a batch of each, then dies before sending or recording anything
    now = START + timedelta(seconds=30)
    _claims, to_send = await ReminderRepo(workers[0]).claim_due(
        now, 4, "telegram", lambda due: ReminderDispatcher(
            ReminderRepo(workers[0]), "telegram", Outbox().reminder, compose, lambda: now)._claim(due, now)
    )  # fmt: skip
    assert len(to_send) == 4
    assert len(await BroadcastRepo(workers[0]).claim("telegram", 4, START)) == 4

    outbox = Outbox()
    alive = ReminderDispatcher(ReminderRepo(workers[1]), "telegram", outbox.reminder, compose, lambda: now,
                               takeover_after=TAKEOVER)  # fmt: skip
    announcer = AnnouncementDispatcher(BroadcastRepo(workers[1]), "telegram", outbox.announcement,
                                       compose_announcement, lambda: START, takeover_after=TAKEOVER)  # fmt: skip
    await alive.tick()
    await announcer.tick()
    assert sum(outbox.sent.values()) == 6 + 6  # the unclaimed rest; the dead worker's claims are still young

    # six minutes pass (reminder claims are stamped with the real time, announcements with the dispatcher's)
    aged = {
        "deliveries": (datetime.now(UTC) - timedelta(minutes=6)).isoformat(timespec="seconds"),
        "broadcast_recipients": to_utc_text(START - timedelta(minutes=6)),
    }
    for table, stamp in aged.items():
        assert len(await workers[1].fetch_all(f"SELECT 1 FROM {table} WHERE status = 'sending'")) == 4
        await workers[1].write(f"UPDATE {table} SET updated_at = ? WHERE status = 'sending'", (stamp,))
    taken = await asyncio.gather(alive.tick(), announcer.tick(), alive.tick(), announcer.tick())
    assert outbox.sent == Counter({str(i): 2 for i in range(10)})  # a reminder and an announcement each
    assert taken  # and nothing is left in flight
    for table in ("deliveries", "broadcast_recipients"):
        assert await workers[2].fetch_all(f"SELECT 1 FROM {table} WHERE status = 'sending'") == []


async def test_one_chat_is_handled_by_one_worker_at_a_time(workers: list[Store]) -> None:
    events: list[str] = []

    async def handle(store: Store, chat: str, name: str) -> None:
        async with store.chat_turn("telegram", chat):
            events.append(f"{name} in")
            await asyncio.sleep(0.05)
            events.append(f"{name} out")

    await asyncio.gather(handle(workers[0], "42", "a"), handle(workers[1], "42", "b"))
    assert events in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])  # never overlapping
    events.clear()
    await asyncio.gather(handle(workers[0], "42", "a"), handle(workers[1], "43", "b"))
    assert events[:2] in (["a in", "b in"], ["b in", "a in"])  # other chats are not held up


async def test_a_slow_live_worker_keeps_its_claims(workers: list[Store]) -> None:
    """A batch that takes longer than the takeover time (a paced channel, a slow API) is renewed as it goes."""
    await _subscribers(workers[0], 3)
    sent: Counter[str] = Counter()

    async def slow(user: StoredUser, replies: list[Reply], ref: DeliveryRef) -> Delivery:
        await asyncio.sleep(0.5)
        sent[user.chat_id] += 1
        return Delivery.SENT

    now = START + timedelta(seconds=30)
    takeover = timedelta(seconds=0.6)
    a = ReminderDispatcher(ReminderRepo(workers[0]), "telegram", slow, compose, lambda: now, concurrency=1,
                           takeover_after=takeover)  # fmt: skip
    b = ReminderDispatcher(ReminderRepo(workers[1]), "telegram", slow, compose, lambda: now, takeover_after=takeover)
    sending = asyncio.create_task(a.tick())  # 1.5 s for its three, one after another
    await asyncio.sleep(1.1)  # its claims are older than the takeover time by now, but renewed
    await b.tick()
    await sending
    assert sent == Counter({"0": 1, "1": 1, "2": 1})
