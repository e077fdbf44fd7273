from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.config import Settings
from bot.db_url import redacted
from bot.faq.cache import load_or_build
from bot.faq.content import load_content
from bot.faq.engine import FaqEngine
from bot.messages import Incoming, Reply, UserRef
from bot.services import Services, open_services
from bot.storage import Store, open_database
from handlers import Conversation
from tests import postgres

CONTENT_DIR = PROJECT_ROOT / "content"
# The trained FAQ model is cached here for the whole run, and for the `kawan` processes tests start:
# it is trained once (seconds) and loaded everywhere else, as on a real start.
MODEL_CACHE = PROJECT_ROOT / ".pytest_cache" / "kawan-model"
os.environ["KAWAN_CACHE_DIR"] = str(MODEL_CACHE)


@pytest.fixture(scope="session")
def engine() -> FaqEngine:
    """The engine over the shipped content, built once for the whole run."""
    content = load_content(CONTENT_DIR)
    return FaqEngine(content, load_or_build(content, MODEL_CACHE))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The suites in `tests/postgres.py` run on both databases when a PostgreSQL server is given."""
    if "db_backend" not in metafunc.fixturenames or postgres.URL is None:
        return
    where = Path(str(metafunc.definition.path)).relative_to(PROJECT_ROOT).as_posix()
    if where.startswith(postgres.SUITES):
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_url(db_backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (SQLite in the test's folder), or a fresh PostgreSQL schema's URL."""
    if db_backend == "sqlite":
        yield None
        return
    request.node.user_properties.append(("database", "postgresql"))  # counted in the summary line
    with postgres.schema_url() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, db_url: str | None) -> Settings:
    return Settings(db_path=tmp_path / "kawan.db", db_url=db_url, content_dir=CONTENT_DIR, cache_dir=MODEL_CACHE)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Store]:
    """The test's database on its own (for repository and dispatcher tests)."""
    db = await open_database(settings.db_path, settings.db_url)
    yield db
    await db.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [r for r in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])]
    on_postgres = sum(1 for r in reports if ("database", "postgresql") in r.user_properties and r.when == "call")
    if postgres.URL is None:
        terminalreporter.write_line(
            "PostgreSQL: not tested (set KAWAN_TEST_POSTGRES=postgresql://… to run the database suites on it too)"
        )
    else:
        terminalreporter.write_line(f"PostgreSQL: {on_postgres} tests ran on {redacted(postgres.URL)}")


@pytest.fixture
async def services(settings: Settings, engine: FaqEngine) -> AsyncIterator[Services]:
    services = await open_services(settings, engine)
    yield services
    await services.close()


class ChatDriver:
    """Talks to the conversation the way a channel does, remembering the last buttons."""

    def __init__(self, conversation: Conversation, chat_id: str = "42") -> None:
        self.conversation = conversation
        self.user = UserRef("test", chat_id)
        self.last: list[Reply] = []

    async def say(self, text: str) -> list[Reply]:
        self.last = await self.conversation.handle(Incoming(self.user, text=text))
        return self.last

    async def press(self, action: str) -> list[Reply]:
        self.last = await self.conversation.handle(Incoming(self.user, action=action))
        return self.last

    def actions(self) -> list[str]:
        return [b.action for r in self.last for b in r.all_buttons]

    def text(self) -> str:
        return "\n".join(r.text for r in self.last)


@pytest.fixture
async def chat(services: Services) -> ChatDriver:
    """A user who has already met Kawan (sent /start), as every Telegram user has."""
    driver = ChatDriver(Conversation(services))
    await driver.say("/start")
    return driver


def content_folder(root: Path, **faq_files: str) -> Path:
    """A minimal content folder (one category, `mulai`, the shipped level tables) with the given FAQ files."""
    (root / "faq").mkdir(parents=True)
    (root / "categories.yaml").write_text("categories:\n  mulai: Mulai\n")
    (root / "shutterstock-levels.yaml").write_text((CONTENT_DIR / "shutterstock-levels.yaml").read_text())
    for name, text in faq_files.items():
        (root / "faq" / f"{name}.yaml").write_text(text)
    return root


def faq_entry(entry_id: str, *, related: str = "b, c", reviewed: str = "2026-11-22", extra: str = "") -> str:
    """One valid FAQ entry in YAML (inside `entries:`), for building content folders in tests."""
    return (
        f"  - id: {entry_id}\n    category: mulai\n    label: Label {entry_id}\n    question: Pertanyaan {entry_id}?\n"
        f"    alternates: [{entry_id} 1, {entry_id} 2, {entry_id} 3, {entry_id} 4, {entry_id} 5, {entry_id} 6]\n"
        f"    answer: Jawaban untuk {entry_id}.\n    related: [{related}]\n"
        f"    sources: [003_192e0b8389934350.txt]\n    reviewed: {reviewed}\n{extra}"
    )
