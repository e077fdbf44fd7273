"""The conversation never misreads, misfiles or loses what a user tells it (issue 11), as people really use it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.reminders.model import STATS, UPLOAD
from bot.services import Services
from tests.conftest import ChatDriver

MONDAY_9AM_WIB = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # a weekly stats reminder's usual moment
WEEK_BEFORE = "2026-11-23"  # the last complete week: Monday 23 to Sunday 29 November


@pytest.fixture
def clock(services: Services) -> list[datetime]:
    """A clock the test can move: `clock[0] += timedelta(...)`."""
    now = [MONDAY_9AM_WIB]
    services.clock = lambda: now[0]
    return now


async def _stats(services: Services) -> list[tuple[object, ...]]:
    rows = await services.db.fetch_all(
        "SELECT week_start, platform, downloads, earnings_minor, currency FROM weekly_stats ORDER BY week_start"
    )
    return [tuple(r) for r in rows]


async def _note_adobe(chat: ChatDriver) -> None:
    await chat.press("st:start")
    await chat.press(f"st:p:adobestock:{WEEK_BEFORE}")


# --- an open step takes only what it asks for ------------------------------------------------


async def test_a_question_typed_mid_flow_is_answered_and_never_stored(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await _note_adobe(chat)
    await chat.say("kenapa 5 foto saya ditolak terus ya")
    assert any(r.title for r in chat.last)  # answered from the FAQ as usual...
    assert "masih mencatat Adobe Stock untuk 23–29 November" in chat.last[-1].text  # ...plus one line
    assert "st:cancel" in [b.action for b in chat.last[-1].all_buttons]
    await chat.say("12")
    await chat.say("npwp 2024 gimana")
    assert "masih mencatat" in chat.last[-1].text
    await chat.say("3,50")
    assert await _stats(services) == [(WEEK_BEFORE, "adobestock", 12, 350, "USD")]


async def test_another_button_leaves_the_flow(chat: ChatDriver, services: Services, clock: list[datetime]) -> None:
    await _note_adobe(chat)
    await chat.press("menu")
    await chat.say("7")
    assert "tekan salah satu tombolnya" in chat.text()  # a hint, not a stored figure
    assert await _stats(services) == []


async def test_an_open_step_expires_and_a_late_answer_is_never_saved(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await _note_adobe(chat)
    clock[0] += timedelta(minutes=31)
    await chat.say("12")
    assert "Berapa" not in chat.text() and "dolar" not in chat.text()
    assert await services.flow_state.get(1, clock[0]) is None
    assert await _stats(services) == []


# --- figures are read as typed, or refused ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("0,005", "paling banyak dua angka"),
        ("-5", "di bawah nol"),
        ("1e5", "belum bisa aku baca"),
        ("1.5k", "belum bisa aku baca"),
    ],
)
async def test_amounts_that_cannot_be_read_for_sure_are_refused(
    chat: ChatDriver, services: Services, clock: list[datetime], typed: str, reply: str
) -> None:
    await _note_adobe(chat)
    await chat.say("40")
    await chat.say(typed)
    assert reply in chat.text()
    assert await _stats(services) == []


@pytest.mark.parametrize(("typed", "reply"), [("-5", "di bawah nol"), ("3-4", "bukan rentang")])
async def test_downloads_that_cannot_be_read_for_sure_are_refused(
    chat: ChatDriver, services: Services, clock: list[datetime], typed: str, reply: str
) -> None:
    await _note_adobe(chat)
    await chat.say(typed)
    assert reply in chat.text()
    await chat.say("4")
    assert "penghasilan" in chat.text()  # the step still waits for its answer


async def test_rupiah_stays_rupiah(chat: ChatDriver, services: Services, clock: list[datetime]) -> None:
    await _note_adobe(chat)
    await chat.say("40")
    await chat.say("Rp50.000")
    assert "Rp50.000" in chat.text()
    assert await _stats(services) == [(WEEK_BEFORE, "adobestock", 40, 50000, "IDR")]
    await chat.say("/statistik")
    assert "Rp50.000" in chat.text()


async def test_an_implausible_amount_is_confirmed_before_it_is_saved(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await _note_adobe(chat)
    await chat.say("40")
    await chat.say("50.000")
    assert "US$50.000,00 dalam seminggu" in chat.text()
    assert await _stats(services) == []
    await chat.press("st:redo")
    assert "penghasilan" in chat.text()
    await chat.say("50.000")
    await chat.press("st:ok")
    assert await _stats(services) == [(WEEK_BEFORE, "adobestock", 40, 5_000_000, "USD")]


# --- the right week, the right day -------------------------------------------------------------


async def test_the_monday_reminder_notes_the_week_that_just_ended(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await chat.press("st:start")  # the button on the Monday 09:00 reminder
    assert "23–29 November" in chat.text()
    await chat.press("st:weeks")
    assert "st:w:2026-11-30" in chat.actions() and "st:w:2026-11-16" in chat.actions()
    await chat.press("st:w:2026-11-16")
    assert "16–22 November" in chat.text()
    await chat.press("st:p:freepik:2026-11-16")
    await chat.say("3")
    await chat.say("1")
    assert [r[0] for r in await _stats(services)] == ["2026-11-16"]


async def test_uploaded_on_yesterdays_reminder_counts_for_yesterday_and_says_so(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await chat.press("up:done:2026-11-29")
    assert "kemarin" in chat.text() and "29 November" in chat.text()
    counts = await services.uploads.counts(1)
    assert counts == {date(2026, 11, 29): 1}
    await chat.press("up:done:2026-11-20")
    assert "lebih dari dua hari" in chat.text()
    assert await services.uploads.counts(1) == {date(2026, 11, 29): 1}


# --- rest days, milestones, corrections ---------------------------------------------------------


async def test_rest_days_left_are_the_same_in_every_reply(chat: ChatDriver, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 12, 3, 12, tzinfo=UTC)  # Thursday
    chat = ChatDriver(chat.conversation, "thursday")
    await chat.say("/upload")  # signs up on Thursday and uploads
    clock[0] = datetime(2026, 12, 4, 12, tzinfo=UTC)  # Friday
    await chat.press("up:rest:2026-12-04")
    after_rest = chat.text()
    await chat.say("/streak")
    assert "Sisa jatah libur minggu ini: 1" in after_rest
    assert "Sisa jatah libur minggu ini: 1" in chat.text()


async def test_days_before_sign_up_never_count(chat: ChatDriver, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 12, 1, 12, tzinfo=UTC)  # joins on a Tuesday
    await chat.say("/streak")
    assert "Sisa jatah libur minggu ini: 2" in chat.text()  # Monday was before they joined


async def test_a_milestone_shows_once_and_never_across_a_break(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    uploads = services.uploads
    await chat.say("/start")
    for i in range(6):
        await uploads.add(1, date(2026, 11, 24) + timedelta(days=i), 1)
    clock[0] = datetime(2026, 11, 30, 12, tzinfo=UTC)
    await chat.say("/upload")
    assert "🎉" in chat.text() and "7 hari upload" in chat.text()
    await chat.say("/upload")
    assert "🎉" not in chat.text()


async def test_uploads_can_be_corrected(chat: ChatDriver, services: Services, clock: list[datetime]) -> None:
    await chat.say("/upload 1000")
    assert "up:fix:2026-11-30" in chat.actions()
    await chat.say("/upload 1")
    assert "lebih dari 1.000" in chat.text()
    await chat.press("up:fix:2026-11-30")
    await chat.say("kok bisa salah ketik ya")  # not a number: answered, the step stays open
    assert "masih mengoreksi" in chat.last[-1].text
    await chat.say("10")
    assert "10 upload" in chat.text()
    assert await services.uploads.counts(1) == {date(2026, 11, 30): 10}


# --- everyday phrasing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "shown"),
    [("upload 7", "07.00 WIB"), ("upload jam 7 malam", "19.00 WIB"), ("upload 7 pagi", "07.00 WIB"),
     ("upload 19.00", "19.00 WIB")],
)  # fmt: skip
async def test_times_are_read_as_people_write_them(
    chat: ChatDriver, clock: list[datetime], args: str, shown: str
) -> None:
    await chat.say(f"/pengingat {args}")
    assert shown in chat.text()


async def test_a_time_in_another_zone_is_converted_and_a_switch_offered(
    chat: ChatDriver, clock: list[datetime]
) -> None:
    await chat.say("/pengingat upload 19:00 WITA")
    assert "18.00 WIB" in chat.text() and "19.00 WITA" in chat.text()
    assert "zona:WITA" in chat.actions()


async def test_the_weekly_reminder_takes_day_and_time_in_either_order(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await chat.say("/pengingat statistik 09:00 senin")
    reminder = await services.reminders.get(1, STATS)
    assert reminder is not None and reminder.weekday == 0 and reminder.local_time.hour == 9


@pytest.mark.parametrize(("typed", "total"), [("/upload 3 foto", "3 upload"), ("/upload tiga", "3 upload")])
async def test_upload_counts_in_words(chat: ChatDriver, clock: list[datetime], typed: str, total: str) -> None:
    await chat.say(typed)
    assert total in chat.text()


@pytest.mark.parametrize(
    ("typed", "zone"), [("makassar", "WITA"), ("bali", "WITA"), ("GMT+8", "WITA"), ("jayapura", "WIT")]
)
async def test_zones_by_place_or_offset(chat: ChatDriver, clock: list[datetime], typed: str, zone: str) -> None:
    await chat.say(f"/zona {typed}")
    assert f"Zona waktu diganti ke {zone}." in chat.text()


async def test_a_pause_says_when_reminders_come_back_and_can_end_now(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/pengingat libur 3")
    assert "sampai Rabu, 2 Desember 2026" in chat.text() and "mulai Kamis, 3 Desember 2026" in chat.text()
    await chat.press("rem:resume")
    reminder = await services.reminders.get(1, UPLOAD)
    assert reminder is not None and reminder.paused_until is None
    assert reminder.next_local_date == date(2026, 11, 30)


async def test_a_reminder_turned_off_can_be_turned_back_on(
    chat: ChatDriver, services: Services, clock: list[datetime]
) -> None:
    await chat.say("/pengingat upload 20:00")
    await chat.press("rem:off:upload")
    assert "rem:on:upload" in chat.actions()
    await chat.press("rem:on:upload")
    reminder = await services.reminders.get(1, UPLOAD)
    assert reminder is not None and reminder.enabled and reminder.local_time.hour == 20


@pytest.mark.parametrize("opener", ["/zona", "tgt", "rem:up", "rem:st", "rem:st:0", "st:weeks"])
async def test_every_picker_has_a_way_back(chat: ChatDriver, clock: list[datetime], opener: str) -> None:
    await (chat.say(opener) if opener.startswith("/") else chat.press(opener))
    assert any("Kembali" in b.label for r in chat.last for b in r.all_buttons), opener


async def test_none_of_these_is_acknowledged_and_noted(chat: ChatDriver, services: Services) -> None:
    await chat.say("level")
    none = [a for a in chat.actions() if a.startswith("none:")]
    assert none, "a 'maksud kamu' reply ends with 'Bukan semuanya'"
    await chat.press(none[0])
    assert "sudah aku catat" in chat.text()
    row = await services.db.fetch_one("SELECT outcome FROM unanswered")
    assert row is not None and row[0] == "rejected"


async def test_help_is_in_plain_words(chat: ChatDriver) -> None:
    await chat.say("/bantuan")
    assert "[N]" not in chat.text() and "|" not in chat.text()


async def test_entry_buttons_use_short_labels_never_cut(chat: ChatDriver) -> None:
    await chat.press("cat:pajak")
    labels = [b.label for r in chat.last for b in r.all_buttons]
    assert all(len(label) <= 24 and not label.endswith("…") for label in labels)


async def test_a_bare_number_with_no_menu_gets_a_hint(chat: ChatDriver, services: Services) -> None:
    await chat.say("3")
    assert "tekan salah satu tombolnya" in chat.text()
    assert await services.faq_log.top_gaps() == []


async def test_invisible_characters_are_removed_first(chat: ChatDriver, services: Services) -> None:
    await chat.say("/upload\u200b 2\u200b")
    assert "2 upload" in chat.text()
