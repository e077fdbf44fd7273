"""One benchmark worker: Kawan's app as `kawan run` builds it, with Telegram's rate limiter off.

Used by bench/workers.py, which starts several of these against one PostgreSQL database; the
settings come from the environment (KAWAN_DB=postgresql://…, TELEGRAM_* pointing at the stand-in).
"""

from __future__ import annotations

import asyncio

from bot.app import Kawan, telegram_channel
from bot.config import load_settings
from bot.logging_setup import configure_logging
from bot.services import build_engine


async def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, settings.secrets)
    engine = build_engine(settings)
    kawan = await Kawan.open(settings, engine, [lambda k: telegram_channel(k, rate_limit=False, poll_timeout=1)])
    await kawan.serve()


if __name__ == "__main__":
    asyncio.run(main())
