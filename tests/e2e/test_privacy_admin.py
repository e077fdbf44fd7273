"""Privacy and the admin console over the real channels: `kawan run` as a process, stand-ins on 127.0.0.1.

Each test starts `kawan run` serving Telegram and WhatsApp together, talks to it as people do (messages,
button presses, signed webhooks) and reads what reached the stand-in Bot API and Graph API. A process
takes seconds to start, so each test tells one whole story instead of many short ones.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.db_url import password_of
from bot.faq.engine import FaqEngine
from handlers.privacy import SECTIONS
from tests.conftest import MODEL_CACHE
from tests.e2e.support import clean_environment, free_port, kawan_run, until_listening
from tests.graph_stub import GraphStub, SentMessage, post_webhook, text_message
from tests.postgres import read
from tests.telegram_stub import BotMessage, TelegramStub, UploadedFile

ADMIN, ANI, BAYU, CITRA = 5001, 5002, 5003, 5004  # Telegram chats; ADMIN is in KAWAN_ADMINS
SARI, BUDI = "6281234567890", "6289876543210"  # WhatsApp numbers
TWO_DAYS = 2 * 24 * 3600


@dataclass
class World:
    """The two stand-ins, the environment that points `kawan run` at them, and what the test has read."""

    stub: TelegramStub
    graph: GraphStub
    env: dict[str, str]
    db: str  # the SQLite file's path or the PostgreSQL URL `kawan run` was given
    url: str
    _seen: dict[int | str, int] = field(default_factory=dict)

    async def ready(self) -> None:
        await until_listening(self.url, self.graph.verify_token)  # opened after both channels have started

    async def telegram(self, chat: int, count: int, timeout: float = 10.0) -> list[BotMessage]:
        """The next `count` messages the bot sent to a Telegram chat (after those read before)."""
        seen = self._seen.get(chat, 0)
        messages = await self.stub.wait_for_messages(chat, seen + count, timeout=timeout)
        self._seen[chat] = seen + count
        return messages[seen : seen + count]

    async def whatsapp(self, wa_id: str, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """The next `count` messages the bot sent to a WhatsApp number (after those read before)."""
        seen = self._seen.get(wa_id, 0)
        messages = await self.graph.wait_for_messages(wa_id, seen + count, timeout=timeout)
        self._seen[wa_id] = seen + count
        return messages[seen : seen + count]

    async def say(self, chat: int, text: str, count: int = 1) -> list[BotMessage]:
        self.stub.push_text(chat, text)
        return await self.telegram(chat, count)

    async def press(self, chat: int, message: BotMessage, data: str, count: int = 1) -> list[BotMessage]:
        assert data in message.callback_data, message.callback_data
        self.stub.push_callback(chat, data, message_id=message.message_id)
        return await self.telegram(chat, count)

    async def write(self, wa_id: str, text: str, count: int = 1, *, seconds_ago: int = 0) -> list[SentMessage]:
        payload = text_message(wa_id, text, timestamp=int(time.time()) - seconds_ago)
        assert await post_webhook(self.url, payload, self.graph.app_secret) == 200
        return await self.whatsapp(wa_id, count)


@pytest.fixture
async def world(tmp_path: Path, engine: FaqEngine, db_url: str | None) -> AsyncIterator[World]:
    # A cache folder of this test's own (the copies /dataku writes land there), with the trained model
    # the `engine` fixture has made current linked in, so the process loads it instead of training.
    cache = tmp_path / "cache"
    cache.mkdir()
    for model in MODEL_CACHE.glob("faq-model-*.npz"):
        (cache / model.name).symlink_to(model)
    async with TelegramStub() as stub, GraphStub() as graph:
        port = free_port()
        env = clean_environment(
            TELEGRAM_BOT_TOKEN=stub.token,
            TELEGRAM_BASE_URL=stub.base_url,
            **graph.environment(),
            WHATSAPP_MESSAGES_PER_SECOND="0",
            KAWAN_WEBHOOK_PORT=str(port),
            KAWAN_DB=db_url or str(tmp_path / "kawan.db"),
            KAWAN_CACHE_DIR=str(cache),
            KAWAN_ADMINS=str(ADMIN),
        )
        yield World(stub, graph, env, db_url or str(tmp_path / "kawan.db"), f"http://127.0.0.1:{port}/whatsapp")


def sent_file(message: BotMessage) -> bytes:
    """The `/dataku` copy a Telegram message carries as a document: a .json file."""
    assert message.method == "sendDocument" and isinstance(message.document, UploadedFile), message
    assert message.document.filename is not None and message.document.filename.endswith(".json")
    return message.document.data


def sections(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """A copy's tables by their Indonesian names; every one of them is there, even when empty."""
    copy = json.loads(data.decode("utf-8"))
    assert set(copy) == {"dibuat", "keterangan", *SECTIONS.values()}, sorted(copy)
    return {name: rows for name, rows in copy.items() if name in SECTIONS.values()}


