"""Everything a handler may use, built once at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.faq.cache import Progress, load_or_build
from bot.faq.content import Content, load_content
from bot.faq.engine import FaqEngine
from bot.storage import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    content: Content
    engine: FaqEngine
    db: Database
    clock: Callable[[], datetime] = field(default=utc_now)

    async def close(self) -> None:
        await self.db.close()


def build_engine(settings: Settings, progress: Progress | None = None) -> FaqEngine:
    """Load the content folder and its trained model: cached, or trained now (raises ContentError on bad content)."""
    content = load_content(settings.content_dir)
    return FaqEngine(content, load_or_build(content, settings.cache_dir, progress))


async def open_services(settings: Settings, engine: FaqEngine | None = None) -> Services:
    engine = engine or build_engine(settings)
    db = await Database.open(settings.db_path)
    return Services(settings=settings, content=engine.content, engine=engine, db=db)
