"""A benchmark's database: Kawan's schema, filled in bulk with plain sqlite3 (much faster than the app)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.migrations import MIGRATIONS


def empty_database(path: Path) -> sqlite3.Connection:
    """A new database at `path` with every migration applied, as `kawan run` would leave it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    for script in MIGRATIONS:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    return conn
