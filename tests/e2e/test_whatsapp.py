"""The WhatsApp channel end to end: the real app serving `/whatsapp`, a stand-in Graph API on 127.0.0.1.

Every test posts webhooks signed like Meta's and reads what the bot sent from the stand-in, which
refuses anything outside WhatsApp's limits (so `graph.rejected == []` means every screen fitted).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Kawan, whatsapp_channel
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import Settings
from bot.faq.engine import FaqEngine
from bot.reminders.model import STATS, UPLOAD
from bot.services import Services, open_services
from bot.stats.model import WeekStat
from tests.e2e.support import whatsapp_settings
from tests.graph_stub import (
    GraphStub,
    SentMessage,
    button_reply,
    list_reply,
    media_message,
    post_webhook,
    reaction,
    status_update,
    template_button,
    text_message,
    verify_webhook,
)

SARI = "6281234567890"
BUDI = "6289876543210"


@dataclass
class WhatsApp:
    graph: GraphStub
    kawan: Kawan
    services: Services
    url: str
    now: list[datetime]

    @property
    def channel(self) -> WhatsAppChannel:
        channel = self.kawan.channels["whatsapp"]
        assert isinstance(channel, WhatsAppChannel)
        return channel

    async def post(self, payload: dict[str, Any], **options: Any) -> int:
        return await post_webhook(self.url, payload, self.graph.app_secret, **options)

    async def say(self, wa_id: str, text: str, **options: Any) -> None:
        assert await self.post(text_message(wa_id, text, timestamp=self.timestamp(), **options)) == 200

    async def tap(self, wa_id: str, action: str, title: str = "x") -> None:
        assert await self.post(button_reply(wa_id, action, title, timestamp=self.timestamp())) == 200

    async def choose(self, wa_id: str, row: tuple[str, str, str]) -> None:
        assert await self.post(list_reply(wa_id, row[0], row[1], row[2], timestamp=self.timestamp())) == 200

    def timestamp(self) -> int:
        return int(self.now[0].timestamp())

    async def replies(self, wa_id: str, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """The `count` messages sent to `wa_id` after those already seen by earlier calls."""
        seen = self._seen.get(wa_id, 0)
        messages = await self.graph.wait_for_messages(wa_id, seen + count, timeout=timeout)
        self._seen[wa_id] = seen + count
        return messages[seen:]

    def __post_init__(self) -> None:
        self._seen: dict[str, int] = {}

    async def know(self, wa_id: str) -> None:
        """Someone who has written before: their first-contact welcome is out of the way."""
        await self.say(wa_id, "/start")
        await self.replies(wa_id, 1)


@pytest.fixture
async def wa(tmp_path: Path, engine: FaqEngine, db_url: str | None) -> AsyncIterator[WhatsApp]:
    async with GraphStub() as graph:
        settings = whatsapp_settings(graph, tmp_path / "kawan.db", db_url, template_upload="kawan_upload")
        async with running(settings, engine, graph) as world:
            yield world


class running:
    def __init__(self, settings: Settings, engine: FaqEngine, graph: GraphStub, now: list[datetime] | None = None):
        self.settings, self.engine, self.graph = settings, engine, graph
        self.now = now or [datetime.now(UTC).replace(microsecond=0)]

    async def __aenter__(self) -> WhatsApp:
        self.services = await open_services(self.settings, self.engine)
        self.services.clock = lambda: self.now[0]
        self.kawan = await Kawan.open(self.settings, self.engine, [whatsapp_channel], services=self.services)
        await self.kawan.start()
        url = f"http://127.0.0.1:{self.settings.webhook_port}/whatsapp"
        return WhatsApp(self.graph, self.kawan, self.services, url, self.now)

    async def __aexit__(self, *exc: object) -> None:
        await self.kawan.stop()
        await self.services.close()


# --- the webhook itself ------------------------------------------------------------------------


async def test_the_subscription_handshake_echoes_the_challenge_only_for_our_verify_token(wa: WhatsApp) -> None:
    assert await verify_webhook(wa.url, wa.graph.verify_token, "8461") == (200, "8461")
    status, _body = await verify_webhook(wa.url, "someone-else", "8461")
    assert status == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc"])
async def test_a_post_without_a_valid_signature_is_refused_and_nothing_happens(
    wa: WhatsApp, signature: str | None
) -> None:
    assert await wa.post(text_message(SARI, "apa itu microstock"), signature=signature) == 403
    await asyncio.sleep(0.3)
    assert wa.graph.sent == [] and wa.graph.read_receipts == []
    assert await wa.services.users.get("whatsapp", SARI) is None
    assert await wa.services.db.fetch_all("SELECT * FROM inbound_messages") == []


# --- conversation --------------------------------------------------------------------------------


async def test_a_first_question_gets_the_welcome_then_the_answer_and_is_marked_read(wa: WhatsApp) -> None:
    payload = text_message(SARI, "daftar shutterstock wajib punya npwp ga?", timestamp=wa.timestamp())
    assert await wa.post(payload) == 200
    welcome, *answer = await wa.replies(SARI, 3)
    assert "Kawan" in welcome.text and welcome.kind == "list"  # five menu choices: a list
    text, choices = answer
    assert text.kind == "text" and text.text.startswith("*") and "NPWP" in text.text  # bold title, whole answer
    assert choices.kind == "list" and choices.text == "Pilih di bawah ini 👇"
    ids = [row[0] for row in choices.rows]
    assert "fb:npwp-daftar-shutterstock:1" in ids and "menu" in ids
    related = [row for row in choices.rows if row[0].startswith("faq:")]
    assert related and all(row[2] for row in related)  # each row: short label, full question below
    assert await wa.graph.wait_for_reads(1) == [payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]]
    assert wa.graph.rejected == []


async def test_a_question_delivered_twice_is_answered_once_even_after_a_restart(
    tmp_path: Path, engine: FaqEngine, db_url: str | None
) -> None:
    async with GraphStub() as graph:
        settings = whatsapp_settings(graph, tmp_path / "kawan.db", db_url)
        payload = text_message(SARI, "apa itu microstock", message_id="wamid.same")
        async with running(settings, engine, graph) as world:
            await world.know(SARI)
            assert await world.post(payload) == 200
            await world.replies(SARI, 2)  # the answer, then its buttons
            answered = len(graph.sent_to(SARI))
            assert await world.post(payload) == 200  # Meta delivers at least once
            await asyncio.sleep(0.5)
            assert len(graph.sent_to(SARI)) == answered
        async with running(settings, engine, graph) as world:
            assert await world.post(payload) == 200  # and later, to the next process
            await asyncio.sleep(0.5)
            assert len(graph.sent_to(SARI)) == answered


async def test_menus_fit_whatsapp_and_a_long_list_pages_with_lainnya(wa: WhatsApp) -> None:
    await wa.know(SARI)
    await wa.say(SARI, "menu")  # a command typed as a word
    [menu] = await wa.replies(SARI, 1)
    assert menu.kind == "list" and ("cat:microstock", "Microstock", "") in menu.rows
    await wa.choose(SARI, next(r for r in menu.rows if r[0] == "cat:microstock"))
    [first] = await wa.replies(SARI, 1)
    assert len(first.rows) == 10 and first.rows[-1][1] == "Lainnya…"  # 17 questions and the menu: 9 + more
    await wa.choose(SARI, first.rows[-1])
    [second] = await wa.replies(SARI, 1)
    assert second.kind == "list" and second.text == "Pilihan lainnya:"
    shown = [r[0] for r in first.rows[:-1] + second.rows]
    assert len(shown) == 18 and len(set(shown)) == 18 and shown[-1] == "menu"
    await wa.choose(SARI, second.rows[0])  # a row of the second page is an ordinary choice
    [answer, _buttons] = await wa.replies(SARI, 2)
    assert answer.text.startswith("*")
    assert wa.graph.rejected == []


async def test_short_choices_are_reply_buttons(wa: WhatsApp) -> None:
    await wa.know(SARI)
    await wa.say(SARI, "hapus data")
    [confirm] = await wa.replies(SARI, 1)
    assert confirm.kind == "buttons" and len(confirm.button_titles) == 2
    assert all(len(title) <= 20 for title in confirm.button_titles)
    await wa.tap(SARI, "del:yes")
    await wa.replies(SARI, 1)
    assert await wa.services.users.get("whatsapp", SARI) is None


async def test_commands_work_as_words(wa: WhatsApp) -> None:
    await wa.know(SARI)
    await wa.say(SARI, "upload 3")
    [done] = await wa.replies(SARI, 1)
    assert "3" in done.text
    await wa.say(SARI, "zona WITA")
    [zone] = await wa.replies(SARI, 1)
    assert "WITA" in zone.text
    user = await wa.services.users.get("whatsapp", SARI)
    assert user is not None and user.timezone == "Asia/Makassar"
    await wa.say(SARI, "upload foto di hp bisa ga")  # a question that starts with a command word
    await wa.replies(SARI, 1)
    assert sum((await wa.services.uploads.counts(user.id)).values()) == 3  # answered, not counted


@pytest.mark.parametrize("kind", ["audio", "sticker", "image", "location"])
async def test_voice_notes_stickers_images_and_locations_get_a_hint_to_type(wa: WhatsApp, kind: Any) -> None:
    await wa.know(SARI)
    assert await wa.post(media_message(SARI, kind, timestamp=wa.timestamp())) == 200
    [hint] = await wa.replies(SARI, 1)
    assert "teks" in hint.text


async def test_a_reaction_is_not_answered(wa: WhatsApp) -> None:
    await wa.know(SARI)
    assert await wa.post(reaction(SARI, "👍", "wamid.out.1", timestamp=wa.timestamp())) == 200
    await asyncio.sleep(0.4)
    assert len(wa.graph.sent_to(SARI)) == 1


async def test_a_username_user_known_by_business_scoped_id_alone_stays_the_same_user(wa: WhatsApp) -> None:
    await wa.say(SARI, "/start", bsuid="ID.1234567")
    await wa.replies(SARI, 1)
    await wa.say(None, "upload 2", bsuid="ID.1234567")  # the phone number is hidden from now on  # type: ignore[arg-type]
    [reply] = await wa.replies(SARI, 1)  # sent to the same chat: one user, one history
    assert "2" in reply.text
    rows = await wa.services.db.fetch_all("SELECT chat_id FROM users WHERE channel = 'whatsapp'")
    assert [r[0] for r in rows] == [SARI]


async def test_a_stranger_known_only_by_business_scoped_id_is_answered_by_that_id(wa: WhatsApp) -> None:
    assert await wa.post(text_message(None, "/start", bsuid="ID.999", timestamp=wa.timestamp())) == 200
    [welcome] = await wa.graph.wait_for_messages("ID.999", 1)
    assert welcome.raw.get("recipient") == "ID.999" and "to" not in welcome.raw


# --- limits and errors --------------------------------------------------------------------------


async def test_throttling_is_backed_off_and_the_answer_still_arrives(wa: WhatsApp) -> None:
    await wa.know(SARI)
    wa.graph.fail_next(130429, to=SARI)
    wa.graph.fail_next(131056, to=SARI)
    await wa.say(SARI, "streak")
    [reply] = await wa.replies(SARI, 1, timeout=15)
    assert "streak" in reply.text.lower()
    assert sorted(r.code for r in wa.graph.rejected) == [130429, 131056]


async def test_an_expired_token_is_one_log_line_and_the_bot_keeps_running(
    wa: WhatsApp, caplog: pytest.LogCaptureFixture
) -> None:
    await wa.know(SARI)
    wa.graph.expire_token()
    with caplog.at_level(logging.INFO):
        await wa.say(SARI, "streak")
        await wa.say(SARI, "menu")
        await wa.graph.wait_for_rejections(2)
        await asyncio.sleep(0.3)
    token_lines = [r for r in caplog.records if "access token" in r.getMessage()]
    assert len(token_lines) == 1 and token_lines[0].levelno == logging.ERROR
    assert all(r.exc_info is None for r in caplog.records if r.name.startswith("bot."))
    assert wa.graph.token not in caplog.text
    wa.graph.restore_token()
    await wa.say(SARI, "streak")
    [reply] = await wa.replies(SARI, 1)
    assert "streak" in reply.text.lower()


async def test_an_undeliverable_user_is_marked_inactive_until_they_write(wa: WhatsApp) -> None:
    await wa.know(SARI)
    wa.graph.block(SARI)
    await wa.say(SARI, "streak")
    await wa.graph.wait_for_rejections(1)
    await asyncio.sleep(0.3)
    user = await wa.services.users.get("whatsapp", SARI)
    assert user is not None and not user.active


# --- reminders and the 24-hour window -------------------------------------------------------------


async def _subscribed(wa: WhatsApp, wa_id: str, *, kind: str = UPLOAD) -> None:
    """`wa_id` writes, and subscribes to a reminder due about an hour later (well inside the window)."""
    await wa.know(wa_id)
    user = await wa.services.users.get("whatsapp", wa_id)
    assert user is not None
    local = (wa.now[0] + timedelta(hours=1)).astimezone(ZoneInfo(user.timezone))
    weekday = None if kind == UPLOAD else local.weekday()
    await wa.services.reminders.set_reminder(user, kind, time(local.hour, local.minute), wa.now[0], weekday)


async def _due(wa: WhatsApp, days_later: int = 0) -> datetime:
    """Move the clock to the next reminder time (plus `days_later` days) and let the dispatcher run."""
    rows = await wa.services.db.fetch_all("SELECT MIN(next_due_utc) FROM reminders")
    due = datetime.fromisoformat(rows[0][0]) + timedelta(days=days_later, seconds=5)
    wa.now[0] = due
    await wa.kawan.dispatchers["whatsapp"].tick()
    return due


async def _delivery(wa: WhatsApp) -> tuple[str, str | None, str | None]:
    row = await wa.services.db.fetch_one(  # the newest occurrence
        "SELECT status, message_id, receipt FROM deliveries ORDER BY due_utc DESC, reminder_id DESC LIMIT 1"
    )
    assert row is not None
    return row[0], row[1], row[2]


async def _settled(wa: WhatsApp, expected: tuple[str, str | None, str | None], timeout: float = 5.0) -> None:
    """The delivery record reaches `expected` (receipts are processed after the webhook's 200)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (found := await _delivery(wa)) != expected:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.05)


async def test_a_reminder_inside_the_window_comes_with_its_buttons_and_receipts_update_it(wa: WhatsApp) -> None:
    await _subscribed(wa, SARI)
    await _due(wa)  # within 24 hours of "/start"
    [reminder] = await wa.replies(SARI, 1)
    assert reminder.kind == "buttons"
    assert reminder.button_titles == ["✅ Sudah upload", "😴 Libur hari ini", "⏰ Nanti sejam lagi"]
    await _settled(wa, ("sent", reminder.id, "sent"))  # which message carried it is recorded within 0.2 s
    for status in ("read", "delivered"):  # out of order: "delivered" after "read" changes nothing
        assert await wa.post(status_update(reminder.id, status, SARI)) == 200
        await asyncio.sleep(0.2)
    await _settled(wa, ("sent", reminder.id, "read"))
    await wa.tap(SARI, reminder.button_ids[0], reminder.button_titles[0])
    [thanks] = await wa.replies(SARI, 1)
    assert "streak" in thanks.text.lower()


async def test_outside_the_window_a_reminder_goes_as_its_template_whose_buttons_work(wa: WhatsApp) -> None:
    await _subscribed(wa, SARI)
    await _due(wa, days_later=2)  # two days without a word from Sari
    [template] = await wa.replies(SARI, 1)
    assert template.kind == "template" and template.template_name == "kawan_upload"
    assert template.template_language == "id"
    day = wa.now[0].astimezone(ZoneInfo("Asia/Jakarta")).date().isoformat()  # the reminder's own (WIB) date
    assert template.template_payloads == [f"up:done:{day}", f"up:rest:{day}", f"up:snooze:{day}"]
    assert (await _delivery(wa))[0] == "sent"
    assert await wa.post(template_button(SARI, f"up:done:{day}", "Sudah upload", timestamp=wa.timestamp())) == 200
    [thanks] = await wa.replies(SARI, 1)
    assert "streak" in thanks.text.lower()


async def test_outside_the_window_without_a_template_it_is_recorded_and_explained_once(wa: WhatsApp) -> None:
    await _subscribed(wa, SARI, kind=STATS)  # no stats template is configured in this test
    await _due(wa, days_later=7)
    await asyncio.sleep(0.3)
    assert len(wa.graph.sent_to(SARI)) == 1  # only the welcome: nothing could be sent
    assert (await _delivery(wa))[0] == "window_closed"
    await wa.say(SARI, "streak")
    notice, _streak = await wa.replies(SARI, 2)
    assert "24 jam" in notice.text
    await wa.say(SARI, "streak")
    [again] = await wa.replies(SARI, 1)
    assert "24 jam" not in again.text  # told once


async def test_a_window_closed_failure_reported_later_sends_the_template_instead(wa: WhatsApp) -> None:
    await _subscribed(wa, SARI)
    await _due(wa)
    [reminder] = await wa.replies(SARI, 1)
    assert reminder.kind == "buttons"
    assert await wa.post(status_update(reminder.id, "failed", SARI, error_code=131047)) == 200
    [template] = await wa.replies(SARI, 1)
    assert template.kind == "template" and template.template_name == "kawan_upload"
    await _settled(wa, ("sent", template.id, "sent"))


async def test_a_window_closed_failure_without_a_template_is_recorded_and_explained(wa: WhatsApp) -> None:
    await _subscribed(wa, BUDI, kind=STATS)
    await _due(wa)
    [reminder] = await wa.replies(BUDI, 1)
    assert await wa.post(status_update(reminder.id, "failed", BUDI, error_code=131047)) == 200
    await _settled(wa, ("window_closed", reminder.id, "failed"))
    await wa.say(BUDI, "menu")
    notice, _menu = await wa.replies(BUDI, 2)
    assert "24 jam" in notice.text


async def test_a_synchronous_window_closed_refusal_falls_back_to_the_template(wa: WhatsApp) -> None:
    await _subscribed(wa, SARI)
    wa.graph.close_window(SARI)  # Meta knows better than our record of the last message
    await _due(wa)
    [template] = await wa.replies(SARI, 1)
    assert template.kind == "template"
    assert [r.code for r in wa.graph.rejected] == [131047]


async def test_statistik_uploads_the_chart_and_sends_it_as_an_image(wa: WhatsApp) -> None:
    await wa.know(SARI)
    user = await wa.services.users.get("whatsapp", SARI)
    assert user is not None
    monday = date(2026, 11, 16)
    for weeks, downloads in enumerate((10, 14, 9)):
        stat = WeekStat(monday + timedelta(weeks=weeks), "shutterstock", downloads, 350 * downloads, currency="USD")
        await wa.services.week_stats.save(user.id, stat)
    await wa.say(SARI, "statistik")
    messages = await wa.replies(SARI, 2)
    [image] = [m for m in messages if m.kind == "image"]
    [upload] = [m for m in wa.graph.media.values() if m.id == image.image_id]
    assert upload.content_type == "image/png" and upload.data[:4] == b"\x89PNG"
    assert wa.graph.rejected == []
