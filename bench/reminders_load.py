"""Reminders at scale: 100,000 subscribers in the database.

Run: .venv/bin/python -m bench.reminders_load [--subscribers 100000] [--due 10000] [--limited 600]
Measures (issue 6 targets): start-up <= 2 s and resident memory <= 150 MB for `kawan run`'s start
(content index, database, reminder recovery, first due query); selecting and dispatching due
reminders >= 1,000/s against the stand-in Bot API (in its own process) without rate limiting;
and with the rate limiter at Telegram's 30 messages/s, sustained throughput >= 95% of that.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.database import empty_database
from bot import PROJECT_ROOT
from bot.reminders.schedule import to_utc_text
from tests.telegram_stub import DEFAULT_TOKEN

NOW = datetime(2026, 11, 22, 12, 0, 30, tzinfo=UTC)


def build_database(path: Path, subscribers: int, due: int) -> None:
    """`subscribers` users with a daily upload reminder; `due` of them due at NOW, the rest later today."""
    conn = empty_database(path)
    stamp = to_utc_text(NOW)
    conn.executemany(
        "INSERT INTO users (id, channel, chat_id, timezone, created_at) VALUES (?, 'telegram', ?, 'Asia/Jakarta', ?)",
        ((n, str(100_000 + n), stamp) for n in range(1, subscribers + 1)),
    )
    later = to_utc_text(NOW + timedelta(hours=3))
    due_at = to_utc_text(NOW - timedelta(seconds=30))
    conn.executemany(
        "INSERT INTO reminders (user_id, kind, local_time, next_due_utc, next_local_date)"
        " VALUES (?, 'upload', ?, ?, '2026-11-22')",
        ((n, "19:00" if n <= due else "22:00", due_at if n <= due else later) for n in range(1, subscribers + 1)),
    )
    conn.commit()
    conn.close()


STARTUP_PROBE = r"""
import asyncio, resource, sys, time
start = time.perf_counter()
from bot.app import Kawan, telegram_channel
from bot.config import Settings, TelegramSettings, load_settings
from bot.services import build_engine
from pathlib import Path

async def main():
    settings = Settings(
        telegram=TelegramSettings(sys.argv[1], sys.argv[2]), db_path=Path(sys.argv[3]),
        cache_dir=load_settings().cache_dir,
    )
    kawan = await Kawan.open(settings, build_engine(settings), [telegram_channel])
    await kawan.start()  # services, commands, polling, reminder recovery and first tick scheduled
    ready = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{ready:.2f} {rss:.0f}")
    await kawan.stop()

asyncio.run(main())
"""


def start_stub() -> tuple[subprocess.Popen[str], str]:
    stub = subprocess.Popen(
        [sys.executable, "-m", "bench.stub_server"], cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert stub.stdout is not None
    return stub, stub.stdout.readline().strip()


async def dispatch(db_path: Path, base_url: str, rate_limited: bool, connections: int = 16) -> tuple[int, float]:
    from bot.app import Kawan, telegram_channel
    from bot.config import Settings, TelegramSettings, load_settings
    from bot.reminders.dispatcher import ReminderDispatcher
    from bot.services import build_engine
    from handlers.reminders import compose

    settings = Settings(
        telegram=TelegramSettings(DEFAULT_TOKEN, base_url), db_path=db_path, cache_dir=load_settings().cache_dir
    )
    engine = build_engine(settings)
    kawan = await Kawan.open(
        settings,
        engine,
        [lambda k: telegram_channel(k, rate_limit=rate_limited, connections=connections)],
        reminders=False,
    )
    channel = kawan.channels["telegram"]
    await channel.app.initialize()  # type: ignore[attr-defined]
    dispatcher = ReminderDispatcher(
        kawan.services.reminders, "telegram", channel.deliver, compose, lambda: NOW, concurrency=connections
    )
    start = time.perf_counter()
    report = await dispatcher.tick()
    elapsed = time.perf_counter() - start
    await channel.app.shutdown()  # type: ignore[attr-defined]
    await kawan.services.close()
    assert report.failed == 0, report
    return report.sent, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--limited", type=int, default=600, help="reminders to send through the 30/s limiter")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "load.db"
        t0 = time.perf_counter()
        build_database(db_path, args.subscribers, args.due)
        print(f"built {args.subscribers} subscribers ({args.due} due now) in {time.perf_counter() - t0:.1f} s")

        stub, base_url = start_stub()
        try:
            probe = subprocess.run(
                [sys.executable, "-c", STARTUP_PROBE, DEFAULT_TOKEN, base_url, str(db_path)],
                cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            seconds, rss = probe.stdout.split()
            print(f"start-up with {args.subscribers} subscribers: {seconds} s, peak resident memory {rss} MB")

            sent, elapsed = asyncio.run(dispatch(db_path, base_url, rate_limited=False))
            print(f"dispatch without rate limiting: {sent} reminders in {elapsed:.2f} s = {sent / elapsed:.0f}/s")
        finally:
            assert stub.stdin is not None
            stub.stdin.close()
            stub.wait(timeout=30)

        limited_db = Path(tmp) / "limited.db"
        build_database(limited_db, args.subscribers, args.limited)
        stub, base_url = start_stub()
        try:
            sent, elapsed = asyncio.run(dispatch(limited_db, base_url, rate_limited=True))
            rate = sent / elapsed
            print(f"dispatch at Telegram's 30 msg/s limit: {sent} in {elapsed:.1f} s = {rate:.1f}/s "
                  f"({rate / 30:.0%} of the ceiling)")  # fmt: skip
        finally:
            assert stub.stdin is not None
            stub.stdin.close()
            stub.wait(timeout=30)


if __name__ == "__main__":
    main()
