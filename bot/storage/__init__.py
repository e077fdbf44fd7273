"""SQLite storage: the single place where SQL lives."""

from bot.storage.db import Database, StoredUser

__all__ = ["Database", "StoredUser"]
