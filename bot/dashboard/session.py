"""Dashboard sessions: a cookie signed with a key derived from `KAWAN_DASHBOARD_TOKEN`.

The cookie holds only its expiry and an HMAC of it, so there is nothing to store server-side and a
changed token ends every session. The token itself never leaves the login form.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

COOKIE = "kawan_dashboard"
LIFETIME = timedelta(hours=12)


class Sessions:
    def __init__(self, token: str) -> None:
        self._token = token.encode()
        self._key = hmac.new(self._token, b"kawan dashboard session", hashlib.sha256).digest()

    def token_matches(self, offered: str) -> bool:
        return hmac.compare_digest(offered.strip().encode(), self._token)

    def issue(self, now: datetime) -> str:
        expires = str(int((now + LIFETIME).timestamp()))
        return f"{expires}.{self._sign(expires)}"

    def valid(self, cookie: str | None, now: datetime) -> bool:
        if not cookie or "." not in cookie:
            return False
        expires, signature = cookie.split(".", 1)
        if not expires.isdigit() or not hmac.compare_digest(signature, self._sign(expires)):
            return False
        return now.timestamp() < int(expires)

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
