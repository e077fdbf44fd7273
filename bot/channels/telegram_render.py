"""Turning a channel-neutral `Reply` into Telegram messages: fitted to Telegram's profile, HTML-escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.profile import TELEGRAM, Screen, fit, split_text
from bot.messages import Reply

MAX_TEXT = 4096  # Telegram's limit on a message's text after entity parsing

__all__ = ["MAX_TEXT", "OutgoingMessage", "render", "split_text"]


@dataclass(frozen=True)
class OutgoingMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None = None
    image: Path | None = None
    replace: bool = False
    document: Path | None = None


def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in screen.buttons]
    )


def render(reply: Reply) -> list[OutgoingMessage]:
    """One or more HTML messages; our text is always escaped, the only markup is the bold title.

    The limits are checked on the visible text (what Telegram counts); the buttons go on the last piece.
    """
    messages = []
    for screen in fit(reply, TELEGRAM):
        body = html.escape(screen.text, quote=False)
        if screen.title:
            body = f"<b>{html.escape(screen.title, quote=False)}</b>\n\n{body}".rstrip()
        messages.append(OutgoingMessage(body, keyboard(screen), screen.image, screen.replace, screen.document))
    return messages
