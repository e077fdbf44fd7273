"""Uploads per local day, and the rest days users declare."""

from __future__ import annotations

from datetime import date

from bot.storage.connection import Connection


class UploadRepo:
    def __init__(self, db: Connection) -> None:
        self.db = db

    async def add(self, user_id: int, day: date, count: int) -> int:
        """Add `count` uploads to a local day; returns the day's total."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO uploads (user_id, local_date, count) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, local_date) DO UPDATE SET count = uploads.count + excluded.count",
                (user_id, day.isoformat(), count),
            )
            await tx.execute("DELETE FROM rest_days WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat()))
            row = await tx.fetch_one(
                "SELECT count FROM uploads WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat())
            )
        return int(row[0]) if row else count

    async def set_day(self, user_id: int, day: date, count: int) -> None:
        """Correct a day's upload count (0 removes the day)."""
        async with self.db.transaction() as tx:
            if count > 0:
                await tx.execute(
                    "INSERT INTO uploads (user_id, local_date, count) VALUES (?, ?, ?)"
                    " ON CONFLICT (user_id, local_date) DO UPDATE SET count = excluded.count",
                    (user_id, day.isoformat(), count),
                )
                await tx.execute(
                    "DELETE FROM rest_days WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat())
                )
            else:
                await tx.execute("DELETE FROM uploads WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat()))

    async def rest_days(self, user_id: int) -> set[date]:
        rows = await self.db.fetch_all("SELECT local_date FROM rest_days WHERE user_id = ?", (user_id,))
        return {date.fromisoformat(r[0]) for r in rows}

    async def counts(self, user_id: int) -> dict[date, int]:
        rows = await self.db.fetch_all("SELECT local_date, count FROM uploads WHERE user_id = ?", (user_id,))
        return {date.fromisoformat(r[0]): int(r[1]) for r in rows if int(r[1]) > 0}

    async def add_rest_day(self, user_id: int, day: date) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO rest_days (user_id, local_date) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user_id, day.isoformat()),
            )

    async def is_rest_day(self, user_id: int, day: date) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM rest_days WHERE user_id = ? AND local_date = ?", (user_id, day.isoformat())
        )
        return row is not None
