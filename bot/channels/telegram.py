"""The Telegram channel: python-telegram-bot updates in, rendered replies out."""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.faq.engine import FaqEngine
from bot.messages import Incoming, Reply, UserRef
from bot.services import Services, open_services
from handlers import Conversation

log = logging.getLogger(__name__)
CHANNEL = "telegram"


def render_html(reply: Reply) -> str:
    """Everything we send is our plain text, escaped; HTML is the one parse mode."""
    return html.escape(reply.text, quote=False)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in reply.buttons]
    )


async def send_replies(bot: Any, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        await bot.send_message(chat_id, render_html(reply), parse_mode=ParseMode.HTML, reply_markup=keyboard(reply))


def build_application(settings: Settings, services: Services) -> Application:  # type: ignore[type-arg]
    token = settings.require_token()
    conversation = Conversation(services)
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_url.replace("/bot", "/file/bot"))
        .rate_limiter(AIORateLimiter())
        .concurrent_updates(True)
        .build()
    )

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        user = UserRef(CHANNEL, str(chat.id))
        replies = await conversation.handle(Incoming(user, text=message.text))
        await send_replies(context.bot, chat.id, replies)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or not query.data:
            return
        await query.answer()
        replies = await conversation.handle(Incoming(UserRef(CHANNEL, str(chat.id)), action=query.data))
        await send_replies(context.bot, chat.id, replies)

    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT, on_message))
    return app


def run_polling(settings: Settings, engine: FaqEngine) -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code."""
    import asyncio

    services = asyncio.run(open_services(settings, engine))
    try:
        build_application(settings, services).run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        asyncio.run(services.close())
    return 0
