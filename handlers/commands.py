"""The command list channels advertise (Telegram's `setMyCommands`), with descriptions users read."""

from __future__ import annotations

from bot.i18n import Translator, _

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", _("Welcome and main menu")),
    ("menu", _("Browse questions by topic")),
    ("tanya", _("Ask a question")),
    ("pengingat", _("My reminders")),
    ("upload", _("Record today's upload")),
    ("streak", _("My upload streak")),
    ("statistik", _("My weekly sales statistics")),
    ("zona", _("My time zone (WIB/WITA/WIT)")),
    ("hapusdata", _("Delete all my data")),
    ("bantuan", _("Help")),
)


def command_descriptions(language: str) -> list[tuple[str, str]]:
    t = Translator(language)
    return [(name, t.gettext(description)) for name, description in COMMANDS]
