"""Questions answered per second end to end: stand-in Bot API -> PTB Application -> Kawan -> back.

Run: .venv/bin/python -m bench.telegram_throughput [--users 100] [--questions 10]
Each of `--users` chats sends `--questions` questions at once; we time from the first update queued
to the last answer received by the stand-in server. Telegram's own flood limits (AIORateLimiter,
30 messages/s) are off here: this measures Kawan's pipeline, not Telegram's ceiling.
Target (issue 5): >= 200 questions/s on this 2-core machine, and the FAQ engine not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import platform
import pstats
import tempfile
import time
from pathlib import Path

from bench.faq_speed import QUESTIONS
from bot import PROJECT_ROOT
from bot.app import Kawan, telegram_channel
from bot.config import Settings, TelegramSettings, load_settings
from bot.faq.cache import load_or_build
from bot.faq.content import load_content
from bot.faq.engine import FaqEngine
from bot.services import open_services
from tests.telegram_stub import TelegramStub


async def run(users: int, per_user: int, profile: bool) -> None:
    content = load_content(PROJECT_ROOT / "content")
    engine = FaqEngine(content, load_or_build(content, load_settings().cache_dir))  # trained once, then cached
    with tempfile.TemporaryDirectory() as tmp:
        async with TelegramStub() as stub:
            settings = Settings(telegram=TelegramSettings(stub.token, stub.base_url), db_path=Path(tmp) / "bench.db")
            services = await open_services(settings, engine)
            kawan = await Kawan.open(
                settings,
                engine,
                [lambda k: telegram_channel(k, rate_limit=False, poll_timeout=1)],
                services=services,
                reminders=False,
            )
            await kawan.start()
            try:
                # warm up: every user exists in the database before timing
                for user in range(users):
                    stub.push_text(10_000 + user, "halo")
                await stub.wait_for("sendMessage", count=users, timeout=60)
                sent_before = len(stub.calls_to("sendMessage"))

                profiler = cProfile.Profile() if profile else None
                if profiler:
                    profiler.enable()
                start = time.perf_counter()
                for round_ in range(per_user):
                    for user in range(users):
                        stub.push_text(10_000 + user, QUESTIONS[(user + round_) % len(QUESTIONS)])
                total = users * per_user
                await stub.wait_for("sendMessage", count=sent_before + total, timeout=300)
                elapsed = time.perf_counter() - start
                if profiler:
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats("cumulative")
                    match_time = sum(v[3] for k, v in stats.stats.items() if k[2] == "match")  # type: ignore[attr-defined]
                    print(f"time inside FaqEngine.match: {match_time:.2f} s of {elapsed:.2f} s wall")
            finally:
                await kawan.stop()
                await services.close()
        assert stub.rejections == [], stub.rejections[:3]
        print(f"machine: {platform.machine()}, Python {platform.python_version()}")
        rate = total / elapsed
        print(f"{users} users x {per_user} questions = {total} answers in {elapsed:.2f} s: {rate:.0f} questions/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="also report the share of time in the FAQ engine")
    args = parser.parse_args()
    asyncio.run(run(args.users, args.questions, args.profile))


if __name__ == "__main__":
    main()
