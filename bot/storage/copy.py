"""`kawan db migrate --to postgresql://…`: an existing SQLite database copied into an empty PostgreSQL one.

Both are brought to the newest schema first, so their tables and columns match. The target must be
empty (no row in any of Kawan's tables): a copy never merges into or overwrites live data. Tables are
copied parents first (users before what refers to them) with COPY, in one transaction, identity
counters are moved past the copied ids, and every table's row count is compared before it commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import Database

FIRST = ("users", "broadcasts", "reminders")  # referred to by others: copied before them


class CopyError(Exception):
    """The copy cannot be made (target not empty, counts differ); nothing was written."""


@dataclass(frozen=True)
class Copied:
    tables: dict[str, int]  # table -> rows copied (and found in the target)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


async def copy_to_postgres(source: Path, url: str, progress: Callable[[str, int], None] | None = None) -> Copied:
    sqlite_db = await Database.open(source)  # the newest schema, as the target gets
    await sqlite_db.close()
    target = await PostgresDatabase.open(url)
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            tables = _tables(conn)
            busy = [t for t in tables if await target.fetch_one(f"SELECT 1 FROM {t} LIMIT 1") is not None]
            if busy:
                raise CopyError(f"the target database is not empty ({', '.join(busy)} have rows); give an empty one")
            counts: dict[str, int] = {}
            async with target.connection() as pg, pg.transaction():
                for table in tables:
                    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
                    names = ", ".join(columns)
                    rows = conn.execute(f"SELECT {names} FROM {table}")
                    async with pg.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            await copy.write_row(row)
                    counts[table] = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                    if "id" in columns:  # the next new row gets an id after the copied ones
                        await pg.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                            f" FROM {table}"
                        )
                    cursor2 = await pg.execute(f"SELECT COUNT(*) FROM {table}")
                    found = await cursor2.fetchone()
                    if found is None or int(found[0]) != counts[table]:
                        raise CopyError(f"{table}: {counts[table]} rows in SQLite but {found} in PostgreSQL")
                    if progress is not None:
                        progress(table, counts[table])
        return Copied(counts)
    finally:
        await target.close()


def _tables(conn: sqlite3.Connection) -> list[str]:
    names = [
        str(row[0])
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return sorted(names, key=lambda name: (FIRST.index(name) if name in FIRST else len(FIRST), name))
