"""Privacy people can trust (/privasi, /dataku, retention) and a console for admins (/admin, /siaran)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot import user_files
from bot.announcements.dispatcher import AnnouncementDispatcher
from bot.app import Kawan
from bot.config import TelegramSettings
from bot.faq.engine import FaqEngine
from bot.messages import Delivery, Reply
from bot.reminders.model import UPLOAD
from bot.reminders.runner import Job, ReminderRunner
from bot.services import Services
from bot.storage.migrations import MIGRATIONS
from bot.storage.personal_data import NOT_PERSONAL, PERSONAL_TABLES
from bot.storage.retention import apply_retention
from bot.users import StoredUser
from handlers import Conversation
from handlers.admin import compose_announcement
from tests.conftest import ChatDriver

NOW = datetime(2026, 12, 1, 5, tzinfo=UTC)


@pytest.fixture
def clock(services: Services) -> list[datetime]:
    now = [NOW]
    services.clock = lambda: now[0]
    return now


async def someone(services: Services, chat_id: str, channel: str = "telegram") -> ChatDriver:
    """A user of `channel` who has already met Kawan (the first-contact welcome is out of the way)."""
    driver = ChatDriver(Conversation(services), chat_id)
    driver.user = replace(driver.user, channel=channel)
    await driver.say("/start")
    return driver


async def operator(services: Services) -> ChatDriver:
    """The person at the keyboard of `kawan chat`: they run Kawan, so they are an admin."""
    return await someone(services, "me", "terminal")


def _copy(reply: Reply) -> dict[str, list[dict[str, object]]]:
    assert reply.document is not None and reply.document.suffix == ".json"
    return dict(json.loads(reply.document.read_text(encoding="utf-8")))


# --- /privasi ---------------------------------------------------------------------------------------


async def test_the_welcome_points_to_privasi(chat: ChatDriver) -> None:
    [welcome] = await chat.say("/start")
    assert "/privasi" in welcome.text


async def test_privasi_says_what_why_how_long_who_and_the_rights(chat: ChatDriver) -> None:
    [reply] = await chat.say("/privasi")
    text = reply.text
    for words in ("zona waktu", "statistik", "30 hari", "365 hari", "uu pdp", "/dataku", "/hapusdata", "tanpa"):
        assert words in text.lower(), words
    assert {"data:copy", "ann:off", "data:delete"} <= set(chat.actions())


async def test_the_retention_periods_shown_follow_the_settings(services: Services) -> None:
    services.settings = replace(services.settings, retention_days=14, records_days=90)
    [reply] = await (await someone(services, "p")).say("privasi")  # a word works too
    assert "14 hari" in reply.text and "90 hari" in reply.text


# --- /dataku ----------------------------------------------------------------------------------------


async def test_dataku_is_a_file_with_everything_and_a_short_summary(chat: ChatDriver, services: Services) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/upload 3")
    await chat.say("resep rendang padang")  # unanswered: kept for the editors, linked to the user for now
    await chat.press("fb:burnout:0")
    [reply] = await chat.say("/dataku")
    assert "1 pengingat" in reply.text and "1 hari dengan upload" in reply.text
    copy = _copy(reply)
    [account] = copy["akun"]
    assert account["chat_id"] == "42" and account["timezone"] == "Asia/Jakarta"
    assert copy["pengingat"][0]["kind"] == UPLOAD and copy["upload_per_hari"][0]["count"] == 3
    assert copy["pertanyaan_yang_belum_terjawab"][0]["question"] == "resep rendang padang"
    assert copy["penilaian_jawaban"] == [
        {"entry_id": "burnout", "helpful": 0, "created_at": copy["penilaian_jawaban"][0]["created_at"]}
    ]


async def test_after_hapusdata_dataku_shows_nothing_is_left(chat: ChatDriver) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/upload 3")
    await chat.say("resep rendang padang")
    [first_copy] = await chat.say("/dataku")
    assert first_copy.document is not None and first_copy.document.exists()
    await chat.say("/hapusdata")
    await chat.press("del:yes")
    assert not first_copy.document.exists()  # the copy on disk goes with the rest
    await chat.say("/hapusdata")
    await chat.press("del:yes")
    *_welcome, reply = await chat.say("/dataku")  # this message starts a new, empty account
    copy = _copy(reply)
    assert len(copy["akun"]) == 1
    assert all(rows == [] for name, rows in copy.items() if name not in ("akun", "dibuat", "keterangan")), copy
    assert "tidak ada selain akunmu" in reply.text


def test_user_files_go_after_a_day_or_with_their_user_and_only_theirs(tmp_path: Path) -> None:
    charts, exports = user_files.folder(tmp_path, "charts"), user_files.folder(tmp_path, "exports")
    for where in (charts, exports):
        where.mkdir(parents=True)
    mine = [charts / "statistik-1-2026-12-01.png", exports / "kawan-dataku-1-2026-12-01.json"]
    theirs = [charts / "statistik-12-2026-12-01.png", exports / "kawan-dataku-12-2026-11-29.json"]
    for path in mine + theirs:
        path.write_text("x")
    assert user_files.remove_for(tmp_path, 1) == 2
    assert not any(p.exists() for p in mine) and all(p.exists() for p in theirs)
    old = theirs[1]
    os.utime(old, (old.stat().st_mtime - 2 * 24 * 3600,) * 2)
    assert user_files.sweep(tmp_path) == 1 and not old.exists() and theirs[0].exists()


def test_every_table_is_either_in_the_copy_or_holds_no_person() -> None:
    conn = sqlite3.connect(":memory:")
    for script in MIGRATIONS:
        conn.executescript(script)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(PERSONAL_TABLES) | NOT_PERSONAL


# --- retention --------------------------------------------------------------------------------------


async def test_retention_unlinks_old_questions_and_removes_old_records(services: Services) -> None:
    db = services.db
    user = await services.users.ensure("telegram", "7", "Asia/Jakarta")
    reminder = await services.reminders.set_reminder(user, UPLOAD, time(19), NOW)

    def ago(days: int) -> str:
        return (NOW - timedelta(days=days)).isoformat(timespec="seconds")

    async with db.transaction() as tx:
        for days in (31, 29):
            await tx.execute(
                "INSERT INTO unanswered (user_id, question, normalized, outcome, created_at)"
                " VALUES (?, ?, ?, 'decline', ?)",
                (user.id, f"q{days}", f"q{days}", ago(days)),
            )
            await tx.execute(
                "INSERT INTO feedback (user_id, entry_id, helpful, created_at) VALUES (?, 'burnout', 0, ?)",
                (user.id, ago(days * 13)),  # 403 and 377 days ago
            )
        for days in (400, 10):
            await tx.execute(
                "INSERT INTO deliveries (reminder_id, occurrence, due_utc, status, updated_at)"
                " VALUES (?, ?, ?, 'sent', ?)",
                (reminder.id, f"2025-{days:03d}", ago(days), ago(days)),
            )
    swept = await apply_retention(db, NOW, timedelta(days=30), timedelta(days=365))
    assert (swept.unlinked, swept.deliveries, swept.feedback) == (1, 1, 2)
    rows = await db.fetch_all("SELECT question, user_id FROM unanswered ORDER BY question")
    assert [tuple(r) for r in rows] == [("q29", user.id), ("q31", None)]  # the text stays, the link goes
    assert len(await db.fetch_all("SELECT * FROM deliveries")) == 1
    again = await apply_retention(db, NOW, timedelta(days=30), timedelta(days=365))
    assert (again.unlinked, again.deliveries, again.feedback) == (0, 0, 0)


async def test_the_scheduler_sweeps_daily_with_the_configured_periods(
    services: Services, engine: FaqEngine, clock: list[datetime]
) -> None:
    services.settings = replace(services.settings, retention_days=14, records_days=90)
    user = await services.users.ensure("telegram", "8", "Asia/Jakarta")
    await services.db.write(
        "INSERT INTO unanswered (user_id, question, normalized, outcome, created_at)"
        " VALUES (?, 'q', 'q', 'decline', ?)",
        (user.id, NOW.isoformat(timespec="seconds")),
    )
    kawan = await Kawan.open(services.settings, engine, [], services=services)
    [retention] = [job for job in kawan._jobs() if job.name == "retention"]
    assert retention.seconds == 24 * 3600 and retention.first_after == 60
    clock[0] = NOW + timedelta(days=13)  # the sweep runs on day 13: the question still names its user
    await retention.run()
    assert (await services.db.fetch_one("SELECT user_id FROM unanswered"))[0] == user.id
    clock[0] = NOW + timedelta(days=15)  # and on day 15 it no longer does
    await retention.run()
    assert (await services.db.fetch_one("SELECT user_id FROM unanswered"))[0] is None


async def test_a_job_runs_on_its_own_timer_and_a_failure_does_not_stop_it() -> None:
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the first run fails")

    runner = ReminderRunner([], interval=3600, jobs=(Job("flaky", 0.05, flaky, first_after=0.01),))
    await runner.start()
    try:
        for _ in range(100):
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.02)
    finally:
        await runner.stop()
    assert len(runs) >= 3


# --- /admin -----------------------------------------------------------------------------------------


async def test_admin_commands_are_refused_to_everyone_else_and_not_advertised(services: Services) -> None:
    stranger = await someone(services, "99")
    for command in ("/admin", "/siaran", "/siaran status"):
        [reply] = await stranger.say(command)
        assert "khusus untuk pengelola" in reply.text
    [help_] = await stranger.say("/bantuan")
    assert "/siaran" not in help_.text and "/admin" not in help_.text
    from handlers.commands import command_descriptions

    assert "admin" not in dict(command_descriptions("id")) and "privasi" in dict(command_descriptions("id"))


async def test_admin_sees_questions_users_and_gaps_without_anyone_named(
    services: Services, clock: list[datetime]
) -> None:
    services.settings = replace(services.settings, admins=frozenset({("telegram", "1")}))
    users = [await someone(services, str(n)) for n in (2, 3)]
    for user in users:
        await user.say("npwp wajib ga buat shutterstock")
        await user.say("resep rendang padang")
    await services.usage.flush()
    admin = await someone(services, "1")
    [glance] = await admin.say("/admin")
    text = glance.text
    assert "7 hari terakhir" in text and "30 hari terakhir" in text
    assert "Pengguna baru: Telegram 3" in text  # the two users and the admin
    assert "Pertanyaan: 4 — 50% dijawab" in text
    assert "resep rendang padang" in text and "×2" in text
    assert "2" not in text.split("Pengguna aktif")[0].split("Pengguna baru")[0]  # no ids anywhere near
    for chat_id in ("2", "3"):
        assert f" {chat_id} " not in text.replace("Telegram 2", "")


async def test_active_users_are_counted_once_a_day(services: Services, clock: list[datetime]) -> None:
    chat = await someone(services, "5")
    for _ in range(3):
        await chat.say("halo")
    await services.usage.flush()
    await chat.say("halo")
    await services.usage.flush()
    clock[0] += timedelta(days=1)
    await chat.say("halo")
    await services.usage.flush()
    rows = await services.db.fetch_all("SELECT day, users FROM daily_active ORDER BY day")
    assert [tuple(r) for r in rows] == [("2026-12-01", 1), ("2026-12-02", 1)]


# --- /siaran ----------------------------------------------------------------------------------------


async def _people(services: Services) -> list[StoredUser]:
    users = [await services.users.ensure("telegram", str(n), "Asia/Jakarta") for n in range(10, 15)]
    await services.users.set_announcements(users[0].id, False)  # opted out
    await services.users.set_active(users[1].id, False)  # blocked the bot
    return users


async def test_an_announcement_is_previewed_confirmed_and_delivered_once_each(
    services: Services, clock: list[datetime]
) -> None:
    users = await _people(services)
    chat = await operator(services)
    await chat.say("/siaran")  # the terminal user runs Kawan: an admin
    preview, summary = await chat.say("Besok ada webinar gratis soal pajak kontributor, jam 19.00 WIB!")
    assert preview.title == "📢 Pengumuman dari Kawan" and "webinar" in preview.text
    assert "3 orang" in summary.text and set(chat.actions()) == {"siaran:send", "siaran:edit", "siaran:cancel"}
    [started] = await chat.press("siaran:send")
    assert "3 orang" in started.text

    delivered: list[str] = []

    async def deliver(user: StoredUser, replies: list[Reply]) -> Delivery:
        delivered.append(user.chat_id)
        assert replies[0].notice == "announcement" and "ann:off" in [b.action for b in replies[0].all_buttons]
        return Delivery.SENT

    dispatcher = AnnouncementDispatcher(services.broadcasts, "telegram", deliver, compose_announcement, services.clock)
    assert (await dispatcher.tick())["sent"] == 3
    assert (await dispatcher.tick()) == {}  # nothing twice
    assert sorted(delivered) == [u.chat_id for u in users[2:]]
    [status] = await chat.say("/siaran status")
    assert "3 dari 3 sudah terkirim" in status.text and "Selesai" in status.text


async def test_cancel_and_expired_previews_send_nothing(services: Services) -> None:
    await _people(services)
    chat = await operator(services)
    await chat.say("/siaran Halo semua")
    await chat.press("siaran:cancel")
    [expired] = await chat.press("siaran:send")
    assert "kedaluwarsa" in expired.text
    assert await services.broadcasts.progress() is None


async def test_someone_who_opts_out_after_the_broadcast_is_written_is_skipped(services: Services) -> None:
    users = await _people(services)
    chat = await operator(services)
    await chat.say("/siaran Halo semua")
    await chat.press("siaran:send")
    await services.users.set_announcements(users[2].id, False)

    async def deliver(user: StoredUser, replies: list[Reply]) -> Delivery:
        return Delivery.SENT

    dispatcher = AnnouncementDispatcher(services.broadcasts, "telegram", deliver, compose_announcement, services.clock)
    counts = await dispatcher.tick()
    assert counts["sent"] == 2
    progress = await services.broadcasts.progress()
    assert progress is not None and progress.counts.get("skipped") == 1


async def test_the_opt_out_button_stops_announcements_and_can_be_undone(chat: ChatDriver, services: Services) -> None:
    [reply] = await chat.press("ann:off")
    assert "tidak ada pengumuman lagi" in reply.text and "ann:on" in chat.actions()
    user = await services.users.get(chat.user.channel, chat.user.chat_id)
    assert user is not None and not await services.users.wants_announcements(user.id)
    await chat.press("ann:on")
    assert await services.users.wants_announcements(user.id)


async def test_a_copy_file_is_written_in_the_cache_folder(chat: ChatDriver, services: Services, tmp_path: Path) -> None:
    [reply] = await chat.say("/dataku")
    assert reply.document is not None
    assert services.settings.cache_dir is not None and reply.document.parent == services.settings.cache_dir / "exports"


async def test_announcements_stream_and_are_recorded_every_few_sends() -> None:
    """A kill loses the record of at most `mark_every` sent plus those in flight: nobody else gets it twice."""
    from dataclasses import dataclass as _dataclass

    @_dataclass(frozen=True)
    class Person:
        broadcast_id: int
        user: StoredUser
        text: str

    people = [
        Person(1, StoredUser(n, "telegram", str(n), "id", "Asia/Jakarta", NOW.isoformat(), True), "hai")
        for n in range(230)
    ]

    class Log:
        def __init__(self) -> None:
            self.waiting = list(people)
            self.marks: list[int] = []
            self.in_flight_at_mark: list[int] = []

        async def claim(self, channel: str, limit: int, now: datetime) -> list[Person]:
            batch, self.waiting = self.waiting[:limit], self.waiting[limit:]
            return batch

        async def in_flight(self, channel: str) -> list[Person]:
            return []

        async def mark(self, results: object, now: datetime) -> None:
            self.marks.append(len(list(results)))  # type: ignore[call-overload]

    sent: list[int] = []

    async def deliver(user: StoredUser, replies: list[Reply]) -> Delivery:
        await asyncio.sleep(0.001 * (user.id % 3))
        sent.append(user.id)
        return Delivery.SENT

    store = Log()
    dispatcher = AnnouncementDispatcher(
        store, "telegram", deliver, compose_announcement, lambda: NOW, batch=100, concurrency=8, mark_every=20
    )
    counts = await dispatcher.tick()
    assert counts["sent"] == 230 and sorted(sent) == list(range(230))
    assert sum(store.marks) == 230 and max(store.marks) <= 20 + 8  # recorded as they go, never a whole batch


async def test_announcements_have_a_timer_of_their_own(services: Services, engine: FaqEngine) -> None:
    from bot.app import telegram_channel

    telegram = replace(services.settings, telegram=TelegramSettings("123:abc", "http://127.0.0.1:9/bot"))
    services.settings = telegram
    kawan = await Kawan.open(telegram, engine, [telegram_channel], services=services)
    names = [job.name for job in kawan._jobs()]
    assert "announcements (telegram)" in names  # not in the reminders' tick: a broadcast never holds them up
