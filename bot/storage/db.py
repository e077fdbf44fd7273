"""Async SQLite access: one connection, WAL, foreign keys, serialised writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)
_BEGIN_ATTEMPTS = 30  # about 6 s of backoff in all, beyond SQLite's own busy_timeout


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredUser:
    id: int
    channel: str
    chat_id: str
    language: str
    timezone: str
    created_at: str
    active: bool


class Database:
    """The one connection the process uses; open with `await Database.open(path)`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        # aiosqlite runs every call on one thread, but a transaction spans several awaits:
        # the lock keeps two handlers' transactions from interleaving on the shared connection.
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn)
        await db._run("PRAGMA busy_timeout = 5000")
        await db._run("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            await db._run("PRAGMA journal_mode = WAL")
            await db._run("PRAGMA synchronous = NORMAL")
        await db.migrate()
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than the database; returns the resulting version."""
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            async with self.transaction() as tx:
                for statement in _statements(script):
                    await tx.execute(statement)
                await tx.execute(f"PRAGMA user_version = {number}")
            log.info("applied schema migration %d", number)
        return await self.schema_version()

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement to completion in a single hop to the database thread; returns rows changed.

        Fetching everything finishes the statement (an unfinished one keeps SQLite locks held, and other
        connections then see "database is locked"); one hop per statement keeps thread switches few.
        """
        before = self._conn.total_changes
        await self._conn.execute_fetchall(sql, tuple(params))
        return self._conn.total_changes - before

    async def _begin(self) -> None:
        # In WAL mode SQLite can answer BEGIN IMMEDIATE with SQLITE_BUSY at once, without
        # waiting on busy_timeout, while another connection checkpoints; retry briefly.
        delay = 0.005
        for _ in range(_BEGIN_ATTEMPTS - 1):
            try:
                await self._run("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.25)
        await self._run("BEGIN IMMEDIATE")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction, committed on success and rolled back on any error."""
        async with self._write_lock:
            await self._begin()
            try:
                yield Transaction(self)
            except BaseException:
                await self._run("ROLLBACK")
                raise
            else:
                await self._run("COMMIT")

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    # --- users -----------------------------------------------------------------

    async def ensure_user(
        self, channel: str, chat_id: str, timezone: str, language: str = "id", now: datetime | None = None
    ) -> StoredUser:
        """The stored user for this chat, created on first contact (at `now`, the service clock)."""
        existing = await self.get_user(channel, chat_id)
        if existing is not None:
            return existing  # the common case costs one read, no write
        created = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (channel, chat_id, language, timezone, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, chat_id) DO NOTHING",
                (channel, chat_id, language, timezone, created),
            )
        user = await self.get_user(channel, chat_id)
        assert user is not None
        return user

    async def get_user(self, channel: str, chat_id: str) -> StoredUser | None:
        row = await self.fetch_one("SELECT * FROM users WHERE channel = ? AND chat_id = ?", (channel, chat_id))
        return user_from_row(row) if row else None

    async def set_active(self, user_id: int, active: bool) -> None:
        async with self.transaction() as tx:
            await tx.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))

    async def set_active_by_chat(self, channel: str, chat_id: str, active: bool) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE users SET active = ? WHERE channel = ? AND chat_id = ?", (int(active), channel, chat_id)
            )

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        async with self.transaction() as tx:
            await tx.execute("UPDATE users SET timezone = ? WHERE id = ?", (timezone, user_id))

    async def delete_user(self, user_id: int) -> bool:
        """Delete everything stored about one user (child rows go by ON DELETE CASCADE)."""
        async with self.transaction() as tx:
            return await tx.execute("DELETE FROM users WHERE id = ?", (user_id,)) > 0

    # --- FAQ gaps and feedback ------------------------------------------------------

    async def record_unanswered(self, user_id: int | None, question: str, normalized: str, outcome: str) -> int:
        """Store a question the FAQ could not answer confidently; returns its row id."""
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO unanswered (user_id, question, normalized, outcome, created_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, question[:500], normalized[:500], outcome, utc_now_iso()),
            )
            row = await tx.fetch_one("SELECT last_insert_rowid()")
        return int(row[0]) if row else 0

    async def reject_suggestions(self, user_id: int, unanswered_id: int) -> bool:
        """The user said none of the suggested entries fit ("Bukan semuanya"): editors see it in the gaps."""
        async with self.transaction() as tx:
            changed = await tx.execute(
                "UPDATE unanswered SET outcome = 'rejected' WHERE id = ? AND user_id = ? AND outcome = 'suggest'",
                (unanswered_id, user_id),
            )
        return changed > 0

    async def record_feedback(self, user_id: int, entry_id: str, helpful: bool) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO feedback (user_id, entry_id, helpful, created_at) VALUES (?, ?, ?, ?)",
                (user_id, entry_id, int(helpful), utc_now_iso()),
            )

    async def top_gaps(self, limit: int = 20) -> list[tuple[str, int, str]]:
        """Most frequent unanswered questions: (an example wording, count, last outcome)."""
        rows = await self.fetch_all(
            "SELECT MAX(question) AS q, COUNT(*) AS n, MAX(outcome) AS o FROM unanswered"
            " GROUP BY normalized ORDER BY n DESC, MAX(created_at) DESC LIMIT ?",
            (limit,),
        )
        return [(str(r["q"]), int(r["n"]), str(r["o"])) for r in rows]


class Transaction:
    """Statements inside one `Database.transaction()`; each returns its row count."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        return await self._db._run(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            cursor = await self._db._conn.executemany(sql, rows)
            await cursor.close()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return await self._db.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        return await self._db.fetch_one(sql, params)


def user_from_row(row: aiosqlite.Row, id_column: str = "id") -> StoredUser:
    return StoredUser(
        id=row[id_column],
        channel=row["channel"],
        chat_id=row["chat_id"],
        language=row["language"],
        timezone=row["timezone"],
        created_at=row["created_at"],
        active=bool(row["active"]),
    )


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
