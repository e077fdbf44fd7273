"""Where there is no Start button or command menu (WhatsApp): the first message, and commands as words."""

from __future__ import annotations

import pytest

from bot.services import Services
from handlers import Conversation
from handlers.commands import word_command
from tests.conftest import ChatDriver


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("menu", ("menu", "")),
        ("Menu!", ("menu", "")),
        ("bantuan", ("bantuan", "")),
        ("hapus data", ("hapusdata", "")),
        ("upload 3", ("upload", "3")),
        ("zona WITA", ("zona", "WITA")),
        ("zona makassar", ("zona", "makassar")),
        ("zona", ("zona", "")),
        ("pengingat", ("pengingat", "")),
        ("pengingat upload 19:00", ("pengingat", "upload 19:00")),
        ("pengingat statistik senin 09:00", ("pengingat", "statistik senin 09:00")),
        ("pengingat libur 3", ("pengingat", "libur 3")),
        ("streak", ("streak", "")),
        ("statistik", ("statistik", "")),
    ],
)
def test_commands_typed_as_words(text: str, command: tuple[str, str]) -> None:
    assert word_command(text) == command


@pytest.mark.parametrize(
    "text",
    [
        "upload foto di hp bisa ga",
        "upload",
        "statistik shutterstock cara lihatnya gimana",
        "zona waktu indonesia ada berapa",
        "pengingat upload itu apa",
        "menu makanan sehat buat yang begadang",
        "streak itu apa sih",
        "hapus data akun shutterstock gimana",
    ],
)
def test_questions_that_start_with_a_command_word_stay_questions(text: str) -> None:
    assert word_command(text) is None


async def test_someone_new_who_asks_gets_the_welcome_and_the_answer(services: Services) -> None:
    chat = ChatDriver(Conversation(services), "new")
    replies = await chat.say("apa itu microstock")
    assert len(replies) == 2 and "Kawan" in replies[0].text
    assert replies[1].title is not None and "microstock" in replies[1].title.lower()
    assert len(await chat.say("apa itu microstock")) == 1  # only the first message


async def test_someone_new_who_says_hello_gets_the_welcome_alone(services: Services) -> None:
    [welcome] = await ChatDriver(Conversation(services), "hello").say("halo kak")
    assert "Kawan" in welcome.text


async def test_someone_new_who_types_a_command_word_gets_the_welcome_and_the_command(services: Services) -> None:
    replies = await ChatDriver(Conversation(services), "words").say("upload 2")
    assert len(replies) == 2 and "Kawan" in replies[0].text and "2" in replies[1].text


async def test_a_note_owed_to_the_user_comes_first_and_only_once(chat: ChatDriver, services: Services) -> None:
    user = await services.users.get(chat.user.channel, chat.user.chat_id)
    assert user is not None
    await services.users.set_notice(user.id, "window_closed")
    notice, streak = await chat.say("/streak")
    assert "24 jam" in notice.text and "streak" in streak.text.lower()
    assert all("24 jam" not in r.text for r in await chat.say("/streak"))
