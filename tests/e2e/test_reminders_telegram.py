"""Reminders through Telegram: subscribe, receive at the local time, check in, statistics with a chart."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import PROJECT_ROOT
from tests.e2e.conftest import Running

CHAT = 2002


async def test_subscribe_receive_and_check_in(running: Running) -> None:
    stub, services = running.stub, running.services
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 17:00 WIB
    services.clock = lambda: now
    stub.push_text(CHAT, "/pengingat upload 19:00")
    [confirm] = await stub.wait_for_messages(CHAT, 1)
    assert "19.00 WIB" in confirm.text

    now = datetime(2026, 11, 22, 12, 0, 5, tzinfo=UTC)
    report = await running.kawan.dispatchers["telegram"].tick()
    assert report.sent == 1
    messages = await stub.wait_for_messages(CHAT, 2)
    reminder = messages[-1]
    assert reminder.text.startswith("⏰")
    assert reminder.button_labels == ["✅ Sudah upload", "😴 Libur hari ini", "⏰ Nanti sejam lagi"]
    assert (await running.kawan.dispatchers["telegram"].tick()).sent == 0  # once per occurrence

    stub.push_callback(CHAT, reminder.callback_data[0], message_id=reminder.message_id)
    messages = await stub.wait_for_messages(CHAT, 3)
    assert "Tercatat: 1 upload" in messages[-1].text
    assert stub.rejections == []


async def test_statistics_flow_ends_with_a_chart_photo(running: Running) -> None:
    stub = running.stub
    stub.push_callback(CHAT, "st:p:adobestock")
    await stub.wait_for_messages(CHAT, 1)
    stub.push_text(CHAT, "40")
    stub_count = 2
    await stub.wait_for_messages(CHAT, stub_count)
    stub.push_text(CHAT, "12,25")
    await stub.wait_for_messages(CHAT, 3)
    stub.push_text(CHAT, "/statistik")
    await stub.wait_for("sendPhoto", chat_id=CHAT, timeout=20)
    [photo] = stub.calls_to("sendPhoto", chat_id=CHAT)
    assert photo["photo"].data[:4] == b"\x89PNG"
    texts = stub.sent_texts(CHAT)
    assert any("40 download" in t and "US$12,25" in t for t in texts)
    assert stub.rejections == []


def test_the_terminal_chat_shows_the_chart_as_a_file_path(tmp_path: Path) -> None:
    env = {**os.environ, "KAWAN_DB": str(tmp_path / "k.db")}
    # met Kawan, then: note now -> Shutterstock -> photos -> 12 -> $3.50
    script = "/start\n/statistik\n1\n1\n1\n12\n3,50\n/statistik\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input=script, capture_output=True, text=True, env=env,
        cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Shutterstock, 12 download, US$3,50" in result.stdout and "Tersimpan untuk " in result.stdout
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("[gambar: ")]
    chart = Path(line.removeprefix("[gambar: ").rstrip("]"))
    assert chart.is_file() and chart.read_bytes()[:4] == b"\x89PNG"
    assert chart.parent == Path(os.environ["KAWAN_CACHE_DIR"]) / "charts"  # the cache, never beside the database
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("k.db")) == []


def test_the_terminal_chat_has_privacy_and_the_console_for_whoever_runs_it(tmp_path: Path) -> None:
    """In `kawan chat` the person at the keyboard runs Kawan: /admin and /siaran work; /dataku is a file path."""
    env = {**os.environ, "KAWAN_DB": str(tmp_path / "k.db")}
    script = "/start\n/pengingat upload 19:00\n/privasi\n/dataku\n/admin\n/siaran status\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input=script, capture_output=True, text=True, env=env,
        cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "UU PDP" in out and "/hapusdata" in out
    [line] = [ln for ln in out.splitlines() if ln.startswith("[berkas: ")]
    copy = Path(line.removeprefix("[berkas: ").rstrip("]"))
    assert copy.suffix == ".json" and "19:00" in copy.read_text(encoding="utf-8")
    assert "📊 Kawan sekilas" in out and "Belum ada pengumuman" in out
    assert "Traceback" not in result.stderr
