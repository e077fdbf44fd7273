"""Turning a channel-neutral `Reply` into Telegram messages: HTML-escaped, split, with keyboards."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply

MAX_TEXT = 4096  # Telegram's limit on a message's text after entity parsing
SAFE_TEXT = 4000  # leave room so a split never lands exactly on the limit


@dataclass(frozen=True)
class OutgoingMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in reply.buttons]
    )


def split_text(text: str, limit: int = SAFE_TEXT) -> list[str]:
    """Cut plain text into pieces under `limit`, at paragraph breaks, else line breaks, else spaces."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def render(reply: Reply) -> list[OutgoingMessage]:
    """One or more HTML messages; our text is always escaped, the only markup is the bold title.

    The limit is checked on the visible text (what Telegram counts), the buttons go on the last piece.
    """
    title_len = len(reply.title) + 2 if reply.title else 0
    pieces = split_text(reply.text, SAFE_TEXT - title_len) or [""]
    messages = []
    for index, piece in enumerate(pieces):
        body = html.escape(piece, quote=False)
        if index == 0 and reply.title:
            body = f"<b>{html.escape(reply.title, quote=False)}</b>\n\n{body}".rstrip()
        last = index == len(pieces) - 1
        messages.append(OutgoingMessage(body, keyboard(reply) if last else None))
    return messages
