"""PostgreSQL in the tests: `KAWAN_TEST_POSTGRES=postgresql://…` (a server the tests may create schemas in).

When it is set, the storage, dispatcher, conversation, dashboard and end-to-end suites run once on
SQLite and once on PostgreSQL, each test in a schema of its own that is dropped afterwards. When it is
not, they run on SQLite and the summary line says PostgreSQL was not tested. `scripts/postgres-throwaway`
starts a server for this; `.ci/run` uses it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

URL = os.environ.get("KAWAN_TEST_POSTGRES") or None
SUITES = (  # test paths (relative to the project) that run on both databases
    "tests/bot/storage/test_repositories.py",
    "tests/bot/storage/test_whatsapp_repo.py",
    "tests/bot/reminders/test_dispatcher.py",
    "tests/bot/dashboard/",
    "tests/handlers/",
    "tests/e2e/",
)


@contextmanager
def schema_url() -> Iterator[str]:
    """A fresh, empty schema on the test server, as a URL whose connections use it; dropped afterwards."""
    import psycopg

    assert URL is not None
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    separator = "&" if "?" in URL else "?"
    try:
        yield f"{URL}{separator}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def read(target: str, sql: str) -> list[tuple[object, ...]]:
    """Rows of a read-only query on the database `kawan run` was given (a SQLite path or a PostgreSQL URL)."""
    if target.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(target) as conn:
            return [tuple(r) for r in conn.execute(sql.encode()).fetchall()]
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=5)) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
