"""`kawan db migrate --to`: SQLite copied into an empty PostgreSQL database, counts verified, never merged."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.reminders.model import UPLOAD
from bot.storage import Database, open_database
from bot.storage.broadcasts import BroadcastRepo
from bot.storage.copy import CopyError, copy_to_postgres
from bot.storage.faq_log import FaqLog
from bot.storage.reminders import ReminderRepo
from bot.storage.users import UserRepo
from tests import postgres
from tests.e2e.support import clean_environment

pytestmark = pytest.mark.skipif(postgres.URL is None, reason="needs KAWAN_TEST_POSTGRES")
NOW = datetime(2026, 12, 1, 5, tzinfo=UTC)


async def _filled(path: Path) -> dict[str, int]:
    db = await Database.open(path)
    users, reminders = UserRepo(db), ReminderRepo(db)
    for n in range(25):
        user = await users.ensure("telegram" if n % 2 else "whatsapp", f"62812{n:05d}", "Asia/Makassar")
        await reminders.set_reminder(user, UPLOAD, time(19, n % 60), NOW)
        await FaqLog(db).record_unanswered(user.id, f"resep rendang {n} ya kak 100%?", f"resep rendang {n}", "decline")
    await BroadcastRepo(db).create("Webinar 'pajak' besok", None, ["telegram", "whatsapp"], NOW)
    counts = {
        table: int((await db.fetch_one(f"SELECT COUNT(*) FROM {table}"))[0])
        for table in ("users", "reminders", "unanswered", "broadcasts", "broadcast_recipients")
    }
    await db.close()
    return counts


async def test_everything_is_copied_and_new_rows_get_new_ids(tmp_path: Path) -> None:
    source = tmp_path / "kawan.db"
    expected = await _filled(source)
    with postgres.schema_url() as url:
        copied = await copy_to_postgres(source, url)
        assert {t: copied.tables[t] for t in expected} == expected
        target = await open_database(tmp_path / "unused.db", url)
        try:
            row = await target.fetch_one(
                "SELECT question FROM unanswered WHERE question LIKE '%100%' ORDER BY id LIMIT 1"
            )
            assert row is not None and row[0] == "resep rendang 0 ya kak 100%?"  # text as typed, % and all
            user = await UserRepo(target).ensure("telegram", "new-person", "Asia/Jakarta")
            assert user.id == expected["users"] + 1  # after the copied ids, never colliding with them
            original = await Database.open(source)
            assert await target.schema_version() == await original.schema_version()
            await original.close()
        finally:
            await target.close()
        with pytest.raises(CopyError, match="not empty"):
            await copy_to_postgres(source, url)  # never merges into a database with data


async def test_the_command_copies_and_reports_without_the_password(tmp_path: Path) -> None:
    source = tmp_path / "kawan.db"
    await _filled(source)
    with postgres.schema_url() as url:
        env = clean_environment(KAWAN_DB=str(source))
        done = subprocess.run(
            [sys.executable, "-m", "bot", "db", "migrate", "--to", url], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "every count verified" in done.stdout and "users: 25 rows" in done.stderr
        password = url.split(":")[2].split("@")[0]
        assert password not in done.stdout + done.stderr
        again = subprocess.run(
            [sys.executable, "-m", "bot", "db", "migrate", "--to", url], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr


def test_a_url_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "migrate", "--to", "mysql://x@y/z"], cwd=PROJECT_ROOT,
        env=clean_environment(KAWAN_DB=str(tmp_path / "k.db")), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "postgresql://" in done.stderr
