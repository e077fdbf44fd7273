"""The Telegram bot end to end: real Application, real HTTP, a stand-in Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.logging_setup import configure_logging
from bot.messages import Incoming, Reply
from tests.e2e.conftest import Running

CHAT = 1001


async def test_start_sends_a_welcome_with_the_main_menu_and_registers_commands(running: Running) -> None:
    stub = running.stub
    commands = stub.calls_to("setMyCommands")
    assert commands, "setMyCommands was not called"
    names = [c["command"] for c in commands[0]["commands"]]
    assert {"start", "menu", "tanya", "pengingat", "hapusdata", "bantuan"} <= set(names)
    assert any("Menu" in c["description"] or "menu" in c["description"] for c in commands[0]["commands"])

    stub.push_text(CHAT, "/start")
    [welcome] = await stub.wait_for_messages(CHAT, 1)
    assert "Kawan" in welcome.text
    assert "menu" in welcome.callback_data
    assert stub.rejections == []


async def test_a_typed_question_gets_the_answer_with_related_and_feedback_buttons(running: Running) -> None:
    stub = running.stub
    stub.push_text(CHAT, "daftar shutterstock wajib punya npwp ga?")
    [answer] = await stub.wait_for_messages(CHAT, 1)
    assert "NPWP" in answer.text
    assert any(e["type"] == "bold" for e in answer.entities)  # the question is the bold title
    assert "fb:npwp-daftar-shutterstock:1" in answer.callback_data
    assert sum(d.startswith("faq:") for d in answer.callback_data) >= 2
    assert "menu" in answer.callback_data
    assert stub.rejections == []


async def test_menu_category_question_answer_in_two_taps(running: Running) -> None:
    stub = running.stub
    stub.push_text(CHAT, "/menu")
    [menu] = await stub.wait_for_messages(CHAT, 1)
    assert "cat:pajak" in menu.callback_data

    stub.push_callback(CHAT, "cat:pajak", message_id=menu.message_id)
    await stub.wait_for("editMessageText", chat_id=CHAT)
    [edited] = stub.sent_messages(CHAT)
    assert "Pajak & keuangan" in edited.text  # the "&" went through escaped
    assert "faq:potongan-pajak-shutterstock" in edited.callback_data

    stub.push_callback(CHAT, "faq:potongan-pajak-shutterstock", message_id=edited.message_id)
    messages = await stub.wait_for_messages(CHAT, 2)
    assert "30%" in messages[-1].text and "10%" in messages[-1].text
    assert len(stub.calls_to("answerCallbackQuery")) == 2
    assert stub.rejections == []


async def test_feedback_is_thanked_and_stored(running: Running) -> None:
    running.stub.push_callback(CHAT, "fb:burnout:1")
    messages = await running.stub.wait_for_messages(CHAT, 1)
    assert "Makasih" in messages[-1].text
    row = await running.services.db.fetch_one("SELECT entry_id, helpful FROM feedback")
    assert row is not None and tuple(row) == ("burnout", 1)


async def test_an_unsure_question_offers_maksud_kamu_buttons(running: Running) -> None:
    running.stub.push_text(CHAT, "level")
    [reply] = await running.stub.wait_for_messages(CHAT, 1)
    assert "Maksud kamu" in reply.text
    assert 2 <= sum(d.startswith("faq:") for d in reply.callback_data) <= 3


async def test_an_old_button_gets_a_friendly_message(running: Running) -> None:
    running.stub.push_callback(CHAT, "faq:entry-removed-long-ago")
    messages = await running.stub.wait_for_messages(CHAT, 1)
    assert "kedaluwarsa" in messages[-1].text


async def test_a_blocked_user_is_marked_inactive_and_a_new_message_reactivates(running: Running) -> None:
    stub = running.stub
    stub.block_chat(CHAT)
    stub.push_text(CHAT, "/start")
    await stub.wait_for("sendMessage", chat_id=CHAT)
    await asyncio.sleep(0.2)
    user = await running.services.users.get("telegram", str(CHAT))
    assert user is not None and not user.active

    stub.unblock_chat(CHAT)
    stub.push_text(CHAT, "/bantuan")
    await stub.wait_for_messages(CHAT, 1)
    user = await running.services.users.get("telegram", str(CHAT))
    assert user is not None and user.active


async def test_a_429_is_waited_out_and_the_message_still_arrives(running: Running) -> None:
    stub = running.stub
    stub.rate_limit_next("sendMessage", retry_after=1, chat_id=CHAT)
    stub.push_text(CHAT, "apa itu teknik pomodoro")
    [answer] = await stub.wait_for_messages(CHAT, 1, timeout=10)
    assert "25" in answer.text
    assert [r.error_code for r in stub.rejections] == [429]


@pytest.mark.parametrize(
    "raw",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
    ],
)
async def test_non_text_messages_get_a_friendly_note(running: Running, raw: dict[str, object]) -> None:
    stub = running.stub
    stub.push_update({"message": stub.user_message(CHAT, **raw)})
    [reply] = await stub.wait_for_messages(CHAT, 1)
    assert "teks" in reply.text


async def test_edited_messages_and_group_chatter_are_ignored(running: Running) -> None:
    stub = running.stub
    stub.push_update({"edited_message": {**stub.user_message(CHAT, text="pajak"), "edit_date": 1}})
    stub.push_text(-500, "pajak shutterstock berapa", chat_type="group")
    stub.push_text(-500, "/start", chat_type="group")
    [note] = await stub.wait_for_messages(-500, 1)
    assert "pribadi" in note.text
    await asyncio.sleep(0.3)
    assert stub.sent_messages(CHAT) == []
    assert len(stub.sent_messages(-500)) == 1


async def test_empty_and_huge_messages_get_a_reply_not_a_crash(running: Running) -> None:
    stub = running.stub
    stub.push_text(CHAT, "x" * 4000)
    stub.push_text(CHAT, "   ")
    messages = await stub.wait_for_messages(CHAT, 2)
    assert any("kepanjangan" in m.text for m in messages)
    assert stub.rejections == []


async def test_a_failing_handler_logs_once_and_apologises_in_indonesian(
    running: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(incoming: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(running.kawan.conversation, "handle", broken)
    with caplog.at_level(logging.ERROR):
        running.stub.push_text(CHAT, "halo")
        [reply] = await running.stub.wait_for_messages(CHAT, 1)
    assert "Maaf" in reply.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "failed" in errors[0].getMessage()


async def test_the_token_never_reaches_a_log_line(running: Running) -> None:
    stream = io.StringIO()
    configure_logging(logging.DEBUG, [running.stub.token], stream=stream)
    try:
        running.stub.push_text(CHAT, "/start")
        running.stub.push_text(CHAT, "apa itu microstock")
        await running.stub.wait_for_messages(CHAT, 2)
        await asyncio.sleep(1.2)  # let a long-poll cycle log what it logs
    finally:
        configure_logging(logging.WARNING, [])
    output = stream.getvalue()
    assert output, "nothing was logged at DEBUG"
    assert running.stub.token not in output
    assert running.stub.token.split(":")[1] not in output


async def test_a_burst_from_one_chat_is_answered_in_order(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    real = running.kawan.conversation.handle
    delays = iter([0.05 * ((7 * i) % 5) for i in range(100)])  # uneven handling times, as on a busy server

    async def uneven(incoming: Incoming) -> list[Reply]:
        await asyncio.sleep(next(delays))
        return await real(incoming)

    monkeypatch.setattr(running.kawan.conversation, "handle", uneven)
    stub = running.stub
    for n in range(1, 21):
        stub.push_text(CHAT, f"/upload {n}")  # each reply names the running total: 1, 3, 6, 10...
    stub.push_text(CHAT + 1, "/upload 3")  # another chat is served meanwhile, not after the burst
    messages = await stub.wait_for_messages(CHAT, 20, timeout=30)
    totals = [int(m.text.split(":")[1].split()[0]) for m in messages]
    assert totals == [n * (n + 1) // 2 for n in range(1, 21)]
    [other] = await stub.wait_for_messages(CHAT + 1, 1)
    assert "3 upload" in other.text
    assert len(running.channel._turns) == 0  # no lock is kept once a chat is quiet


async def test_a_command_for_another_bot_is_ignored(running: Running) -> None:
    stub = running.stub
    stub.push_text(CHAT, "/start@SomeOtherBot")
    stub.push_text(CHAT, "/bantuan@kawan_test_bot")
    [reply] = await stub.wait_for_messages(CHAT, 1)
    assert "Cara pakai Kawan" in reply.text
    await asyncio.sleep(0.5)
    assert len(stub.sent_texts(CHAT)) == 1
