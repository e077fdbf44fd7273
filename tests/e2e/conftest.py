from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import Kawan, telegram_channel
from bot.channels.telegram import TelegramChannel
from bot.config import Settings, TelegramSettings
from bot.faq.engine import FaqEngine
from bot.services import Services, open_services
from tests.conftest import CONTENT_DIR
from tests.telegram_stub import TelegramStub

KNOWN_CHATS = (1001, 1002, 2002)


@dataclass
class Running:
    stub: TelegramStub
    kawan: Kawan
    channel: TelegramChannel
    services: Services


def stub_settings(stub: TelegramStub, db: Path, db_url: str | None = None, **telegram: str) -> Settings:
    return Settings(
        telegram=TelegramSettings(stub.token, stub.base_url, **telegram),  # type: ignore[arg-type]
        db_path=db,
        db_url=db_url,
        content_dir=CONTENT_DIR,
    )


@pytest.fixture
async def running(tmp_path: Path, engine: FaqEngine, db_url: str | None) -> AsyncIterator[Running]:
    """The real app with the real PTB Application, polling the stand-in Bot API over HTTP on 127.0.0.1."""
    async with TelegramStub() as stub:
        settings = stub_settings(stub, tmp_path / "kawan.db", db_url)
        services = await open_services(settings, engine)
        for chat_id in KNOWN_CHATS:  # people who have chatted before: no first-contact welcome in the way
            await services.users.ensure("telegram", str(chat_id), "Asia/Jakarta")
        kawan = await Kawan.open(
            settings, engine, [lambda k: telegram_channel(k, poll_timeout=1)], services=services, reminders=True
        )
        await kawan.start()
        try:
            channel = kawan.channels["telegram"]
            assert isinstance(channel, TelegramChannel)
            yield Running(stub, kawan, channel, services)
        finally:
            await kawan.stop()
            await services.close()
