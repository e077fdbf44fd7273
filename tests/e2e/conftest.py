from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.faq.engine import FaqEngine
from bot.services import Services, open_services
from tests.conftest import CONTENT_DIR
from tests.telegram_stub import TelegramStub


@dataclass
class Running:
    stub: TelegramStub
    channel: TelegramChannel
    services: Services


def stub_settings(stub: TelegramStub, db: Path) -> Settings:
    return Settings(token=stub.token, base_url=stub.base_url, db_path=db, content_dir=CONTENT_DIR)


@pytest.fixture
async def running(tmp_path: Path, engine: FaqEngine) -> AsyncIterator[Running]:
    """The real PTB Application, polling the stand-in Bot API over HTTP on 127.0.0.1."""
    async with TelegramStub() as stub:
        settings = stub_settings(stub, tmp_path / "kawan.db")
        services = await open_services(settings, engine)
        channel = TelegramChannel(settings, engine, services)
        await channel.start(poll_timeout=1)
        try:
            yield Running(stub, channel, services)
        finally:
            await channel.stop()
            await services.close()
