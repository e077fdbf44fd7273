"""`kawan run` as a real process against the stand-in Bot API: it answers, and SIGTERM stops it cleanly."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.support import clean_environment, free_port, kawan_run, until_listening
from tests.graph_stub import GraphStub, post_webhook, text_message
from tests.telegram_stub import TelegramStub


async def test_kawan_run_answers_and_exits_0_on_sigterm_without_leaking_the_token(tmp_path: Path) -> None:
    async with TelegramStub() as stub:
        env = clean_environment(
            TELEGRAM_BOT_TOKEN=stub.token,
            TELEGRAM_BASE_URL=stub.base_url,
            KAWAN_DB=str(tmp_path / "kawan.db"),
            KAWAN_LOG_LEVEL="DEBUG",
        )
        async with kawan_run(env) as finished:
            await stub.wait_for("getUpdates", timeout=30)
            stub.push_text(7, "apa itu microstock")
            welcome, answer = await stub.wait_for_messages(7, 2, timeout=30)  # someone new: welcome, then answer
            assert "Kawan" in welcome.text
            assert "royalti" in answer.text.lower()
        assert finished.returncode == 0, finished.log[-2000:]
        assert "Traceback" not in finished.log
        assert stub.token not in finished.log and stub.token.split(":")[1] not in finished.log
    db_files = list(tmp_path.glob("kawan.db*"))
    assert db_files


async def test_kawan_run_serves_whatsapp_alone_and_exits_0_on_sigterm_without_leaking_secrets(tmp_path: Path) -> None:
    async with GraphStub() as graph:
        port = free_port()
        env = clean_environment(
            **graph.environment(),
            KAWAN_WEBHOOK_PORT=str(port),
            KAWAN_DB=str(tmp_path / "kawan.db"),
            KAWAN_LOG_LEVEL="DEBUG",
        )
        url = f"http://127.0.0.1:{port}/whatsapp"
        async with kawan_run(env) as finished:
            await until_listening(url, graph.verify_token)
            assert await post_webhook(url, text_message("6281234567890", "apa itu microstock"), graph.app_secret) == 200
            welcome, answer, _buttons = await graph.wait_for_messages("6281234567890", 3, timeout=30)
            assert "Kawan" in welcome.text and "royalti" in answer.text.lower()
        assert finished.returncode == 0, finished.log[-2000:]
        assert "Traceback" not in finished.log
        for secret in (graph.token, graph.app_secret, graph.verify_token):
            assert secret not in finished.log
