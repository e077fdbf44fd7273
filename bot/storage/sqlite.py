"""The SQLite driver: one aiosqlite connection, WAL, foreign keys, serialised writes, numbered migrations.

Repositories (bot/storage/*.py) speak to it through the `Connection` protocol (connection.py), so a
second driver can take its place without touching them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)
_BEGIN_ATTEMPTS = 30  # about 6 s of backoff in all, beyond SQLite's own busy_timeout


class Database:
    """The one connection the process uses; open with `await Database.open(path)`."""

    kind = "sqlite"

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

    @asynccontextmanager
    async def chat_turn(self, channel: str, chat_id: str) -> AsyncIterator[None]:
        """One process is all there is on SQLite: the channels keep each chat's turns in order."""
        yield

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
            await self._begin_uncancelled()
            try:
                yield Transaction(self)
            except BaseException:
                await asyncio.shield(self._rollback())
                raise
            else:
                await self._run("COMMIT")

    async def _begin_uncancelled(self) -> None:
        """BEGIN, even when the caller is cancelled meanwhile (a timer job stopped at shutdown).

        The statement runs on aiosqlite's thread whether or not anyone still awaits it, so a cancelled
        BEGIN would otherwise leave the shared connection inside a transaction nobody ends, and every
        later write would fail with "cannot start a transaction within a transaction".
        """
        begin = asyncio.ensure_future(self._begin())
        try:
            await asyncio.shield(begin)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await begin
            await asyncio.shield(self._rollback())
            raise

    async def _rollback(self) -> None:
        if self._conn.in_transaction:
            await self._run("ROLLBACK")

    async def write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement that commits on its own (SQLite makes a single statement atomic): one hop, not three."""
        async with self._write_lock:
            return await self._run(sql, params)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


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


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
