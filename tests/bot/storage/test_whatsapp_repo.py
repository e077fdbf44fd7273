"""What the WhatsApp channel keeps: messages once, the window they open, ids, receipts, pages, and erasure."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.config import Settings
from bot.messages import Button, DeliveryRef, Received
from bot.reminders.model import UPLOAD, Claim
from bot.storage import Store, open_database
from bot.storage.reminders import ReminderRepo
from bot.storage.users import UserRepo
from bot.storage.whatsapp import WhatsAppRepo

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture
def db(database: Store) -> Store:
    return database


def _message(message_id: str, chat: str = "628123", minutes_ago: int = 0) -> Received:
    return Received(message_id, chat, NOW - timedelta(minutes=minutes_ago), '{"type":"text"}')


async def test_a_message_is_accepted_once_even_by_another_connection(db: Store, settings: Settings) -> None:
    repo = WhatsAppRepo(db)
    assert [r.message_id for r in await repo.accept([_message("a"), _message("b")])] == ["a", "b"]
    assert await repo.accept([_message("a")]) == []
    other = await open_database(settings.db_path, settings.db_url)  # another process on the same database
    try:
        assert await WhatsAppRepo(other).accept([_message("b"), _message("c")]) == [_message("c")]
    finally:
        await other.close()


async def test_unanswered_messages_wait_for_the_next_start_and_stale_ones_are_given_up(db: Store) -> None:
    repo = WhatsAppRepo(db)
    await repo.accept([_message("old", minutes_ago=120), _message("fresh", minutes_ago=5), _message("done")])
    await repo.handled("done")
    assert await repo.give_up_before(NOW - timedelta(hours=1)) == 1
    assert [r.message_id for r in await repo.unhandled(NOW - timedelta(hours=1))] == ["fresh"]


async def test_the_window_runs_from_the_users_last_message(db: Store) -> None:
    repo = WhatsAppRepo(db)
    assert await repo.last_inbound("628123") is None
    await repo.accept([_message("a", minutes_ago=90), _message("b", minutes_ago=30), _message("c", "628999")])
    assert await repo.last_inbound("628123") == NOW - timedelta(minutes=30)


async def test_receipts_only_move_forward_and_name_the_reminder_occurrence(db: Store) -> None:
    users, reminders, repo = UserRepo(db), ReminderRepo(db), WhatsAppRepo(db)
    user = await users.ensure("whatsapp", "628123", "Asia/Jakarta")
    reminder = await reminders.set_reminder(user, UPLOAD, time(19), NOW)
    [due] = await reminders.due(NOW + timedelta(days=1), 10, "whatsapp")
    await reminders.claim([Claim(due, "sending", None)])
    ref = DeliveryRef(reminder.id, due.occurrence)
    await repo.sent([(ref, "wamid.1")])
    assert await repo.receipt("wamid.1", "read") == ref
    assert await repo.receipt("wamid.1", "delivered") == ref
    row = await db.fetch_one("SELECT receipt FROM deliveries WHERE message_id = 'wamid.1'")
    assert row is not None and row[0] == "read"
    assert await repo.receipt("wamid.unknown", "read") is None


async def test_a_business_scoped_id_maps_to_its_chat(db: Store) -> None:
    repo = WhatsAppRepo(db)
    await repo.remember_user_id("ID.1", "628123")
    await repo.remember_user_id("ID.1", "628123")
    assert await repo.chat_for_user_id("ID.1") == "628123"
    assert await repo.chat_for_user_id("ID.2") is None


async def test_a_page_belongs_to_its_chat(db: Store) -> None:
    repo = WhatsAppRepo(db)
    buttons = (Button("Satu", "faq:1", "Pertanyaan satu?"), Button("Dua", "faq:2"))
    token = await repo.save_page("628123", buttons, NOW)
    assert await repo.load_page("628123", token) == buttons
    assert await repo.load_page("628999", token) is None


async def test_erasing_a_user_keeps_message_ids_but_not_whose_or_what(db: Store) -> None:
    users, repo = UserRepo(db), WhatsAppRepo(db)
    user = await users.ensure("whatsapp", "628123", "Asia/Jakarta")
    await repo.accept([_message("a")])
    await repo.remember_user_id("ID.1", "628123")
    await repo.save_page("628123", (Button("Satu", "faq:1"),), NOW)
    assert await users.delete(user.id)
    rows = await db.fetch_all("SELECT message_id, chat_id, payload FROM inbound_messages")
    assert [tuple(r) for r in rows] == [("a", "", None)]
    assert await repo.accept([_message("a")]) == []  # a redelivery is still recognised
    assert await repo.chat_for_user_id("ID.1") is None
    assert await db.fetch_all("SELECT * FROM list_pages") == []


async def test_old_message_ids_are_pruned(db: Store) -> None:
    repo = WhatsAppRepo(db)
    await repo.accept([_message("old", minutes_ago=60 * 24 * 20), _message("new")])
    await repo.handled("old")
    await repo.handled("new")
    assert await repo.prune(NOW - timedelta(days=14)) == 1
    assert [r[0] for r in await db.fetch_all("SELECT message_id FROM inbound_messages")] == ["new"]