def recipients(db: str) -> dict[str, int]:
    """How many recipients of the announcement are in each delivery status, read from the database."""
    rows = read(db, "SELECT status, COUNT(*) FROM broadcast_recipients GROUP BY status")
    return {str(status): int(str(n)) for status, n in rows}


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_dataku_sends_each_person_a_json_copy_of_their_own_data_and_hapusdata_empties_it(world: World) -> None:
    async with kawan_run(world.env) as finished:
        await world.ready()
        for chat in (ANI, BAYU):
            await world.say(chat, "/start")
        [reminder] = await world.say(ANI, "/pengingat upload 19:00")
        assert "19.00 WIB" in reminder.text
        await world.say(BAYU, "/pengingat upload 07:30")
        await world.say(BAYU, "/upload 2")
        await world.write(SARI, "/start")
        [reminder_wa] = await world.write(SARI, "pengingat upload 20:00")
        assert "20.00 WIB" in reminder_wa.text

        summary, document = await world.say(ANI, "/dataku", 2)  # the summary, then the file
        assert summary.text.startswith("📄") and "• 1 pengingat" in summary.text and "/hapusdata" in summary.text
        raw = sent_file(document)
        copy = sections(raw)
        [account] = copy["akun"]
        assert (account["channel"], account["chat_id"], account["timezone"]) == ("telegram", str(ANI), "Asia/Jakarta")
        assert [(r["kind"], r["local_time"]) for r in copy["pengingat"]] == [("upload", "19:00")]
        assert copy["upload_per_hari"] == []  # Bayu's upload is his, not in Ani's copy
        assert f'"{BAYU}"'.encode() not in raw and SARI.encode() not in raw and b"07:30" not in raw

        [confirm] = await world.say(ANI, "/hapusdata")
        [deleted] = await world.press(ANI, confirm, "del:yes")
        assert "semua datamu sudah dihapus" in deleted.text
        _welcome, summary, document = await world.say(ANI, "/dataku", 3)  # someone new again: the welcome first
        assert "tidak ada selain akunmu" in summary.text
        copy = sections(sent_file(document))
        [account] = copy["akun"]
        assert account["chat_id"] == str(ANI)
        assert {name: rows for name, rows in copy.items() if rows and name != "akun"} == {}

        _summary, document = await world.say(BAYU, "/dataku", 2)  # Ani's deletion took nothing of Bayu's
        copy = sections(sent_file(document))
        assert [r["local_time"] for r in copy["pengingat"]] == ["07:30"]
        assert [r["count"] for r in copy["upload_per_hari"]] == [2]

        summary_wa, document_wa = await world.write(SARI, "dataku", 2)  # a word: WhatsApp has no command menu
        assert summary_wa.kind == "text" and "• 1 pengingat" in summary_wa.text
        assert document_wa.kind == "document" and document_wa.document_id is not None
        upload = world.graph.media[document_wa.document_id]
        assert upload.content_type in ("text/plain", "application/json")
        assert upload.filename is not None and upload.filename.endswith(".json")
        assert document_wa.raw["document"]["filename"] == upload.filename
        copy = sections(upload.data)
        [account] = copy["akun"]
        assert (account["channel"], account["chat_id"]) == ("whatsapp", SARI)
        assert [r["local_time"] for r in copy["pengingat"]] == ["20:00"]
        assert len(copy["pesan_whatsapp_yang_diterima"]) == 3  # the messages she sent, by id and time only
        assert str(ANI).encode() not in upload.data and str(BAYU).encode() not in upload.data
    assert finished.returncode == 0, finished.log[-2000:]
    assert "Traceback" not in finished.log
    assert world.stub.rejections == [] and world.graph.rejected == []


