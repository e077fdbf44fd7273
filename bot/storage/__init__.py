"""Storage: repositories by topic (users, FAQ log, reminders, uploads, weekly statistics, flow state), all
the SQL there is, over a small connection protocol with a driver under it: SQLite (one file, the default)
or PostgreSQL (several workers on one server)."""

from __future__ import annotations

from pathlib import Path

from bot.storage.connection import Store
from bot.storage.sqlite import Database


async def open_database(path: Path, url: str | None = None) -> Store:
    """PostgreSQL when `url` is given (KAWAN_DB=postgresql://…), else the SQLite file at `path`."""
    if url is not None:
        from bot.storage.postgres import PostgresDatabase  # psycopg only when PostgreSQL is used

        return await PostgresDatabase.open(url)
    return await Database.open(path)


__all__ = ["Database", "Store", "open_database"]
