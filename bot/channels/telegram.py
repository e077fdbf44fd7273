"""The Telegram channel: python-telegram-bot updates in, rendered replies out.

Nothing here decides what to say (that is `handlers/`); this module only translates between
Telegram and the channel-neutral `Incoming`/`Reply`, and copes with what the Bot API throws back.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, BotCommand, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.base import FirstTime, Handler, Unreachable
from bot.channels.http import WebhookServer
from bot.channels.profile import TELEGRAM
from bot.channels.telegram_render import OutgoingMessage, render
from bot.channels.turns import ChatTurns
from bot.config import ConfigError, TelegramSettings
from bot.i18n import Translator, _
from bot.messages import Delivery, DeliveryRef, Incoming, Reply, UserRef
from bot.users import StoredUser

log = logging.getLogger(__name__)
# We call sendMessage through `do_api_request` on purpose (see `_send_one`); PTB nudges towards the
# typed method with a warning, which would otherwise be printed for every process.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)
CHANNEL = "telegram"
SEND_ATTEMPTS = 3
# httpcore scans every pooled connection (with socket calls) for each request, so a big pool costs
# more per message than it gains; measured with bench/reminders_load.py and bench/telegram_throughput.py.
CONNECTIONS = 16
SOMETHING_WENT_WRONG = _("Sorry, something went wrong on my side. Please try again.")
GROUPS_NOT_SUPPORTED = _("I only chat in private. Open a private chat with me and send /start 🙂")

KawanApp = Application[Any, Any, Any, Any, Any, Any]


class TelegramChannel:
    """The adapter: PTB updates in as `Incoming`, replies out as Telegram messages. It decides nothing."""

    name = CHANNEL
    profile = TELEGRAM

    def __init__(
        self,
        settings: TelegramSettings,
        handle: Handler,
        unreachable: Unreachable,
        commands: list[tuple[str, str]],
        *,
        webhooks: WebhookServer | None = None,
        rate_limit: bool = True,
        connections: int = CONNECTIONS,
        poll_timeout: int = 10,
        first_time: FirstTime | None = None,
    ) -> None:
        self._first_time = first_time  # webhook updates: False for one this or another worker already took
        self._poll_timeout = poll_timeout
        self.settings = settings
        self._handle = handle
        self._unreachable = unreachable
        self._commands = commands
        self._connections = connections
        self._rate_limit = rate_limit  # off only in benchmarks that measure Kawan, not Telegram's limits
        self._turns = ChatTurns()
        self.app = self._build()
        if settings.webhook_url:
            if webhooks is None:
                raise ValueError("a Telegram webhook needs the shared webhook listener")
            webhooks.add_route("POST", urlsplit(settings.webhook_url).path or "/", self._on_webhook)

    def _build(self) -> KawanApp:
        builder = (
            ApplicationBuilder()
            .token(self.settings.token)
            .base_url(self.settings.base_url)
            .base_file_url(self.settings.base_url.replace("/bot", "/file/bot"))
            .concurrent_updates(True)
            .request(AiohttpRequest(self._connections))
            .get_updates_request(AiohttpRequest(1, read_timeout=30.0))
        )
        if self._rate_limit:
            builder = builder.rate_limiter(AIORateLimiter(max_retries=2))  # type: ignore[arg-type]
        app = builder.build()
        private = filters.ChatType.PRIVATE
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.TEXT, self._on_media))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, self._on_group_command))
        app.add_error_handler(self._on_error)
        return app

    async def deliver(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef | None = None) -> Delivery:
        """Send replies that no incoming message asked for (reminders)."""
        return Delivery.SENT if await self.send(int(user.chat_id), replies) else Delivery.UNREACHABLE

    # --- updates in -------------------------------------------------------------------

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        if _for_another_bot(message.text, self.app.bot.username):
            return  # "/start@OtherBot": a command meant for someone else
        await self._converse(chat.id, Incoming(UserRef(CHANNEL, str(chat.id)), text=message.text))

    async def _on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        await self._converse(chat.id, Incoming(UserRef(CHANNEL, str(chat.id)), media="non-text"))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        await _quietly(query.answer())  # stop the button's spinner first, whatever follows
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            return
        incoming = Incoming(UserRef(CHANNEL, str(chat.id)), action=query.data)
        replaced = query.message if isinstance(query.message, Message) else None
        await self._converse(chat.id, incoming, replaced)

    async def _on_group_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self.send(chat.id, [Reply(Translator().gettext(GROUPS_NOT_SUPPORTED))])

    async def _converse(self, chat_id: int, incoming: Incoming, replaced: Message | None = None) -> None:
        # Updates are handled concurrently, but one chat's messages are answered one at a time, in the
        # order they came: a burst of messages from one user never gets its replies reordered.
        async with self._turns.hold(chat_id):
            replies = await self._handle(incoming)
            await self.send(chat_id, replies, replaced)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s for chat %s failed", update_id, chat_id, exc_info=context.error)
        if chat_id is not None and not isinstance(context.error, Forbidden):
            await _quietly(self.send(chat_id, [Reply(Translator().gettext(SOMETHING_WENT_WRONG))]))

    # --- replies out ------------------------------------------------------------------

    async def send(self, chat_id: int, replies: list[Reply], replaced: Message | None = None) -> bool:
        """Deliver replies in order; False when the user has blocked the bot (they are marked inactive)."""
        try:
            for index, reply in enumerate(replies):
                messages = render(reply)
                editable = index == 0 and messages[0].replace
                if editable and replaced is not None and await self._edit(replaced, messages[0]):
                    continue
                for message in messages:
                    await self._send_one(chat_id, message)
                    if message.image is not None:
                        await self._send_photo(chat_id, message.image)
                    if message.document is not None:
                        await self._send_document(chat_id, message.document)
        except Forbidden:
            log.info("chat %s blocked the bot; marking inactive", chat_id)
            await self._unreachable(CHANNEL, str(chat_id))
            return False
        return True

    async def _send_one(self, chat_id: int, message: OutgoingMessage) -> None:
        params: dict[str, object] = {"chat_id": chat_id, "text": message.html, "parse_mode": ParseMode.HTML}
        if message.keyboard is not None:
            params["reply_markup"] = message.keyboard
        # the raw call: we never use the sent Message, and building one costs more than the send itself
        await _with_retries(lambda: self.app.bot.do_api_request("sendMessage", api_kwargs=params))

    async def _send_photo(self, chat_id: int, image: Path) -> None:
        data = image.read_bytes()
        await _with_retries(lambda: self.app.bot.send_photo(chat_id, photo=data))

    async def _send_document(self, chat_id: int, document: Path) -> None:
        data = document.read_bytes()
        await _with_retries(lambda: self.app.bot.send_document(chat_id, document=data, filename=document.name))

    async def _edit(self, replaced: Message, message: OutgoingMessage) -> bool:
        """Edit a menu in place; False when Telegram will not (too old, deleted), so we send anew."""
        try:
            await _with_retries(
                lambda: self.app.bot.edit_message_text(
                    message.html,
                    chat_id=replaced.chat_id,
                    message_id=replaced.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.keyboard,
                )
            )
        except BadRequest as exc:
            return "not modified" in str(exc).lower()
        return True

    async def start(self) -> None:
        """Register the commands and start receiving updates: a webhook when configured, else long polling."""
        await self.app.initialize()
        await self.app.bot.set_my_commands([BotCommand(name, text) for name, text in self._commands])
        await self.app.start()
        if self.settings.webhook_url:
            await self.app.bot.set_webhook(
                self.settings.webhook_url,
                secret_token=self.settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0, timeout=self._poll_timeout, allowed_updates=Update.ALL_TYPES
            )

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """An update Telegram posted to our path (through the TLS proxy); the secret header proves it."""
        secret = self.settings.webhook_secret
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if secret is not None and not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.app.bot)
        except ValueError:
            return web.Response(status=400)
        if self._first_time is not None:
            chat = update.effective_chat
            if not await self._first_time(str(update.update_id), str(chat.id) if chat is not None else ""):
                return web.Response()  # Telegram delivered it again (maybe to another worker): answered once
        await self.app.update_queue.put(update)
        return web.Response()

    async def stop(self) -> None:
        assert self.app.updater is not None
        if self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()


def _for_another_bot(text: str, our_name: str | None) -> bool:
    head = text.split(maxsplit=1)[0] if text.strip() else ""
    if not head.startswith("/") or "@" not in head:
        return False
    addressee = head.split("@", 1)[1]
    return our_name is None or addressee.lower() != our_name.lower()


async def _with_retries(call: Callable[[], Awaitable[object]]) -> None:
    """Network hiccups and flood limits are retried with backoff; other errors propagate."""
    delay = 1.0
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await call()
            return
        except RetryAfter as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait))
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest | Forbidden) or attempt == SEND_ATTEMPTS:
                raise
            log.warning("send failed (%s), retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay *= 2


async def _quietly(call: Awaitable[object]) -> None:
    try:
        await call
    except Exception:  # a failure to say sorry must not hide the original error
        log.warning("could not deliver a follow-up message", exc_info=True)


EXIT_UNREACHABLE = 1


async def wait_until_reachable(
    settings: TelegramSettings, timeout: float, clock: Callable[[], float] = time.monotonic
) -> bool:
    """At start, ask the Bot API who we are until it answers or `timeout` seconds pass.

    One log line per failed attempt (never a traceback), backing off 1, 2, 4... seconds. A token
    Telegram rejects is a configuration error, not a network problem.
    """
    request = AiohttpRequest(1)
    bot = Bot(settings.token, base_url=settings.base_url, request=request, get_updates_request=request)
    deadline = clock() + timeout
    delay, attempt = 1.0, 0
    await request.initialize()
    try:
        while True:
            attempt += 1
            try:
                await bot.get_me()
                return True
            except InvalidToken:
                problem = "Telegram rejected this token; check it with @BotFather"
                raise ConfigError("TELEGRAM_BOT_TOKEN", problem) from None
            except (NetworkError, TimedOut) as exc:
                left = deadline - clock()
                if left <= 0:
                    return False
                wait = min(delay, left)
                log.warning(
                    "Telegram Bot API not reachable (attempt %d: %s); trying again in %.0f s",
                    attempt,
                    type(exc).__name__,
                    wait,
                )
                await asyncio.sleep(wait)
                delay *= 2
    finally:
        await request.shutdown()
