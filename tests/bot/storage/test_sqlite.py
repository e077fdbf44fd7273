from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Database
from bot.storage.faq_log import FaqLog
from bot.storage.migrations import MIGRATIONS
from bot.storage.users import UserRepo


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "k.db")
    yield database
    await database.close()


async def test_migrations_bring_an_empty_database_to_the_latest_version(db: Database) -> None:
    assert await db.schema_version() == len(MIGRATIONS)
    tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "unanswered", "feedback"} <= tables
    mode = await db.fetch_one("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    fk = await db.fetch_one("PRAGMA foreign_keys")
    assert fk is not None and fk[0] == 1


async def test_an_existing_database_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # a database as the first release left it: only migration 1 applied, with a user in it
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO users (channel, chat_id, timezone, created_at) VALUES ('telegram', '7', 'Asia/Jakarta', 'x')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(MIGRATIONS)
        user = await UserRepo(db).get("telegram", "7")
        assert user is not None and user.timezone == "Asia/Jakarta"
    finally:
        await db.close()


async def test_opening_twice_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    await (await Database.open(path)).close()
    db = await Database.open(path)
    try:
        assert await db.migrate() == len(MIGRATIONS)
    finally:
        await db.close()


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO users (channel, chat_id, timezone, created_at) VALUES ('t', '1', 'UTC', 'x')")
            raise RuntimeError("boom")
    assert await UserRepo(db).get("t", "1") is None


async def test_deleting_a_user_removes_everything_about_them(db: Database) -> None:
    alice = await UserRepo(db).ensure("telegram", "1", "Asia/Jakarta")
    bob = await UserRepo(db).ensure("telegram", "2", "Asia/Jakarta")
    for user in (alice, bob):
        await FaqLog(db).record_feedback(user.id, "burnout", True)
        await FaqLog(db).record_unanswered(user.id, "resep rendang", "resep rendang", "decline")
    assert await UserRepo(db).delete(alice.id)
    assert await UserRepo(db).get("telegram", "1") is None
    for table in ("feedback", "unanswered"):
        rows = await db.fetch_all(f"SELECT user_id FROM {table}")
        assert [r["user_id"] for r in rows] == [bob.id]
    assert not await UserRepo(db).delete(alice.id)


async def test_many_concurrent_writers_never_see_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    first, second = await Database.open(path), await Database.open(path)
    try:

        async def writer(db: Database, n: int) -> None:
            user = await UserRepo(db).ensure("telegram", str(n), "Asia/Jakarta")
            for _ in range(5):
                await FaqLog(db).record_feedback(user.id, "burnout", n % 2 == 0)

        await asyncio.gather(*(writer(first if n % 2 else second, n) for n in range(100)))
        row = await first.fetch_one("SELECT COUNT(*) FROM feedback")
        assert row is not None and row[0] == 500
    finally:
        await first.close()
        await second.close()


async def test_ensure_user_is_idempotent(db: Database) -> None:
    a = await UserRepo(db).ensure("terminal", "me", "Asia/Jakarta")
    b = await UserRepo(db).ensure("terminal", "me", "Asia/Makassar")
    assert a.id == b.id and b.timezone == "Asia/Jakarta"


async def test_gaps_list_the_most_frequent_unanswered_questions(db: Database) -> None:
    for _ in range(3):
        await FaqLog(db).record_unanswered(None, "cara wd paypal", "cara withdraw paypal", "decline")
    await FaqLog(db).record_unanswered(None, "resep rendang", "resep rendang", "decline")
    gaps = await FaqLog(db).top_gaps()
    assert gaps[0][:2] == ("cara wd paypal", 3)
    assert len(gaps) == 2


INSERT_USER = "INSERT INTO users (channel, chat_id, timezone, created_at) VALUES ('t', ?, 'Asia/Jakarta', '')"


async def test_a_transaction_cancelled_at_any_point_leaves_the_connection_usable(tmp_path: Path) -> None:
    """A timer job cancelled at shutdown must not leave the shared connection inside a transaction."""
    db = await Database.open(tmp_path / "k.db")
    try:
        for steps in range(6):  # cancel after 0, 1, 2 … hops: during BEGIN, the INSERT or the COMMIT

            async def write(n: int = steps) -> None:
                async with db.transaction() as tx:
                    await tx.execute(INSERT_USER, (str(n),))

            task = asyncio.create_task(write())
            for _ in range(steps):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            async with db.transaction() as tx:  # the next write works
                await tx.execute("SELECT 1")
        await db.write(
            "INSERT INTO users (channel, chat_id, timezone, created_at) VALUES ('t', 'x', 'Asia/Jakarta', '')"
        )
    finally:
        await db.close()
