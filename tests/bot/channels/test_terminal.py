from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from bot.channels.terminal import TerminalChat, render
from bot.messages import Button, Incoming, Reply, UserRef


def test_render_numbers_buttons_from_the_given_start() -> None:
    reply = Reply("Pilih:", ((Button("Satu", "a"),), (Button("Dua", "b"),)))
    assert render(reply, 3) == "Pilih:\n  [3] Satu\n  [4] Dua"


async def test_a_number_presses_the_matching_button_of_the_last_reply() -> None:
    seen: list[Incoming] = []

    async def handler(incoming: Incoming) -> list[Reply]:
        seen.append(incoming)
        return [Reply("menu", ((Button("A", "act:a"), Button("B", "act:b")),))]

    out = io.StringIO()
    chat = TerminalChat(handler, io.StringIO("halo\n2\n\n9\n"), out, UserRef("terminal", "t"))
    await chat.run()
    assert [i.text or i.action for i in seen] == ["halo", "act:b", "9"]
    assert "[2] B" in out.getvalue()


async def test_a_failing_handler_gets_a_friendly_message_not_a_traceback() -> None:
    async def handler(incoming: Incoming) -> list[Reply]:
        raise RuntimeError("db gone")

    out = io.StringIO()
    await TerminalChat(handler, io.StringIO("halo\n"), out, UserRef("terminal", "t")).run()
    assert "Maaf" in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_kawan_chat_answers_piped_lines_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "KAWAN_DB": str(tmp_path / "k.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/start\napa itu microstock\n/bantuan\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Halo, aku Kawan" in out
    assert "royalti" in out.lower()
    assert "Cara pakai Kawan" in out
    assert "Traceback" not in result.stderr
