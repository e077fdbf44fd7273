"""`kawan run` as a real process against the stand-in Bot API: it answers, and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from tests.telegram_stub import TelegramStub


async def test_kawan_run_answers_and_exits_0_on_sigterm_without_leaking_the_token(tmp_path: Path) -> None:
    async with TelegramStub() as stub:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": stub.token,
            "TELEGRAM_BASE_URL": stub.base_url,
            "KAWAN_DB": str(tmp_path / "kawan.db"),
            "KAWAN_LOG_LEVEL": "DEBUG",
            "NO_PROXY": "127.0.0.1",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=PROJECT_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await stub.wait_for("getUpdates", timeout=30)
            stub.push_text(7, "apa itu microstock")
            welcome, answer = await stub.wait_for_messages(7, 2, timeout=30)  # someone new: welcome, then answer
            assert "Kawan" in welcome.text
            assert "royalti" in answer.text.lower()
        finally:
            process.send_signal(signal.SIGTERM)
            _stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, stderr.decode()[-2000:]
        log = stderr.decode()
        assert "Traceback" not in log
        assert stub.token not in log and stub.token.split(":")[1] not in log
    db_files = list(tmp_path.glob("kawan.db*"))
    assert db_files


async def test_kawan_run_serves_whatsapp_alone_and_exits_0_on_sigterm_without_leaking_secrets(tmp_path: Path) -> None:
    from tests.e2e.test_webhook import free_port
    from tests.graph_stub import GraphStub, post_webhook, text_message, verify_webhook

    async with GraphStub() as graph:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))}
        env |= {
            "WHATSAPP_TOKEN": graph.token,
            "WHATSAPP_PHONE_NUMBER_ID": graph.phone_id,
            "WHATSAPP_APP_SECRET": graph.app_secret,
            "WHATSAPP_VERIFY_TOKEN": graph.verify_token,
            "WHATSAPP_GRAPH_URL": graph.base_url,
            "KAWAN_WEBHOOK_PORT": str(port),
            "KAWAN_DB": str(tmp_path / "kawan.db"),
            "KAWAN_LOG_LEVEL": "DEBUG",
            "NO_PROXY": "127.0.0.1",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=PROJECT_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/whatsapp"
        try:
            for _ in range(300):  # until the listener is up
                try:
                    if (await verify_webhook(url, graph.verify_token, "42"))[0] == 200:
                        break
                except OSError:
                    pass
                await asyncio.sleep(0.1)
            assert await post_webhook(url, text_message("6281234567890", "apa itu microstock"), graph.app_secret) == 200
            welcome, answer, _buttons = await graph.wait_for_messages("6281234567890", 3, timeout=30)
            assert "Kawan" in welcome.text and "royalti" in answer.text.lower()
        finally:
            process.send_signal(signal.SIGTERM)
            _stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, stderr.decode()[-2000:]
        log = stderr.decode()
        assert "Traceback" not in log
        for secret in (graph.token, graph.app_secret, graph.verify_token):
            assert secret not in log
