"""Webhook mode: Telegram posts updates to our path with the secret; others are turned away."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot.app import Kawan, telegram_channel
from bot.faq.engine import FaqEngine
from bot.services import open_services
from tests.e2e.conftest import stub_settings
from tests.e2e.support import free_port
from tests.telegram_stub import TelegramStub


async def test_webhook_receives_updates_with_the_secret_only(tmp_path: Path, engine: FaqEngine) -> None:
    async with TelegramStub() as stub:
        port = free_port()
        settings = replace(
            stub_settings(
                stub, tmp_path / "k.db", webhook_url="https://kawan.example.com/telegram", webhook_secret="s3cret-token"
            ),
            webhook_listen="127.0.0.1",
            webhook_port=port,
        )
        services = await open_services(settings, engine)
        kawan = await Kawan.open(settings, engine, [telegram_channel], services=services, reminders=False)
        await kawan.start()
        try:
            assert stub.webhook_url == "https://kawan.example.com/telegram"
            assert stub.webhook_secret == "s3cret-token"
            update = {"update_id": 1, "message": stub.user_message(55, text="apa itu microstock")}
            url = f"http://127.0.0.1:{port}/telegram"
            async with aiohttp.ClientSession() as http:
                async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                    assert r.status == 403
                secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                async with http.post(url, json=update, headers=secret) as r:
                    assert r.status == 200
            welcome, answer = await stub.wait_for_messages(55, 2)  # someone new: the welcome, then the answer
            assert "Kawan" in welcome.text
            assert "royalti" in answer.text.lower()
        finally:
            await kawan.stop()
            await services.close()


async def test_an_update_delivered_to_two_workers_is_answered_once(
    tmp_path: Path, engine: FaqEngine, db_url: str | None
) -> None:
    """Behind nginx a retried update can reach another worker: the database lets only the first take it."""
    async with TelegramStub() as stub:
        workers = []
        for _ in range(2):
            settings = replace(
                stub_settings(stub, tmp_path / "k.db", db_url, webhook_url="https://kawan.example.com/telegram"),
                webhook_listen="127.0.0.1",
                webhook_port=free_port(),
            )
            services = await open_services(settings, engine)
            kawan = await Kawan.open(settings, engine, [telegram_channel], services=services, reminders=False)
            await kawan.start()
            workers.append((kawan, services, settings.webhook_port))
        try:
            update = {"update_id": 7, "message": stub.user_message(56, text="apa itu microstock")}
            async with aiohttp.ClientSession() as http:
                for _, _, port in workers:  # the same update, to each worker
                    async with http.post(f"http://127.0.0.1:{port}/telegram", json=update) as response:
                        assert response.status == 200
            await stub.wait_for_messages(56, 2)  # the welcome and the answer, once
            await asyncio.sleep(0.5)
            assert len(stub.sent_messages(56)) == 2
        finally:
            for kawan, services, _ in workers:
                await kawan.stop()
                await services.close()
