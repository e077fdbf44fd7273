"""Talking to Meta's Graph API (WhatsApp Cloud API): sends paced to the number's throughput, typed errors,
backoff on throttling, and media upload.

One `GraphClient` per process. Every message send waits for a slot from the `Pacer` (the phone number's
messages per second); replies to people who just wrote go ahead of reminders waiting for a slot.
The token travels only in the Authorization header, never in a URL, and nothing here logs a request.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import logging
from typing import Any

import aiohttp

from bot.config import WhatsAppSettings

log = logging.getLogger(__name__)

# Graph API error codes Kawan acts on (developers.facebook.com, WhatsApp Cloud API "Error codes").
TOKEN_REJECTED = 190  # access token expired or revoked
THROTTLED = 130429  # the phone number's throughput was exceeded
SPAM_RATE = 131048  # too many messages the recipients did not want: slow down
PAIR_LIMIT = 131056  # too many messages to one user in a short time
WINDOW_CLOSED = 131047  # more than 24 hours since the user last wrote: only templates now
UNDELIVERABLE = 131026  # not a WhatsApp user, or an old app, or they blocked us
TRANSIENT = frozenset({1, 2, 131000, 131016})  # "unknown error", "service unavailable": try again

REPLY, BULK = 0, 1  # priorities: someone waiting for an answer goes before a reminder
SEND_ATTEMPTS = 5
BACKOFF_START, BACKOFF_MAX = 1.0, 30.0


class GraphError(Exception):
    """The Graph API refused a call; `code` is Meta's error code (0 when the answer had none)."""

    def __init__(self, code: int, http_status: int, message: str = "", details: str = "") -> None:
        super().__init__(f"Graph API error {code} (HTTP {http_status}): {message} {details}".strip())
        self.code = code
        self.http_status = http_status
        self.details = details

    @property
    def token_rejected(self) -> bool:
        return self.code == TOKEN_REJECTED or self.http_status == 401


class Pacer:
    """Hands out send slots at `per_second`, most urgent priority first; 0 means no pacing.

    Slots follow a fixed schedule, so over a long run the rate is the configured one however late
    each sleep wakes (up to `BURST` seconds behind is caught up); after idle time the schedule starts
    afresh, so unused time never becomes a burst.
    """

    BURST = 0.25

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None

    async def wait(self, priority: int = BULK) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self._waiters and now >= max(self._next, self._paused_until):
            self._take(now)
            return
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run())
        await future

    def pause(self, seconds: float) -> None:
        """Meta said we send too fast: no slot for anyone for `seconds`."""
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)

    def _take(self, now: float) -> None:
        slot = max(self._next, self._paused_until)
        if now - slot > self.BURST:
            slot = now
        self._next = slot + self.interval

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiters:
            now = loop.time()
            ready = max(self._next, self._paused_until)
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            _priority, _order, future = heapq.heappop(self._waiters)
            if future.done():  # its sender was cancelled
                continue
            self._take(now)
            future.set_result(None)

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)


class GraphClient:
    def __init__(self, settings: WhatsAppSettings, connections: int = 32, timeout: float = 30.0) -> None:
        self.settings = settings
        self.pacer = Pacer(settings.messages_per_second)
        self._base = f"{settings.graph_url}/{settings.phone_number_id}"
        self._messages = f"{self._base}/messages"
        self._connections = connections
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connections),
            timeout=self._timeout,
            headers={"Authorization": f"Bearer {self.settings.token}"},
        )

    async def close(self) -> None:
        await self.pacer.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def phone_number(self) -> dict[str, Any]:
        """Who we are: also the cheapest way to learn whether the token is accepted."""
        return await self._call("GET", self._base)

    async def send(self, to: str, message: dict[str, Any], priority: int = REPLY) -> str:
        """Send one message (`message` holds `type` and its object); returns its id (wamid).

        Throttling (the number's throughput, or too many messages to this one user) and Meta's
        transient errors are retried with backoff; every other refusal raises `GraphError`.
        """
        recipient = {"to": to} if to.isdigit() else {"recipient": to}  # a business-scoped user id has letters
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **recipient, **message}
        delay = BACKOFF_START
        for attempt in range(1, SEND_ATTEMPTS + 1):
            await self.pacer.wait(priority)
            try:
                answer = await self._call("POST", self._messages, data=_json(body), headers=JSON)
                return str(answer["messages"][0]["id"])
            except GraphError as exc:
                if attempt == SEND_ATTEMPTS or not (exc.code in (THROTTLED, SPAM_RATE, PAIR_LIMIT) or _transient(exc)):
                    raise
                if exc.code in (THROTTLED, SPAM_RATE):
                    self.pacer.pause(delay)  # the whole number is over its limit: everyone waits
                    log.warning("WhatsApp throughput exceeded (error %d); pausing sends for %.0f s", exc.code, delay)
                else:
                    log.info("WhatsApp refused a send for now (error %d); retrying in %.0f s", exc.code, delay)
                    await asyncio.sleep(delay)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("WhatsApp send failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)
        raise AssertionError("unreachable")

    async def mark_read(self, message_id: str) -> None:
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        await self._call("POST", self._messages, data=_json(body), headers=JSON)

    async def upload_media(self, data: bytes, mime_type: str, filename: str) -> str:
        """Upload a file (a chart) to WhatsApp's media store; returns the media id to send it by."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", data, filename=filename, content_type=mime_type)
        answer = await self._call("POST", f"{self._base}/media", data=form)
        return str(answer["id"])

    async def _call(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        assert self._session is not None, "GraphClient.open() first"
        async with self._session.request(method, url, **kwargs) as response:
            raw = await response.read()
            status = response.status
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if status >= 400 or not isinstance(data, dict) or "error" in data:
            raise _error(status, data if isinstance(data, dict) else {})
        return data


JSON = {"Content-Type": "application/json"}


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _error(status: int, data: dict[str, Any]) -> GraphError:
    error = data.get("error") if isinstance(data.get("error"), dict) else {}
    assert isinstance(error, dict)
    details = error.get("error_data", {}).get("details", "") if isinstance(error.get("error_data"), dict) else ""
    code = error.get("code")
    return GraphError(int(code) if isinstance(code, int) else 0, status, str(error.get("message", "")), str(details))


def _transient(exc: GraphError) -> bool:
    return exc.code in TRANSIENT or exc.http_status >= 500
