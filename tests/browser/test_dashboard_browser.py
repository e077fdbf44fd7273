"""The dashboard in a real headless browser (Debian's chromium, driven by Playwright): log in, charts drawn.

`kawan dashboard` runs as its own process over a small database with a year of data. The browser is
the system's chromium (`/usr/bin/chromium`, or `KAWAN_CHROMIUM`), never a downloaded one. Without it
these tests are skipped, with the reason; `.ci/run` installs it and sets `KAWAN_REQUIRE_BROWSER=1`, so
there a missing browser fails instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bench.dashboard import build
from tests.e2e.support import clean_environment, free_port

TOKEN = "browser-test-dashboard-token"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


def _chromium() -> str | None:
    found = os.environ.get("KAWAN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if _chromium() is None:
        return "no chromium on this machine (Debian: apt-get install chromium)"
    return None


if (reason := _missing()) is not None:
    if os.environ.get("KAWAN_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"KAWAN_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason, allow_module_level=True)

from playwright.async_api import Browser, Page, async_playwright  # noqa: E402


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kawan dashboard` over a year of data for 300 users; yields its base URL."""
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "kawan.db"
    build(db, 300, unanswered_per_day=6, feedback_per_day=2)
    port = free_port()
    env = clean_environment(KAWAN_DB=str(db), KAWAN_DASHBOARD_TOKEN=TOKEN, KAWAN_WEBHOOK_PORT=str(port))
    process = subprocess.Popen([sys.executable, "-m", "bot", "dashboard"], cwd=PROJECT_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_until_up(base))
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _until_up(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"{base}/admin/style.css") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("kawan dashboard did not start")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=_chromium(), args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _log_in(page: Page, base: str, token: str) -> None:
    await page.goto(f"{base}/admin")
    await page.fill("#token", token)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


async def test_a_wrong_token_is_refused(browser: Browser, dashboard: str) -> None:
    page = await browser.new_page()
    await _log_in(page, dashboard, "not-the-token-at-all")
    assert await page.locator("[role=alert]").inner_text() == "Token itu salah."
    assert await page.locator("svg.chart").count() == 0
    assert await page.context.cookies() == []


async def test_after_logging_in_the_charts_are_drawn(browser: Browser, dashboard: str) -> None:
    page = await browser.new_page()
    errors: list[Any] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await _log_in(page, dashboard, TOKEN)
    charts = page.locator("svg.chart")
    assert await charts.count() == 3
    for index in range(3):
        box = await charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80  # laid out, not collapsed
    assert await page.locator("svg.chart rect").count() > 100  # a bar per day and outcome
    assert await page.locator("svg.chart polyline").count() == 2  # active users: Telegram, WhatsApp
    assert await page.locator("h1").inner_text() == "Dasbor Kawan"
    assert await page.evaluate("document.cookie") == ""  # HttpOnly: no script can read the session
    [cookie] = await page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert errors == []  # the CSP blocked nothing the page needs


async def test_it_reads_on_a_phone_without_sideways_scrolling(browser: Browser, dashboard: str) -> None:
    context = await browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=2)
    page = await context.new_page()
    await _log_in(page, dashboard, TOKEN)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.click("text=365 hari")
    assert "days=365" in page.url and await page.locator("svg.chart").count() == 3
    shots = os.environ.get("KAWAN_SCREENSHOTS")  # README pictures: KAWAN_SCREENSHOTS=docs pytest tests/browser
    if shots:
        await page.goto(f"{dashboard}/admin?days=90")
        await page.screenshot(path=str(Path(shots) / "dashboard-phone.png"))
        desktop = await browser.new_page(viewport={"width": 1000, "height": 900})
        await _log_in(desktop, dashboard, TOKEN)
        await desktop.screenshot(path=str(Path(shots) / "dashboard.png"), full_page=False)
    await context.close()
