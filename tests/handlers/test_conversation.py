from __future__ import annotations

from bot.services import Services
from handlers.router import parse_command
from tests.conftest import ChatDriver


def test_parse_command_strips_the_bot_name_and_keeps_arguments() -> None:
    assert parse_command("/tanya@KawanBot apa itu npwp") == ("tanya", "apa itu npwp")
    assert parse_command("/START") == ("start", "")
    assert parse_command("apa itu /menu") is None
    assert parse_command("/") is None


async def test_start_welcomes_and_offers_the_main_menu(chat: ChatDriver) -> None:
    await chat.say("/start")
    assert "Kawan" in chat.text()
    assert "menu" in chat.actions()


async def test_menu_then_category_then_question_gives_the_answer(chat: ChatDriver) -> None:
    await chat.say("/menu")
    assert "cat:pajak" in chat.actions()
    await chat.press("cat:pajak")
    assert "faq:npwp-daftar-shutterstock" in chat.actions()
    await chat.press("faq:npwp-daftar-shutterstock")
    assert "NPWP" in chat.text()
    assert "fb:npwp-daftar-shutterstock:1" in chat.actions()
    assert any(a.startswith("faq:") for a in chat.actions())  # related questions


async def test_a_typed_question_is_answered_with_related_buttons(chat: ChatDriver) -> None:
    await chat.say("apa itu teknik pomodoro")
    assert "25" in chat.text()
    assert "menu" in chat.actions()


async def test_tanya_without_a_question_explains_how(chat: ChatDriver) -> None:
    await chat.say("/tanya")
    assert "/tanya" in chat.text()


async def test_an_out_of_scope_question_is_declined_and_recorded(chat: ChatDriver, services: Services) -> None:
    await chat.say("jadwal kereta bandung jakarta besok")
    assert "Maaf" in chat.text()
    assert any(a.startswith("cat:") for a in chat.actions())
    gaps = await services.faq_log.top_gaps()
    assert gaps and gaps[0][0] == "jadwal kereta bandung jakarta besok"


async def test_feedback_is_stored(chat: ChatDriver, services: Services) -> None:
    await chat.press("fb:burnout:0")
    row = await services.db.fetch_one("SELECT entry_id, helpful FROM feedback")
    assert row is not None and tuple(row) == ("burnout", 0)


async def test_buttons_from_old_messages_get_a_friendly_message(chat: ChatDriver) -> None:
    for action in ("faq:entry-that-was-removed", "cat:gone", "fb:gone:1", "zzz:what"):
        await chat.press(action)
        assert "kedaluwarsa" in chat.text()


async def test_a_huge_message_is_refused_politely(chat: ChatDriver) -> None:
    await chat.say("pajak " * 500)
    assert "kepanjangan" in chat.text()


async def test_unknown_command_points_to_help(chat: ChatDriver) -> None:
    await chat.say("/terbang")
    assert "/bantuan" in chat.text()


async def test_hapusdata_asks_first_and_then_deletes(chat: ChatDriver, services: Services) -> None:
    await chat.say("/hapusdata")
    assert chat.actions() == ["del:yes", "del:no"]
    await chat.press("del:no")
    assert await services.users.get("test", "42") is not None
    await chat.press("fb:burnout:1")
    await chat.press("del:yes")
    assert await services.users.get("test", "42") is None
    row = await services.db.fetch_one("SELECT COUNT(*) FROM feedback")
    assert row is not None and row[0] == 0
