"""The stand-in Bot API server, driven by python-telegram-bot's real Bot and Application over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from tests.telegram_stub import HtmlError, TelegramStub, UploadedFile, parse_html

CHAT = 42


@pytest.fixture
async def stub() -> AsyncIterator[TelegramStub]:
    async with TelegramStub() as stub:
        yield stub


@pytest.fixture
async def bot(stub: TelegramStub) -> AsyncIterator[Bot]:
    async with Bot(stub.token, base_url=stub.base_url) as bot:
        yield bot


def buttons(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


async def test_get_me_and_send_message_are_answered_and_recorded(stub: TelegramStub, bot: Bot) -> None:
    assert bot.username == "kawan_test_bot"
    sent = await bot.send_message(CHAT, "Halo &amp; <b>dunia</b>", parse_mode=ParseMode.HTML, reply_markup=buttons("a"))

    assert (sent.message_id, sent.chat.id, sent.chat.type, sent.text) == (1, CHAT, "private", "Halo & dunia")
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.entities[0].type == "bold" and (sent.entities[0].offset, sent.entities[0].length) == (7, 5)
    assert sent.reply_markup == buttons("a")
    (message,) = stub.sent_messages(CHAT)
    assert (message.text, message.sent_text, message.callback_data) == (
        "Halo & dunia",
        "Halo &amp; <b>dunia</b>",
        ["a"],
    )
    (params,) = stub.calls_to("sendMessage")
    assert params["chat_id"] == CHAT and params["reply_markup"] == {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]
    }
    assert [call.method for call in stub.calls] == ["getMe", "sendMessage"]


async def test_message_ids_increase_per_chat(stub: TelegramStub, bot: Bot) -> None:
    ids = [(await bot.send_message(chat, "x")).message_id for chat in (1, 1, 2, 1)]
    assert ids == [1, 2, 1, 3]
    assert stub.sent_texts(1) == ["x", "x", "x"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<p>paragraf</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Rp1.500 & pajak", 'Character "&" must be escaped as "&amp;" at byte offset 8'),
        ("akhir <", "Unclosed start tag at byte offset 6"),
    ],
)
async def test_malformed_html_is_refused_like_telegram(stub: TelegramStub, bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    assert stub.rejections[-1].description == f"Bad Request: can't parse entities: {error}"
    assert stub.sent_messages(CHAT) == []


async def test_escaped_text_and_supported_tags_pass(stub: TelegramStub, bot: Bot) -> None:
    raw = "1 < 2 & 3 > 2, \"kutip\" 'tunggal'"
    await bot.send_message(CHAT, html.escape(raw, quote=False), parse_mode=ParseMode.HTML)
    rich = (
        '<strong>a</strong><em>b</em><ins>c</ins><del>d</del><span class="tg-spoiler">e</span>'
        "<tg-spoiler>f</tg-spoiler>"
        '<a href="https://x.id/?a=1&amp;b=2">g</a><code>h</code><pre>i</pre><blockquote expandable>j</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>&#128512;&#x41;&quot;'
    )
    sent = await bot.send_message(CHAT, rich, parse_mode=ParseMode.HTML)
    assert stub.sent_texts(CHAT) == [raw, 'abcdefghij👍😀A"']
    assert [e.type for e in sent.entities][:3] == ["bold", "italic", "underline"]
    assert sent.entities[6].url == "https://x.id/?a=1&b=2"


def test_parse_html_counts_offsets_in_utf16_and_errors_in_bytes() -> None:
    text, entities = parse_html("😀 <b>é</b>")
    assert text == "😀 é" and entities == [{"type": "bold", "offset": 3, "length": 1}]
    with pytest.raises(HtmlError, match="byte offset 5"):
        parse_html("😀 <x>")
    assert parse_html("a & b", strict_ampersand=False) == ("a & b", [])


async def test_text_limits_and_callback_data_are_enforced(bot: Bot) -> None:
    await bot.send_message(CHAT, "é" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "<b>" + "x" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode=ParseMode.HTML)
    await bot.send_message(CHAT, "ok", reply_markup=buttons("é" * 32))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "x", reply_markup=buttons("x" * 65))


async def test_long_polling_returns_an_injected_update_promptly_and_honours_offset(
    stub: TelegramStub, bot: Bot
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=2))
    await stub.wait_for("getUpdates", count=2)
    started = time.monotonic()
    stub.push_text(CHAT, "/start halo")
    (update,) = await poll
    assert time.monotonic() - started < 0.5
    assert update.message is not None and update.message.text == "/start halo"
    assert update.message.chat.type == "private" and update.message.from_user is not None
    assert update.message.parse_entities() == {update.message.entities[0]: "/start"}

    second = stub.push_text(CHAT, "lagi")
    assert second["update_id"] == update.update_id + 1
    assert [u.update_id for u in await bot.get_updates(offset=update.update_id + 1)] == [second["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1) == ()
    assert stub.pending_updates() == []


async def test_raw_updates_for_groups_and_edits_deserialise(stub: TelegramStub, bot: Bot) -> None:
    message = stub.user_message(-100123, chat_type="supergroup", user_id=7, text="diubah", edit_date=1)
    stub.push_update({"edited_message": message})
    stub.push_update({"message": stub.user_message(CHAT, sticker=None, text="stiker?")})
    edited, plain = await bot.get_updates()
    assert edited.edited_message is not None and edited.edited_message.chat.type == "supergroup"
    assert edited.edited_message.from_user is not None and edited.edited_message.from_user.id == 7
    assert plain.update_id == edited.update_id + 1


async def test_a_newer_poll_terminates_the_waiting_one(stub: TelegramStub, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await stub.wait_for("getUpdates")
    async with Bot(stub.token, base_url=stub.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_injected_403_and_blocked_chats_raise_forbidden(stub: TelegramStub, bot: Bot) -> None:
    stub.fail_next("sendMessage", chat_id=7)
    await bot.send_message(8, "other chat is unaffected")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(7, "x")
    await bot.send_message(7, "only once")

    stub.block_chat(9)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_chat_action(9, "typing")
    assert stub.sent_texts(7) == ["only once"]
    assert [(r.method, r.error_code) for r in stub.rejections] == [("sendMessage", 403)] + [("sendChatAction", 403)] * 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_429_raises_retry_after(stub: TelegramStub, bot: Bot) -> None:
    stub.rate_limit_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(CHAT, "x")
    assert limited.value.retry_after in (3, dt.timedelta(seconds=3))


async def test_send_photo_multipart_upload_is_recorded(stub: TelegramStub, bot: Bot) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    sent = await bot.send_photo(CHAT, png, caption="<i>foto</i>", parse_mode=ParseMode.HTML, filename="a.png")
    assert sent.caption == "foto" and sent.photo and sent.caption_entities[0].type == "italic"
    (params,) = stub.calls_to("sendPhoto")
    assert params["photo"] == UploadedFile("a.png", "image/png", png)
    assert stub.sent_messages(CHAT)[0].photo == params["photo"]


async def test_edits_need_an_existing_changed_message(stub: TelegramStub, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "pilih", reply_markup=buttons("a", "b"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=buttons("a", "b"))
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=buttons("c"))
    edited = await bot.edit_message_text("dipilih", CHAT, sent.message_id)
    assert (
        isinstance(edited, Message) and edited.edit_date is not None and edited.reply_markup is None
    )  # no markup in the edit removes it
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 99)
    (message,) = stub.sent_messages(CHAT)
    assert (message.text, message.reply_markup, message.edit_count) == ("dipilih", None, 2)


async def test_unknown_methods_json_bodies_and_wrong_tokens(stub: TelegramStub) -> None:
    api = f"{stub.base_url}{stub.token}"
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{api}/sendTelepathy", data={"chat_id": "1"})
        assert unknown.status_code == 404
        assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        sent = await client.post(f"{api}/sendMessage", json={"chat_id": 5, "text": "123", "reply_markup": markup})
        assert sent.json()["result"]["text"] == "123" and sent.json()["result"]["reply_markup"] == markup
        wrong_token = await client.post(f"{stub.base_url}123:WRONG/getMe")
        assert (wrong_token.status_code, wrong_token.json()["description"]) == (401, "Unauthorized")
    assert stub.calls_to("sendMessage")[0] == {"chat_id": 5, "text": "123", "reply_markup": markup}


async def test_wait_for_times_out_with_what_was_seen(stub: TelegramStub, bot: Bot) -> None:
    with pytest.raises(TimeoutError, match=r"sendMessage.*\['getMe'\]"):
        await stub.wait_for("sendMessage", timeout=0.2)


async def test_a_real_application_polls_replies_and_handles_buttons(stub: TelegramStub) -> None:
    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        text = f"Kamu bilang: {html.escape(update.effective_message.text or '')}"
        await context.bot.send_message(update.effective_chat.id, text, parse_mode="HTML", reply_markup=buttons("ya"))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Dipilih: {query.data}")

    app = ApplicationBuilder().token(stub.token).base_url(stub.base_url).concurrent_updates(True).build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=10))
        await app.start()
        stub.push_text(CHAT, "<halo> & ciao")
        (reply,) = await stub.wait_for_messages(CHAT, 1)
        assert (reply.text, reply.callback_data) == ("Kamu bilang: <halo> & ciao", ["ya"])
        stub.push_callback(CHAT, "ya")
        await stub.wait_for("editMessageText")
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - started < 2
    assert stub.sent_texts(CHAT) == ["Dipilih: ya"] and stub.rejections == []
    assert len(stub.calls_to("answerCallbackQuery")) == 1 and stub.pending_updates() == []