async def test_an_admin_sees_usage_and_an_announcement_reaches_everyone_who_wants_it_once(world: World) -> None:
    text = "Webinar gratis soal pajak kontributor besok jam 19.00 WIB!"
    async with kawan_run(world.env) as first:
        await world.ready()
        for chat in (ADMIN, ANI, BAYU, CITRA):
            await world.say(chat, "/start")
        world.stub.block_chat(CITRA)  # she blocks Kawan; Kawan learns it only when it next writes to her
        await world.write(SARI, "/start")
        await world.write(BUDI, "/start", seconds_ago=TWO_DAYS)  # his 24-hour window closed long ago
        [privacy] = await world.say(BAYU, "/privasi")
        [off] = await world.press(BAYU, privacy, "ann:off")
        assert "tidak ada pengumuman lagi" in off.text
        await world.say(ANI, "/pengingat upload 19:00")

        for command in ("/admin", "/siaran", "/siaran status"):
            [refused] = await world.say(ANI, command)
            assert "khusus untuk pengelola Kawan" in refused.text, command

        [glance] = await world.say(ADMIN, "/admin")
        assert glance.text.startswith("📊 Kawan sekilas")
        assert "7 hari terakhir" in glance.text and "30 hari terakhir" in glance.text
        assert glance.text.count("Pengguna baru: Telegram 4, WhatsApp 2") == 2  # in both periods
        assert "upload 1, statistik mingguan 0" in glance.text  # Ani's reminder
        assert not any(str(who) in glance.text for who in (ANI, BAYU, CITRA, SARI, BUDI))
        assert "siaran:new" in glance.callback_data

        [ask] = await world.say(ADMIN, "/siaran")
        assert "Tulis pengumumannya" in ask.text
        preview, plan = await world.say(ADMIN, text, 2)
        assert preview.text == f"📢 Pengumuman dari Kawan\n\n{text}" and preview.callback_data == []
        assert "5 orang (Telegram 3, WhatsApp 2)" in plan.text  # not Bayu: he turned announcements off
        assert plan.callback_data == ["siaran:send", "siaran:edit", "siaran:cancel"]
        [sending] = await world.press(ADMIN, plan, "siaran:send")
        assert "Sedang dikirim ke 5 orang" in sending.text
    assert first.returncode == 0, first.log[-2000:]
    assert "Traceback" not in first.log

    # The runner looks for work at start and then every 15 seconds: rather than wait, start the next
    # process, which sends what the last one wrote straight away (and shows a broadcast survives a restart).
    async with kawan_run(world.env) as second:
        await world.ready()
        [to_ani] = await world.telegram(ANI, 1)
        assert to_ani.text == f"📢 Pengumuman dari Kawan\n\n{text}"
        assert to_ani.callback_data == ["ann:off"] and to_ani.button_labels == ["🔕 Stop pengumuman"]
        [to_admin] = await world.telegram(ADMIN, 1)  # the admin is someone with announcements on, too
        assert to_admin.text == to_ani.text and to_admin.callback_data == ["ann:off"]
        [to_sari] = await world.whatsapp(SARI, 1)
        assert to_sari.text == f"*📢 Pengumuman dari Kawan*\n\n{text}"
        assert (to_sari.kind, to_sari.button_ids) == ("buttons", ["ann:off"])  # one tap, not a list

        await until(lambda: recipients(world.db) == {"sent": 3, "unreachable": 1, "window_closed": 1}, "the send")
        [status] = await world.say(ADMIN, "/siaran status")
        assert status.text == (
            "📢 Pengumuman terakhir: 3 dari 5 sudah terkirim, 0 masih menunggu.\n"
            "Tidak terkirim: 1 di luar 24 jam WhatsApp, 1 memblokir Kawan, 0 mematikan pengumuman, 0 gagal.\n"
            "✅ Selesai."
        )
        [stopped] = await world.press(ANI, to_ani, "ann:off")  # the button on the announcement works
        assert "tidak ada pengumuman lagi" in stopped.text
    assert second.returncode == 0, second.log[-2000:]
    assert "Traceback" not in second.log
    password = password_of(world.db)  # on PostgreSQL: the database password never reaches a log line
    assert password is None or (password not in first.log and password not in second.log)

    def announced(chat: int) -> list[BotMessage]:
        return [m for m in world.stub.sent_messages(chat) if "ann:off" in m.callback_data and text in (m.text or "")]

    assert [len(announced(chat)) for chat in (ADMIN, ANI, BAYU)] == [1, 1, 0]  # once each; none for Bayu
    assert len(world.graph.sent_to(SARI)) == 2  # the welcome, the announcement
    assert len(world.graph.sent_to(BUDI)) == 1  # only the welcome, two days ago
    [refusal] = world.stub.rejections  # Citra's one attempt: recorded unreachable, so no later tick tries again
    assert (refusal.params["chat_id"], refusal.error_code) == (CITRA, 403) and text in refusal.params["text"]
    assert len(world.stub.calls_to("sendMessage", chat_id=CITRA)) == 2  # the welcome, the one attempt
    active = dict(read(world.db, "SELECT chat_id, active FROM users WHERE channel = 'telegram'"))
    assert active == {str(ADMIN): 1, str(ANI): 1, str(BAYU): 1, str(CITRA): 0}  # Citra: no reminders either
    assert world.graph.rejected == []
