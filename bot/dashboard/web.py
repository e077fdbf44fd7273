"""The dashboard's routes, on the app's HTTP listener or on their own (`kawan dashboard`).

Read-only: GET pages, and POST only to log in and out. Without `KAWAN_DASHBOARD_TOKEN` there are no
routes at all. A wrong token is refused after a short pause (guessing is slow); the session cookie is
HttpOnly and SameSite=Strict, Secure behind HTTPS; pages forbid framing, scripts and caching.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web

from bot.dashboard.figures import DEFAULT_PERIOD, PERIODS, FigureCache
from bot.dashboard.pages import STYLE, dashboard_page, login_page
from bot.dashboard.session import COOKIE, LIFETIME, Sessions
from bot.faq.content import Content
from bot.i18n import translator
from bot.storage.connection import Store

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
AddRoute = Callable[[str, str, Handler], None]
WRONG_TOKEN_PAUSE = 1.0  # seconds before a wrong token is answered
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none';"
        " base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Dashboard:
    def __init__(
        self,
        db: Store,
        content: Callable[[], Content],
        token: str,
        clock: Callable[[], datetime],
        language: str = "id",
    ) -> None:
        self.sessions = Sessions(token)
        self.clock = clock
        self.t = translator(language)
        self.figures = FigureCache(db, content, clock)  # content looked up per request: it may be reloaded

    def attach(self, add_route: AddRoute) -> None:
        add_route("GET", "/admin", self.page)
        add_route("GET", "/admin/", self.page)
        add_route("GET", "/admin/style.css", self.style)
        add_route("POST", "/admin/login", self.login)
        add_route("POST", "/admin/logout", self.logout)

    async def page(self, request: web.Request) -> web.Response:
        if not self.sessions.valid(request.cookies.get(COOKIE), self.clock()):
            self.figures.warm()  # the long periods, gathered while the token is typed
            return _html(login_page(self.t))
        days = _period(request.query.get("days"))
        started = time.perf_counter()
        figures = await self.figures.get(days)
        html = dashboard_page(self.t, figures)
        log.debug("dashboard (%d days) in %.0f ms", days, 1000 * (time.perf_counter() - started))
        return _html(html)

    async def style(self, request: web.Request) -> web.Response:
        return web.Response(text=STYLE, content_type="text/css", headers={"Cache-Control": "max-age=3600"})

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        offered = form.get("token")
        if not isinstance(offered, str) or not self.sessions.token_matches(offered):
            log.warning("dashboard: a wrong token was offered")
            await asyncio.sleep(WRONG_TOKEN_PAUSE)
            return _html(login_page(self.t, wrong=True), status=401)
        response = _see_other("/admin")
        response.set_cookie(
            COOKIE,
            self.sessions.issue(self.clock()),
            max_age=int(LIFETIME.total_seconds()),
            path="/admin",
            httponly=True,
            samesite="Strict",
            secure=_https(request),
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        response = _see_other("/admin")
        response.del_cookie(COOKIE, path="/admin")
        return response


def _period(raw: str | None) -> int:
    return int(raw) if raw is not None and raw.isdigit() and int(raw) in PERIODS else DEFAULT_PERIOD


def _https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, **HEADERS})


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=HEADERS)
