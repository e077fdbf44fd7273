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
        'Just type your question, for example: "do I need an NPWP for Shutterstock?"'
    )
    return [Reply(text, main_menu_rows(turn))]


def help_(turn: Turn) -> list[Reply]:
    text = turn._(
        "How to use Kawan:\n\n"
        '• Type your question in your own words, for example "how do Shutterstock levels work"\n'
        "• /menu — browse the questions by topic\n"
        "• /pengingat — your reminders. For example: /pengingat upload 19:00, "
        "/pengingat statistik senin 09:00, /pengingat libur 3, /pengingat mati\n"
        "• /upload — note today's uploads. With a number, for example /upload 5\n"
        "• /streak — your upload streak\n"
        "• /statistik — note and see your weekly sales\n"
        "• /zona — change your time zone, for example /zona WITA or /zona makassar\n"
        "• /hapusdata — delete everything I store about you\n\n"
        "Tap the buttons under my messages so you don't have to type much."
    )
    return [Reply(text, main_menu_rows(turn))]


def media(turn: Turn) -> list[Reply]:
    """Stickers, photos, voice notes: we can only read text."""
    text = turn._("I can only read text for now 🙏 Type your question, or pick from the menu.")
    return [Reply(text, main_menu_rows(turn))]
