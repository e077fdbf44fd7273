"""Welcome and help."""

from __future__ import annotations

from bot.messages import Reply
from handlers.common import main_menu_rows
from handlers.context import Turn


def start(turn: Turn) -> list[Reply]:
    text = turn._(
        "Hi, I'm Kawan 👋\n\n"
        "I help freelancers and microstock contributors:\n"
        "• answer questions about Shutterstock, Fiverr, tax (NPWP), burnout and AI\n"
        "• remind you to upload and to check your sales once a week\n\n"
        'Just type your question, for example: "do I need an NPWP for Shutterstock?"\n\n'
        "🔒 What I keep about you and why: /privasi"
    )
    return [Reply(text, main_menu_rows(turn))]


def media(turn: Turn) -> list[Reply]:
    """Stickers, photos, voice notes: we can only read text."""
    text = turn._("I can only read text for now 🙏 Type your question, or pick from the menu.")
    return [Reply(text, main_menu_rows(turn))]


def notice(turn: Turn, kind: str) -> list[Reply]:
    """What we owed the user since they last wrote."""
    if kind == "window_closed":
        text = turn._(
            "📭 I couldn't send you a reminder: WhatsApp only lets me write within 24 hours of your last "
            "message. To keep getting reminders, reply to them or send me any message at least once a day."
        )
        return [Reply(text)]
    return []
