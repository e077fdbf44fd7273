"""WhatsApp reminders at scale: 100,000 subscribers due at once, sent at the number's throughput.

Run: .venv/bin/python -m bench.whatsapp_reminders [--subscribers 100000] [--rate 80] [--outside 0.1]

Every subscriber has a daily upload reminder due now. Most wrote within the last 24 hours (their
reminder goes as an interactive message with its buttons); `--outside` of them did not (it goes as
the approved template). The dispatcher runs once, as its timer would, against the stand-in Graph API
with the throughput at `--rate` messages/s (Meta's default for a number is 80). Target (issue 13):
the achieved rate within 2% of the configured one, and every subscriber reminded exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.database import empty_database
from bot.app import Kawan, whatsapp_channel
from bot.config import load_settings
from bot.reminders.schedule import to_utc_text
from bot.services import build_engine
from tests.e2e.support import whatsapp_settings
from tests.graph_stub import GraphStub

NOW = datetime.now(UTC).replace(microsecond=0)


def build_database(path: Path, subscribers: int, outside: float) -> None:
    conn = empty_database(path)
    stamp = to_utc_text(NOW - timedelta(days=30))
    chats = [(n, f"62811{n:08d}") for n in range(1, subscribers + 1)]
    conn.executemany(
        "INSERT INTO users (id, channel, chat_id, timezone, created_at) VALUES (?, 'whatsapp', ?, 'Asia/Jakarta', ?)",
        ((n, chat, stamp) for n, chat in chats),
    )
    wib = NOW + timedelta(hours=7)
    due = to_utc_text(NOW - timedelta(seconds=30))
    conn.executemany(
        "INSERT INTO reminders (user_id, kind, local_time, next_due_utc, next_local_date)"
        " VALUES (?, 'upload', ?, ?, ?)",
        ((n, wib.strftime("%H:%M"), due, wib.date().isoformat()) for n, _chat in chats),
    )
    every = round(1 / outside) if outside > 0 else 0
    recent, old = to_utc_text(NOW - timedelta(hours=2)), to_utc_text(NOW - timedelta(days=3))
    conn.executemany(
        "INSERT INTO inbound_messages (channel, message_id, chat_id, sent_at, handled) VALUES ('whatsapp', ?, ?, ?, 1)",
        ((f"wamid.in.{n}", chat, old if every and n % every == 0 else recent) for n, chat in chats),
    )
    conn.commit()
    conn.close()


async def run(subscribers: int, rate: int, outside: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_database(db, subscribers, outside)
        print(f"built {subscribers} subscribers in {time.perf_counter() - t0:.1f} s")
        async with GraphStub() as graph:
            settings = replace(
                whatsapp_settings(graph, db, template_upload="kawan_upload", messages_per_second=rate),
                cache_dir=load_settings().cache_dir,
            )
            kawan = await Kawan.open(settings, build_engine(settings), [whatsapp_channel], reminders=True)
            kawan.services.clock = lambda: NOW  # everyone is due; nobody turns stale while the run lasts
            await kawan.channels["whatsapp"].start()
            try:
                start = time.perf_counter()
                report = await kawan.dispatchers["whatsapp"].tick()
                elapsed = time.perf_counter() - start
            finally:
                await kawan.stop()
        kinds = Counter(m.kind for m in graph.sent)
        per_user = Counter(m.to for m in graph.sent)
        assert report.sent == subscribers and report.failed == 0, report
        assert len(per_user) == subscribers and set(per_user.values()) == {1}, "someone got none or two"
        achieved = report.sent / elapsed
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"{report.sent} reminders ({kinds['buttons']} with buttons, {kinds['template']} as the template) "
              f"in {elapsed:.1f} s: {achieved:.2f} messages/s at {rate}/s configured "
              f"({achieved / rate - 1:+.2%}); each subscriber exactly once")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=80)
    parser.add_argument("--outside", type=float, default=0.1, help="share of subscribers outside the window")
    args = parser.parse_args()
    asyncio.run(run(args.subscribers, args.rate, args.outside))


if __name__ == "__main__":
    main()
