"""Everything a handler may use, built once at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.faq.cache import Progress, load_or_build
from bot.faq.content import Content, ContentError, load_content
from bot.faq.engine import FaqEngine
from bot.stats.levels import LevelTables, load_levels
from bot.storage import Store, open_database
from bot.storage.broadcasts import BroadcastRepo
from bot.storage.faq_log import FaqLog
from bot.storage.flow_state import FlowStateRepo
from bot.storage.reminders import ReminderRepo
from bot.storage.uploads import UploadRepo
from bot.storage.usage import UsageCounter
from bot.storage.users import UserRepo
from bot.storage.week_stats import WeekStatsRepo
from bot.storage.whatsapp import WhatsAppRepo


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    content: Content
    engine: FaqEngine
    db: Store
    levels: LevelTables  # Shutterstock's level tables, validated and loaded once
    clock: Callable[[], datetime] = field(default=utc_now)

    def __post_init__(self) -> None:
        self.users = UserRepo(self.db)
        self.faq_log = FaqLog(self.db)
        self.reminders = ReminderRepo(self.db)
        self.uploads = UploadRepo(self.db)
        self.week_stats = WeekStatsRepo(self.db)
        self.flow_state = FlowStateRepo(self.db)
        self.whatsapp = WhatsAppRepo(self.db)
        self.telegram_updates = WhatsAppRepo(self.db, "telegram")  # webhook updates, once each across workers
        self.usage = UsageCounter(self.db)
        self.broadcasts = BroadcastRepo(self.db)

    async def close(self) -> None:
        await self.usage.flush()
        await self.db.close()


def build_engine(settings: Settings, progress: Progress | None = None) -> FaqEngine:
    """Load the content folder and its trained model: cached, or trained now (raises ContentError on bad content)."""
    content = load_content(settings.content_dir)
    return FaqEngine(content, load_or_build(content, settings.cache_dir, progress))


async def open_services(settings: Settings, engine: FaqEngine | None = None) -> Services:
    engine = engine or build_engine(settings)
    try:
        levels = load_levels(settings.content_dir)
    except ValueError as exc:
        raise ContentError([str(exc)]) from None
    db = await open_database(settings.db_path, settings.db_url)
    return Services(settings=settings, content=engine.content, engine=engine, db=db, levels=levels)
