"""Weekly figures per platform, as users noted them."""

from __future__ import annotations

from datetime import date

from bot.stats.model import WeekStat
from bot.storage.connection import Connection


class WeekStatsRepo:
    def __init__(self, db: Connection) -> None:
        self.db = db

    async def save(self, user_id: int, stat: WeekStat) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO weekly_stats (user_id, week_start, platform, downloads, earnings_minor,"
                " image_downloads, video_downloads, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id, week_start, platform) DO UPDATE SET"
                " downloads = excluded.downloads, earnings_minor = excluded.earnings_minor,"
                " image_downloads = excluded.image_downloads, video_downloads = excluded.video_downloads,"
                " currency = excluded.currency",
                (
                    user_id,
                    stat.week_start.isoformat(),
                    stat.platform,
                    stat.downloads,
                    stat.earnings_minor,
                    stat.image_downloads,
                    stat.video_downloads,
                    stat.currency,
                ),
            )

    async def since(self, user_id: int, since: date) -> list[WeekStat]:
        rows = await self.db.fetch_all(
            "SELECT week_start, platform, downloads, earnings_minor, image_downloads, video_downloads, currency"
            " FROM weekly_stats WHERE user_id = ? AND week_start >= ? ORDER BY week_start",
            (user_id, since.isoformat()),
        )
        return [
            WeekStat(
                date.fromisoformat(r[0]),
                str(r[1]),
                int(r[2]),
                int(r[3]),
                None if r[4] is None else int(r[4]),
                None if r[5] is None else int(r[5]),
                str(r[6]),
            )
            for r in rows
        ]
