"""Reminders, uploads, streaks, time zones and statistics through the conversation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.reminders.model import UPLOAD
from bot.services import Services
from bot.stats.levels import IMAGE, VIDEO, counting_year, load_levels, progress, read_levels
from bot.stats.model import WeekStat
from handlers import Conversation
from tests.conftest import CONTENT_DIR, ChatDriver

SUNDAY_5PM_WIB = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(services: Services) -> None:
    services.clock = lambda: SUNDAY_5PM_WIB


async def test_reminders_overview_offers_buttons_to_set_them(chat: ChatDriver) -> None:
    await chat.say("/pengingat")
    assert "belum punya pengingat" in chat.text()
    assert {"rem:up", "rem:st", "zona"} <= set(chat.actions())


async def test_setting_the_upload_reminder_by_command(chat: ChatDriver, services: Services) -> None:
    await chat.say("/pengingat upload 19:00")
    assert "19.00 WIB" in chat.text()
    assert "Minggu, 22 November 2026" in chat.text()
    user = await services.users.get("test", "42")
    assert user is not None
    reminder = await services.reminders.get(user.id, UPLOAD)
    assert reminder is not None and reminder.enabled


async def test_setting_the_upload_reminder_by_buttons(chat: ChatDriver) -> None:
    await chat.press("rem:up")
    assert "rem:up:19:00" in chat.actions()
    await chat.press("rem:up:19:00")
    assert "19.00 WIB" in chat.text()


@pytest.mark.parametrize("args", ["upload 25:00", "upload", "upload jam tujuh"])
async def test_a_bad_time_gets_an_example_and_buttons(chat: ChatDriver, args: str) -> None:
    await chat.say(f"/pengingat {args}")
    assert "/pengingat upload 19:00" in chat.text()
    assert "rem:up:19:00" in chat.actions()


async def test_the_weekly_stats_reminder_by_command_and_by_buttons(chat: ChatDriver) -> None:
    await chat.say("/pengingat statistik senin 09:00")
    assert "Senin" in chat.text() and "09.00 WIB" in chat.text() and "Senin, 23 November 2026" in chat.text()
    await chat.say("/pengingat statistik kapan-kapan")
    assert "rem:st:0" in chat.actions()
    await chat.press("rem:st:4")
    assert "rem:st:4:09:00" in chat.actions()
    await chat.press("rem:st:4:09:00")
    assert "Jumat" in chat.text()


async def test_the_overview_lists_what_is_set(chat: ChatDriver) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/pengingat statistik senin 09:00")
    await chat.say("/pengingat")
    assert "Upload harian: 19.00 WIB" in chat.text()
    assert "Statistik mingguan: Senin 09.00 WIB" in chat.text()
    assert "rem:off" in chat.actions()


async def test_turning_reminders_off_and_pausing(chat: ChatDriver) -> None:
    await chat.say("/pengingat libur 3")
    assert "Belum ada pengingat aktif" in chat.text()
    await chat.say("/pengingat upload 19:00")
    await chat.say("/pengingat libur 3")
    assert "Rabu, 25 November 2026" in chat.text()
    await chat.say("/pengingat libur 90")
    assert "1 sampai 30" in chat.text()
    await chat.say("/pengingat mati")
    assert "dimatikan" in chat.text()
    await chat.say("/pengingat")
    assert "mati" in chat.text()


async def test_uploads_are_counted_and_bad_counts_refused(chat: ChatDriver) -> None:
    await chat.say("/upload")
    assert "1 upload" in chat.text() and "Streak: 1" in chat.text()
    await chat.say("/upload 5")
    assert "6 upload" in chat.text()
    await chat.say("/upload lima")
    assert "11 upload" in chat.text()
    for bad in ("/upload 0", "/upload 5000", "/upload -3", "/upload banyak"):
        await chat.say(bad)
        assert "1 sampai 1000" in chat.text(), bad


async def test_a_burst_far_above_usual_gets_a_gentle_note(chat: ChatDriver) -> None:
    await chat.say("/upload 60")
    assert "istirahat juga bagian dari kerja" in chat.text()


async def test_streak_shows_current_longest_and_the_week(chat: ChatDriver) -> None:
    await chat.say("/streak")
    assert "Streak sekarang: 0" in chat.text() and "up:done:today" in chat.actions()
    await chat.press("up:done:today")
    await chat.say("/streak")
    assert "Streak sekarang: 1 hari upload" in chat.text()
    assert "Minggu ini: upload 1 dari target 5 hari" in chat.text()


async def test_the_weekly_target_can_be_changed(chat: ChatDriver) -> None:
    await chat.press("tgt")
    assert "tgt:4" in chat.actions()
    await chat.press("tgt:4")
    await chat.say("/streak")
    assert "target 4 hari" in chat.text()


async def test_reminder_buttons_record_rest_and_snooze(chat: ChatDriver) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.press("up:rest:2026-11-22")
    assert "Selamat istirahat" in chat.text()
    await chat.press("up:snooze:2026-11-22")
    assert "18.00" in chat.text()  # 17:00 WIB + 1 hour
    await chat.press("up:done:2026-11-22")
    assert "Tercatat: 1 upload" in chat.text()


async def test_zone_change_by_command_and_button(chat: ChatDriver) -> None:
    await chat.say("/zona")
    assert chat.actions() == ["zona:WIB", "zona:WITA", "zona:WIT", "rem:list"]
    assert "WITA: Bali, NTB, NTT" in chat.text()
    await chat.press("zona:WIT")
    assert "WIT" in chat.text()
    await chat.say("/zona Mars")
    assert "WIB, WITA, atau WIT" in chat.text()
    await chat.say("/pengingat upload 19:00")
    assert "19.00 WIT" in chat.text()


async def test_noting_statistics_step_by_step(chat: ChatDriver) -> None:
    await chat.press("st:start")
    assert "9–15 November" in chat.text()  # the last complete week, Monday to Sunday
    assert "st:p:shutterstock:2026-11-09" in chat.actions()
    await chat.press("st:p:shutterstock:2026-11-09")
    assert "Kamu jual apa di Shutterstock?" in chat.text()
    await chat.press("st:m:image:note")
    assert "Berapa download foto dan ilustrasi di Shutterstock" in chat.text()
    await chat.say("banyak")
    assert "belum bisa aku baca" in chat.text()
    await chat.say("120")
    assert "dolar" in chat.text()
    await chat.say("35,50")
    assert "Tersimpan untuk 9–15 November: Shutterstock, 120 download, US$35,50" in chat.text()
    await chat.say("/statistik")
    [reply] = chat.last
    assert reply.image is not None and reply.image.read_bytes()[:4] == b"\x89PNG"
    assert "Shutterstock 2026, foto: 120 download → Level 2 (royalti 20%)" in reply.text
    assert "Kurang 131 download lagi menuju Level 3 (25%)" in reply.text
    assert "video:" not in reply.text


async def test_what_a_user_sells_on_shutterstock_is_asked_once(chat: ChatDriver) -> None:
    await chat.press("st:p:shutterstock")
    await chat.press("st:m:video:note")
    await chat.say("4")
    await chat.say("20")
    await chat.press("st:p:shutterstock")
    assert "Berapa download video di Shutterstock" in chat.text()


async def test_photos_and_videos_climb_separate_levels(chat: ChatDriver, services: Services) -> None:
    await chat.press("st:p:shutterstock")
    await chat.press("st:m:both:note")
    assert "foto dan ilustrasi" in chat.text()
    await chat.say("120")
    assert "Berapa download video" in chat.text()
    await chat.say("12")
    await chat.say("40")
    assert (
        "Tersimpan untuk 9–15 November: Shutterstock, 120 download foto dan 12 download video, US$40,00" in chat.text()
    )
    await chat.say("/statistik")
    text = chat.text()
    assert "Shutterstock 2026, foto: 120 download → Level 2 (royalti 20%)" in text
    assert "Shutterstock 2026, video: 12 download → Level 2 (royalti 20%)" in text
    assert "Kurang 39 download lagi menuju Level 3 (25%)" in text  # videos reach Level 3 at 51
    user = await services.users.get("test", "42")
    assert user is not None
    [stat] = await services.week_stats.since(user.id, date(2026, 1, 1))
    assert (stat.downloads, stat.image_downloads, stat.video_downloads) == (132, 120, 12)


async def test_the_media_type_can_be_changed_from_the_statistics(chat: ChatDriver) -> None:
    await chat.press("st:p:shutterstock")
    await chat.press("st:m:image:note")
    await chat.say("10")
    await chat.say("1")
    await chat.say("/statistik")
    assert "st:media" in chat.actions()
    await chat.press("st:media")
    await chat.press("st:m:both:show")
    assert "video: 0 download → Level 1" in chat.text() and "foto: 10 download" in chat.text()


async def test_weeks_noted_before_media_types_count_only_for_a_single_type_seller(
    chat: ChatDriver, services: Services
) -> None:
    user = await services.users.ensure("test", "42", "Asia/Jakarta")
    await services.week_stats.save(user.id, WeekStat(date(2026, 11, 16), "shutterstock", 30, 500))  # no split
    await chat.say("/statistik")
    assert "Pilih dulu apa yang kamu jual" in chat.text() and "Level" not in chat.text()
    await chat.press("st:media")
    await chat.press("st:m:image:show")
    assert "foto: 30 download → Level 1" in chat.text()
    await chat.press("st:m:both:show")
    assert "foto: 0 download" in chat.text() and "30 download Shutterstock lama" in chat.text()


async def test_a_half_done_flow_survives_a_restart(chat: ChatDriver, services: Services) -> None:
    await chat.press("st:p:freepik")
    restarted = ChatDriver(Conversation(services))  # a new conversation object: nothing in memory
    await restarted.say("7")
    assert "dolar" in restarted.text()


async def test_a_command_leaves_a_half_done_flow(chat: ChatDriver) -> None:
    await chat.press("st:p:freepik")
    await chat.say("/bantuan")
    await chat.say("7")
    assert "dolar" not in chat.text()


async def test_statistics_without_data_invite_to_start(chat: ChatDriver) -> None:
    await chat.say("/statistik")
    assert "Belum ada statistik" in chat.text() and "st:start" in chat.actions()


async def test_deleting_my_data_removes_reminders_uploads_and_stats(chat: ChatDriver, services: Services) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/upload 3")
    await chat.press("st:p:shutterstock")
    await chat.press("st:m:image:note")
    await chat.say("5")
    await chat.say("1")
    await chat.press("del:yes")
    for table in ("reminders", "uploads", "weekly_stats", "conversation_state", "users"):
        row = await services.db.fetch_one(f"SELECT COUNT(*) FROM {table}")
        assert row is not None and row[0] == 0, table


def test_levels_follow_the_content_tables_for_images_and_videos() -> None:
    tables = load_levels(CONTENT_DIR)
    assert [lv.royalty_percent for lv in tables[IMAGE]] == [15, 20, 25, 30, 35, 40]
    assert [lv.royalty_percent for lv in tables[VIDEO]] == [15, 20, 25, 30, 35, 40]
    p = progress(tables[IMAGE], 230)
    assert (p.current.level, p.next and p.next.level, p.to_next) == (2, 3, 21)
    v = progress(tables[VIDEO], 230)
    assert (v.current.level, v.next and v.next.level, v.to_next) == (3, 4, 21)
    assert progress(tables[IMAGE], 30_000).next is None
    assert progress(tables[VIDEO], 10).current.level == 1 and progress(tables[VIDEO], 11).current.level == 2


def test_a_broken_level_table_is_reported_not_loaded(tmp_path: Path) -> None:
    (tmp_path / "shutterstock-levels.yaml").write_text(
        "sources: [https://example.com/x]\nlevels:\n  image:\n"
        "    - {level: 1, min_downloads: 0, royalty_percent: 15}\n"
        "    - {level: 2, min_downloads: 0, royalty_percent: 20}\n"
    )
    tables, problems = read_levels(tmp_path)
    assert (
        "shutterstock-levels.yaml: image: levels must be numbered 1, 2, 3... with rising download thresholds"
        in problems
    )
    assert "shutterstock-levels.yaml: video: needs a list of levels" in problems
    assert tables == {}
    with pytest.raises(ValueError):
        load_levels(tmp_path)


def test_a_week_across_new_year_counts_toward_the_year_of_its_thursday() -> None:
    assert counting_year(date(2026, 12, 28)) == 2026  # Thursday 31 December
    assert counting_year(date(2027, 12, 27)) == 2027  # Thursday 30 December 2027
    assert counting_year(date(2029, 12, 31)) == 2030  # Thursday 3 January 2030


async def test_the_shutterstock_level_resets_with_the_new_year(chat: ChatDriver, services: Services) -> None:
    services.clock = lambda: datetime(2026, 12, 30, 5, tzinfo=UTC)
    await chat.press("st:p:shutterstock")
    await chat.press("st:m:image:note")
    await chat.say("300")
    await chat.say("50")
    await chat.say("/statistik")
    assert "Shutterstock 2026, foto: 300 download → Level 3" in chat.text()
    services.clock = lambda: datetime(2027, 1, 6, 5, tzinfo=UTC)
    await chat.say("/statistik")
    assert "Shutterstock 2027, foto: 0 download → Level 1" in chat.text()


async def test_each_reminder_can_be_turned_off_on_its_own(chat: ChatDriver) -> None:
    await chat.say("/pengingat upload 19:00")
    await chat.say("/pengingat statistik senin 09:00")
    await chat.say("/pengingat")
    assert {"rem:off:upload", "rem:off:stats", "rem:off"} <= set(chat.actions())
    await chat.press("rem:off:upload")
    assert "upload" in chat.text().lower()
    await chat.say("/pengingat")
    assert "rem:off:upload" not in chat.actions() and "rem:off:stats" in chat.actions()
    assert "Statistik mingguan: Senin 09.00 WIB" in chat.text() and "Upload harian: 19.00 WIB — mati" in chat.text()
