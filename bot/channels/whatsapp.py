"""The WhatsApp channel (Business Cloud API): signed webhooks in, paced Graph API sends out.

Like every adapter it decides nothing about the conversation (`handlers/` does). What it owns is
WhatsApp's own rules:

- Meta delivers webhooks at least once and out of order: each message is recorded before it is
  answered (`WhatsAppStore.accept`), so a redelivery is dropped, and one a crash interrupted is
  answered at the next start. The POST gets its 200 at once; the answer follows.
- Free-form messages only within 24 hours of the user's last message. Outside it a reminder goes as
  an approved template, or is reported as `Delivery.WINDOW_CLOSED`.
- Reply buttons, lists (paged with a "more" row), text and body limits: see `profile.WHATSAPP`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from bot.channels.base import Handler, Unreachable
from bot.channels.graph import BULK, REPLY, UNDELIVERABLE, WINDOW_CLOSED, GraphClient, GraphError
from bot.channels.http import WebhookServer
from bot.channels.profile import WHATSAPP, Screen, fit, page
from bot.channels.turns import ChatTurns
from bot.channels.whatsapp_render import Words, document_message, image_message, screen_message, template_message
from bot.channels.whatsapp_webhook import InboundMessage, StatusUpdate, content, parse, signature_ok
from bot.config import WhatsAppSettings
from bot.i18n import Translator, _
from bot.messages import Button, Delivery, DeliveryRef, Incoming, Received, Reply, UserRef
from bot.users import StoredUser

log = logging.getLogger(__name__)
CHANNEL = "whatsapp"
PATH = "/whatsapp"
MORE = "more:"  # a list's "more" row: `more:<token>` opens the next page kept in the store
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)  # a reminder sent in the window's last minutes could land after it
RECOVER_WITHIN = timedelta(hours=1)  # at start, unanswered messages younger than this are answered
KEEP_INBOUND = timedelta(days=14)  # message ids kept against redelivery (Meta retries for days, not weeks)
HOUSEKEEPING_SECONDS = 6 * 3600
TOKEN_RETRY_SECONDS = 60.0  # after Meta rejected the token, try it again at most this often
MAX_TEMPLATE_BUTTONS = 10
STOP_GRACE_SECONDS = 10.0
SENT_FLUSH_SECONDS = 0.2  # a receipt webhook comes seconds after a send; the record is there before it

SOMETHING_WENT_WRONG = _("Sorry, something went wrong on my side. Please try again.")
CHOOSE = _("Choose")
MORE_ROW = _("More…")
MORE_TEXT = _("More choices:")
PROMPT = _("Choose below 👇")

Bounced = Callable[[DeliveryRef], Awaitable[None]]
"""Meta reported, after the fact, that a reminder message could not go out because the window had closed."""


class WhatsAppStore(Protocol):
    """What the channel keeps in the database (bot/storage/whatsapp.py implements it)."""

    async def accept(self, records: list[Received]) -> list[Received]: ...

    async def handled(self, message_id: str) -> None: ...

    async def unhandled(self, since: datetime, before: datetime | None = None) -> list[Received]: ...

    async def give_up_before(self, before: datetime) -> int: ...

    async def last_inbound(self, chat_id: str) -> datetime | None: ...

    async def prune(self, before: datetime) -> int: ...

    async def remember_user_id(self, bsuid: str, chat_id: str) -> None: ...

    async def chat_for_user_id(self, bsuid: str) -> str | None: ...

    async def sent(self, sent: list[tuple[DeliveryRef, str]]) -> None: ...

    async def receipt(self, message_id: str, status: str) -> DeliveryRef | None: ...

    async def save_page(self, chat_id: str, buttons: tuple[Button, ...], now: datetime) -> str: ...

    async def load_page(self, chat_id: str, token: str) -> tuple[Button, ...] | None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class WhatsAppChannel:
    name = CHANNEL
    profile = WHATSAPP

    def __init__(
        self,
        settings: WhatsAppSettings,
        handle: Handler,
        unreachable: Unreachable,
        store: WhatsAppStore,
        bounced: Bounced,
        webhooks: WebhookServer,
        *,
        clock: Callable[[], datetime] = utc_now,
        connections: int = 32,
    ) -> None:
        self.settings = settings
        self.graph = GraphClient(settings, connections)
        self._handle = handle
        self._unreachable = unreachable
        self._store = store
        self._bounced = bounced
        self._clock = clock
        self._turns = ChatTurns()
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepting = False
        self._token_ok = True
        self._token_failed_at = 0.0
        self._known_user_ids: dict[str, str] = {}  # BSUID -> chat, already in the store
        self._sent: list[tuple[DeliveryRef, str]] = []  # reminder messages not yet recorded
        self.takeover_after: timedelta | None = None  # set by the app when several workers share the database
        t = Translator()
        self.words = Words(t.gettext(CHOOSE), t.gettext(MORE_ROW), t.gettext(MORE_TEXT), t.gettext(PROMPT))
        webhooks.add_route("GET", PATH, self._on_handshake)
        webhooks.add_route("POST", PATH, self._on_post)

    # --- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        await self.graph.open()
        await self._check_token()
        now = self._clock()
        stale = await self._store.give_up_before(now - RECOVER_WITHIN)
        if stale:
            log.info("%d WhatsApp messages left unanswered by a stopped run are too old to answer now", stale)
        await self._store.prune(now - KEEP_INBOUND)
        self._accepting = True
        await self._answer_abandoned()
        self._spawn(self._housekeeping(), name="housekeeping")
        if self.takeover_after is not None:
            self._spawn(self._taking_over(self.takeover_after), name="housekeeping")

    async def _taking_over(self, every: timedelta) -> None:
        """With several workers: what a dead one took in and never answered, answered by this one."""
        while True:
            await asyncio.sleep(every.total_seconds())
            try:
                await self._answer_abandoned()
            except Exception:
                log.exception("could not look for WhatsApp messages a stopped worker left unanswered")

    async def _answer_abandoned(self) -> None:
        """Answer messages a stopped process took in but never answered. Alone on its database (SQLite)
        that is all of them; with several workers only those older than `takeover_after`, which no live
        worker is still answering."""
        now = self._clock()
        before = now - self.takeover_after if self.takeover_after is not None else None
        for record in await self._store.unhandled(now - RECOVER_WITHIN, before):
            self._spawn(self._answer(record))

    async def stop(self) -> None:
        """Refuse new webhooks (Meta retries them), let answers in flight finish, then close."""
        self._accepting = False
        busy = [task for task in self._tasks if task.get_name() != "housekeeping"]
        if busy:
            await asyncio.wait(busy, timeout=STOP_GRACE_SECONDS)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._sent:
            await self._flush_sent(delay=0)
        await self.graph.close()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str | None = None) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(HOUSEKEEPING_SECONDS)
            try:
                await self._store.prune(self._clock() - KEEP_INBOUND)
            except Exception:
                log.exception("could not prune old WhatsApp message ids")

    # --- webhooks in ----------------------------------------------------------------------

    async def _on_handshake(self, request: web.Request) -> web.Response:
        """Meta's subscription check: echo `hub.challenge` when `hub.verify_token` is ours."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self.settings.verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403)

    async def _on_post(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_ok(body, request.headers.get("X-Hub-Signature-256"), self.settings.app_secret):
            log.warning("refused a WhatsApp webhook without a valid signature")
            return web.Response(status=403)
        if not self._accepting:
            return web.Response(status=503)  # stopping: Meta delivers it again later
        try:
            data = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        messages, statuses = parse(data, self.settings.phone_number_id)
        records = [await self._record(message) for message in messages]
        raw = {message.message_id: message.raw for message in messages}
        for record in sorted(await self._store.accept(records), key=lambda r: r.sent_at):
            self._spawn(self._answer(record, raw[record.message_id]))
        if statuses:
            self._spawn(self._receipts(statuses))
        return web.Response()

    async def _record(self, message: InboundMessage) -> Received:
        """The stored chat a message belongs to: its phone-based id, or the chat its BSUID maps to."""
        if message.phone is not None:
            chat_id = message.phone
            if message.user_id is not None and self._known_user_ids.get(message.user_id) != chat_id:
                await self._store.remember_user_id(message.user_id, chat_id)
                if len(self._known_user_ids) > 100_000:
                    self._known_user_ids.clear()
                self._known_user_ids[message.user_id] = chat_id
        else:
            assert message.user_id is not None
            chat_id = await self._store.chat_for_user_id(message.user_id) or message.user_id
        return Received(message.message_id, chat_id, message.sent_at, message.payload)

    async def _answer(self, record: Received, raw: dict[str, Any] | None = None) -> None:
        try:
            said = content(raw if raw is not None else json.loads(record.payload))
            if said is not None:
                async with self._turns.hold(record.chat_id):
                    self._spawn(self._mark_read(record.message_id))
                    await self._converse(record.chat_id, said.text, said.action, said.media)
        except Exception:
            log.exception("WhatsApp message %s could not be answered", record.message_id)
        finally:
            try:
                await self._store.handled(record.message_id)
            except Exception:
                log.exception("could not record WhatsApp message %s as handled", record.message_id)

    async def _converse(self, chat_id: str, text: str | None, action: str | None, media: str | None) -> None:
        if action is not None and action.startswith(MORE):
            rest = await self._store.load_page(chat_id, action.removeprefix(MORE))
            if rest is not None:
                await self._send_all(chat_id, [], REPLY, more=rest)
                return
        try:
            replies = await self._handle(Incoming(UserRef(CHANNEL, chat_id), text=text, action=action, media=media))
        except Exception:
            log.exception("the conversation failed on a WhatsApp message")
            replies = [Reply(Translator().gettext(SOMETHING_WENT_WRONG))]
        try:
            await self._send_all(chat_id, replies, REPLY)
        except GraphError as exc:
            if await self._failure(exc, chat_id) is Delivery.FAILED and not exc.token_rejected:
                log.warning("could not answer on WhatsApp: %s", exc)

    async def _mark_read(self, message_id: str) -> None:
        if not self._token_ok:
            return
        try:
            await self.graph.mark_read(message_id)
        except (GraphError, aiohttp.ClientError, TimeoutError) as exc:
            log.debug("could not mark a WhatsApp message read: %s", exc)

    async def _receipts(self, statuses: list[StatusUpdate]) -> None:
        """Receipts update the reminder's delivery record; a late "window closed" gets the template path."""
        if self._sent:
            await self._flush_sent(delay=0)  # a receipt can overtake the batched record of its message
        for status in statuses:
            try:
                ref = await self._store.receipt(status.message_id, status.status)
                if status.status != "failed":
                    continue
                if status.error_code == WINDOW_CLOSED and ref is not None:
                    await self._bounced(ref)
                elif status.error_code == UNDELIVERABLE and status.recipient:
                    await self._unreachable(CHANNEL, status.recipient)
                else:
                    log.info("WhatsApp could not deliver message %s (error %s)", status.message_id, status.error_code)
            except Exception:
                log.exception("could not process a WhatsApp receipt")

    # --- messages out ---------------------------------------------------------------------

    async def deliver(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef | None = None) -> Delivery:
        """A reminder: as usual inside the 24-hour window, else as its approved template."""
        if not self._token_usable():
            return Delivery.FAILED
        last = await self._store.last_inbound(user.chat_id)
        if last is not None and self._clock() - last < WINDOW - WINDOW_MARGIN:
            try:
                sent = await self._send_all(user.chat_id, replies, BULK)
            except GraphError as exc:
                if exc.code != WINDOW_CLOSED:
                    return await self._failure(exc, user.chat_id)
            else:
                if ref is not None and sent:
                    self._remember_sent(ref, sent[-1])
                return Delivery.SENT
        return await self.deliver_outside_window(user, replies, ref)

    async def deliver_outside_window(
        self, user: StoredUser, replies: list[Reply], ref: DeliveryRef | None = None
    ) -> Delivery:
        """The approved template for this kind of notice, its quick replies carrying the buttons' actions."""
        notice = next((reply.notice for reply in replies if reply.notice), None)
        template = self.settings.template_for(notice)
        if template is None:
            return Delivery.WINDOW_CLOSED
        payloads = [button.action for reply in replies for button in reply.all_buttons][:MAX_TEMPLATE_BUTTONS]
        try:
            message_id = await self._send(user.chat_id, template_message(template, payloads, user.language), BULK)
        except GraphError as exc:
            return await self._failure(exc, user.chat_id)
        if ref is not None:
            self._remember_sent(ref, message_id)
        return Delivery.SENT

    def _remember_sent(self, ref: DeliveryRef, message_id: str) -> None:
        """Record which message carried a reminder, in batches: a paced send never waits on the database."""
        self._sent.append((ref, message_id))
        if len(self._sent) == 1:
            self._spawn(self._flush_sent())

    async def _flush_sent(self, delay: float = SENT_FLUSH_SECONDS) -> None:
        await asyncio.sleep(delay)
        sent, self._sent = self._sent, []
        if not sent:
            return
        try:
            await self._store.sent(sent)
        except Exception:
            log.exception("could not record which WhatsApp messages carried %d reminders", len(sent))

    async def _send_all(
        self, chat_id: str, replies: list[Reply], priority: int, more: tuple[Button, ...] = ()
    ) -> list[str]:
        """Every screen of every reply, in order (or the next page of a long list); the sent message ids."""
        screens = [
            screen for reply in replies for screen in fit(reply, WHATSAPP, self.words.more_text, self.words.prompt)
        ]
        if more:
            shown, rest = page(more, WHATSAPP.list_rows)
            screens = [Screen(self.words.more_text, tuple((b,) for b in shown), as_list=True, more=rest)]
        sent = []
        for screen in screens:
            more_action = None
            if screen.more:
                more_action = MORE + await self._store.save_page(chat_id, screen.more, self._clock())
            sent.append(await self._send(chat_id, screen_message(screen, self.words, more_action), priority))
            if screen.image is not None:
                media_id = await self.graph.upload_media(screen.image.read_bytes(), "image/png", screen.image.name)
                sent.append(await self._send(chat_id, image_message(media_id), priority))
            if screen.document is not None:
                # WhatsApp takes documents of a few types only; JSON goes as plain text, named .json
                media_id = await self.graph.upload_media(
                    screen.document.read_bytes(), "text/plain", screen.document.name
                )
                sent.append(await self._send(chat_id, document_message(media_id, screen.document.name), priority))
        return sent

    async def _send(self, chat_id: str, message: dict[str, Any], priority: int) -> str:
        message_id = await self.graph.send(chat_id, message, priority)
        if not self._token_ok:
            log.info("WhatsApp accepts the access token again")
            self._token_ok = True
        return message_id

    async def _failure(self, exc: GraphError, chat_id: str) -> Delivery:
        """What a refused send means for the user; logged once, never as a traceback."""
        if exc.token_rejected:
            self._token_rejected()
            return Delivery.FAILED
        if exc.code == UNDELIVERABLE:
            await self._unreachable(CHANNEL, chat_id)
            return Delivery.UNREACHABLE
        if exc.code == WINDOW_CLOSED:
            return Delivery.WINDOW_CLOSED
        log.warning("WhatsApp refused a message: %s", exc)
        return Delivery.FAILED

    # --- the access token -----------------------------------------------------------------

    async def _check_token(self) -> None:
        """At start: one request tells whether Meta accepts the token. Kawan keeps running either way."""
        try:
            await self.graph.phone_number()
        except GraphError as exc:
            if exc.token_rejected:
                self._token_rejected()
            else:
                log.warning("the WhatsApp Graph API answered with an error at start: %s", exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning(
                "the WhatsApp Graph API is not reachable at start (%s); answers will be retried", type(exc).__name__
            )

    def _token_rejected(self) -> None:
        if self._token_ok:
            log.error(
                "WhatsApp rejected the access token (expired or revoked): create a new system-user token, "
                "set WHATSAPP_TOKEN and restart Kawan"
            )
        self._token_ok = False
        self._token_failed_at = time.monotonic()

    def _token_usable(self) -> bool:
        """After a rejection, reminders are not even tried for a minute (each would only fail)."""
        return self._token_ok or time.monotonic() - self._token_failed_at > TOKEN_RETRY_SECONDS
