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
