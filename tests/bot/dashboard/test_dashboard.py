"""The web dashboard over HTTP (aiohttp's test server): login, the session cookie, what a page shows and hides."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Kawan
from bot.dashboard import web as dashboard_web
from bot.dashboard.charts import Line, nice_ceiling, stacked_bars
from bot.dashboard.session import Sessions
from bot.dashboard.web import Dashboard
from bot.faq.engine import FaqEngine
from bot.services import Services
from handlers import Conversation
from tests.conftest import ChatDriver

TOKEN = "a-dashboard-token-for-tests"
NOW = datetime(2026, 12, 1, 5, tzinfo=UTC)


@pytest.fixture
async def client(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    monkeypatch.setattr(dashboard_web, "WRONG_TOKEN_PAUSE", 0.0)
    services.clock = lambda: NOW
    app = web.Application()
    Dashboard(services.db, lambda: services.content, TOKEN, lambda: NOW).attach(app.router.add_route)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _log_in(client: TestClient[web.Request, web.Application]) -> None:
    response = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/admin"


async def _fill(services: Services) -> None:
    """Two users, questions answered and not, feedback, a reminder: what a page should count."""
    db = services.db
    stamp = NOW.isoformat(timespec="seconds")
    await db.write(
        "INSERT INTO users (id, channel, chat_id, timezone, created_at, last_active) VALUES"
        " (1, 'telegram', '987654321', 'Asia/Jakarta', ?, '2026-12-01'),"
        " (2, 'whatsapp', '6281299990000', 'Asia/Makassar', ?, '2026-12-01')",
        (stamp, stamp),
    )
    await db.write(
        "INSERT INTO unanswered (user_id, question, normalized, outcome, created_at) VALUES"
        " (1, 'cara daftar adobe stock', 'cara daftar adobe stock', 'decline', ?),"
        " (2, 'gmn daftar adobestock?', 'gmn daftar adobestock', 'decline', ?),"
        " (2, 'cara daftar adobe stock', 'cara daftar adobe stock', 'decline', ?),"
        " (1, '<script>alert(1)</script> resep rendang', 'script alert 1 script resep rendang', 'decline', ?)",
        (stamp, stamp, stamp, stamp),
    )
    await db.write(
        "INSERT INTO feedback (user_id, entry_id, helpful, created_at) VALUES"
        " (1, 'npwp-daftar-shutterstock', 0, ?), (2, 'npwp-daftar-shutterstock', 0, ?),"
        " (2, 'npwp-daftar-shutterstock', 1, ?)",
        (stamp, stamp, stamp),
    )
    await db.write(
        "INSERT INTO daily_questions VALUES ('2026-12-01', 'telegram', 'answer', 7),"
        " ('2026-12-01', 'telegram', 'decline', 3), ('2026-11-30', 'whatsapp', 'suggest', 2)"
    )
    await db.write("INSERT INTO daily_active VALUES ('2026-12-01', 'telegram', 1), ('2026-12-01', 'whatsapp', 1)")
    await db.write(
        "INSERT INTO daily_deliveries VALUES ('2026-12-01', 'telegram', 'sent', 40),"
        " ('2026-12-01', 'whatsapp', 'failed', 2)"
    )


async def test_without_a_session_only_the_login_form_is_shown(
    client: TestClient[web.Request, web.Application], services: Services
) -> None:
    await _fill(services)
    response = await client.get("/admin")
    page = await response.text()
    assert response.status == 200 and 'name="token"' in page and 'type="password"' in page
    assert "<svg" not in page and "adobe" not in page


async def test_a_wrong_token_is_refused_and_gets_no_cookie(client: TestClient[web.Request, web.Application]) -> None:
    response = await client.post("/admin/login", data={"token": TOKEN + "x"}, allow_redirects=False)
    assert response.status == 401 and "Set-Cookie" not in response.headers
    assert "Token itu salah" in await response.text()
    assert 'name="token"' in await (await client.get("/admin")).text()  # still logged out


async def test_the_session_cookie_is_http_only_strict_and_secure_behind_https(
    client: TestClient[web.Request, web.Application],
) -> None:
    plain = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert TOKEN not in cookie and "Secure" not in cookie  # plain HTTP on 127.0.0.1 (tests, SSH tunnels)
    proxied = await client.post(
        "/admin/login", data={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, allow_redirects=False
    )
    assert "Secure" in proxied.headers["Set-Cookie"]


async def test_the_page_shows_charts_counts_groups_and_feedback_but_no_ids(
    client: TestClient[web.Request, web.Application], services: Services
) -> None:
    await _fill(services)
    await _log_in(client)
    response = await client.get("/admin")
    page = await response.text()
    assert response.status == 200
    assert page.count('<svg class="chart"') == 3  # questions, active users, deliveries
    assert "Pertanyaan per hari" in page and "Pengguna aktif per hari" in page
    # the two spellings of one need are one group of three; the other question stands alone
    assert "\u201ccara daftar adobe stock\u201d<br>" in page and "\u201cgmn daftar adobestock?\u201d" in page
    assert "<td class=n>3</td>" in page
    assert "👎 2" in page and "👍 1" in page  # per entry, with its label
    assert "<script>" not in page and "&lt;script&gt;" in page  # what users typed is text, never markup
    for identifier in ("987654321", "6281299990000"):
        assert identifier not in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_period_can_be_chosen_and_nonsense_falls_back_to_30_days(
    client: TestClient[web.Request, web.Application],
) -> None:
    await _log_in(client)
    week = await (await client.get("/admin?days=7")).text()
    assert 'href="/admin?days=7" aria-current=page' in week
    odd = await (await client.get("/admin?days=-1%27")).text()
    assert 'href="/admin?days=30" aria-current=page' in odd


async def test_logging_out_ends_the_session(client: TestClient[web.Request, web.Application]) -> None:
    await _log_in(client)
    await client.post("/admin/logout", allow_redirects=False)
    assert 'name="token"' in await (await client.get("/admin")).text()


async def test_questions_asked_in_chat_reach_the_dashboard(
    client: TestClient[web.Request, web.Application], services: Services
) -> None:
    chat = ChatDriver(Conversation(services), "7712345678")
    await chat.say("/start")
    await chat.say("bagaimana cara memasak rendang yang empuk")  # not Kawan's topic
    await services.usage.flush()
    await _log_in(client)
    page = await (await client.get("/admin")).text()
    assert "rendang" in page and "7712345678" not in page


async def test_no_token_means_no_dashboard(services: Services, engine: FaqEngine) -> None:
    kawan = await Kawan.open(services.settings, engine, [], services=services, dashboard=True)
    assert not kawan.webhooks.has_routes
    services.settings = replace(services.settings, dashboard_token=TOKEN)
    with_token = await Kawan.open(services.settings, engine, [], services=services, dashboard=True)
    assert with_token.webhooks.has_routes


def test_a_session_expires_and_a_forged_one_is_refused() -> None:
    sessions = Sessions(TOKEN)
    cookie = sessions.issue(NOW)
    assert sessions.valid(cookie, NOW + timedelta(hours=11))
    assert not sessions.valid(cookie, NOW + timedelta(hours=13))
    expires, signature = cookie.split(".")
    assert not sessions.valid(f"{int(expires) + 86400}.{signature}", NOW)  # a later expiry, same signature
    assert not Sessions(TOKEN + "-new").valid(cookie, NOW)  # a new token ends every session
    for junk in ("", ".", "abc.def", "1.2.3", None):
        assert not sessions.valid(junk, NOW)


def test_the_axis_top_is_a_round_number_above_the_highest_value() -> None:
    for value in (0, 1, 3, 7, 10, 11, 99, 101, 1234, 98765):
        top, step = nice_ceiling(value)
        assert top >= value and top % step == 0 and top // step <= 4 and str(step).strip("0") in ("1", "2", "5")


def test_bars_are_as_tall_as_their_values() -> None:
    days = [date(2026, 11, 30), date(2026, 12, 1)]
    svg = stacked_bars("t", days, [Line("a", "#000", [2, 4])], lambda d: d.isoformat(), str)
    heights = [float(part.split('"')[0]) for part in svg.split('height="')[1:]]
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0])
