"""The one command table: it drives the router, the menu channels advertise (`setMyCommands`) and /bantuan."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.i18n import Translator, _
from bot.messages import Reply
from bot.reminders.schedule import parse_clock, parse_weekday, zone_for
from handlers import account, admin, faq, privacy, reminders, start, stats
from handlers.common import main_menu_rows
from handlers.context import Turn

Run = Callable[[Turn, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # the menu line channels advertise (msgid)
    usage: str  # the line in /bantuan (msgid), in plain words with an example
    run: Run
    aliases: tuple[str, ...] = ()
    admin_only: bool = False  # left out of the command menu and of /bantuan for everyone else


async def _start(turn: Turn, args: str) -> list[Reply]:
    return start.start(turn)


async def _menu(turn: Turn, args: str) -> list[Reply]:
    return faq.menu(turn)


async def _delete(turn: Turn, args: str) -> list[Reply]:
    return account.confirm_delete(turn)


async def _streak(turn: Turn, args: str) -> list[Reply]:
    return await reminders.streak(turn)


async def _stats(turn: Turn, args: str) -> list[Reply]:
    return await stats.show(turn)


async def _help(turn: Turn, args: str) -> list[Reply]:
    return help_(turn)


async def _privacy(turn: Turn, args: str) -> list[Reply]:
    return privacy.privacy(turn)


async def _my_data(turn: Turn, args: str) -> list[Reply]:
    return await privacy.my_data(turn)


async def _admin(turn: Turn, args: str) -> list[Reply]:
    return await admin.at_a_glance(turn)


COMMANDS: tuple[Command, ...] = (
    Command("start", _("Welcome and main menu"), _("/start — the welcome and the main menu"), _start),
    Command("menu", _("Browse questions by topic"), _("/menu — browse the questions by topic"), _menu),
    Command("tanya", _("Ask a question"), _("/tanya — ask a question, or just type it"), faq.ask),
    Command(
        "pengingat",
        _("My reminders"),
        _(
            "/pengingat — your reminders. For example: /pengingat upload 19:00, "
            "/pengingat statistik senin 09:00, /pengingat libur 3, /pengingat mati"
        ),
        reminders.command,
    ),
    Command(
        "upload",
        _("Record today's upload"),
        _("/upload — note today's uploads. With a number, for example /upload 5"),
        reminders.upload_command,
    ),
    Command("streak", _("My upload streak"), _("/streak — your upload streak"), _streak),
    Command("statistik", _("My weekly sales statistics"), _("/statistik — note and see your weekly sales"), _stats),
    Command(
        "zona",
        _("My time zone (WIB/WITA/WIT)"),
        _("/zona — change your time zone, for example /zona WITA or /zona makassar"),
        reminders.zone,
    ),
    Command(
        "privasi",
        _("What Kawan keeps about me"),
        _("/privasi — what I keep about you, why, and for how long"),
        _privacy,
    ),
    Command("dataku", _("A copy of my data"), _("/dataku — a copy of everything I keep about you (a file)"), _my_data),
    Command("hapusdata", _("Delete all my data"), _("/hapusdata — delete everything I store about you"), _delete),
    Command("bantuan", _("Help"), _("/bantuan — this help"), _help, aliases=("help",)),
    Command("admin", _("Usage at a glance (admins)"), _("/admin — usage at a glance"), _admin, admin_only=True),
    Command(
        "siaran",
        _("Send an announcement (admins)"),
        _("/siaran — write an announcement to everyone; /siaran status — how far it has got"),
        admin.broadcast,
        admin_only=True,
    ),
)
_BY_NAME = {name: c for c in COMMANDS for name in (c.name, *c.aliases)}


def find(name: str) -> Command | None:
    return _BY_NAME.get(name)


# Commands typed as words, for channels without a command menu (WhatsApp): only a message that is the
# command and nothing else, or the command with the arguments it takes, so a question that starts with
# one of these words ("upload foto di hp bisa?") still goes to the FAQ.
_BARE_WORDS = {
    "start": "start",
    "menu": "menu",
    "bantuan": "bantuan",
    "help": "bantuan",
    "streak": "streak",
    "statistik": "statistik",
    "pengingat": "pengingat",
    "zona": "zona",
    "hapusdata": "hapusdata",
    "hapus data": "hapusdata",
    "privasi": "privasi",
    "dataku": "dataku",
    "data ku": "dataku",
    "admin": "admin",
    "siaran": "siaran",
    "siaran status": "siaran",
}
_UPLOAD_COUNT = re.compile(r"^upload (\d{1,4})$")
_REMINDER_HEADS = ("upload", "statistik", "mati", "nyala", "nyalakan", "libur")


def word_command(text: str) -> tuple[str, str] | None:
    """`menu`, `upload 3`, `zona WITA`, `hapus data`, `pengingat upload 19:00` -> (command, arguments)."""
    words = text.strip().rstrip(".!?").split()
    if not words or len(words) > 5:
        return None
    lowered = " ".join(words).lower()
    if lowered in _BARE_WORDS:
        name = _BARE_WORDS[lowered]
        return name, "status" if lowered == "siaran status" else ""
    if upload := _UPLOAD_COUNT.match(lowered):
        return "upload", upload.group(1)
    head, rest = words[0].lower(), " ".join(words[1:])
    if head == "zona" and len(words) <= 3 and zone_for(rest) is not None:
        return "zona", rest
    if head == "pengingat" and words[1].lower() in _REMINDER_HEADS and _reminder_args_complete(words[1:]):
        return "pengingat", rest
    return None


def _reminder_args_complete(args: list[str]) -> bool:
    """`upload 19:00`, `statistik senin 09:00`, `mati`, `libur 3`: the forms /pengingat understands."""
    head, rest = args[0].lower(), " ".join(args[1:])
    if head == "upload":
        return parse_clock(rest) is not None
    if head == "statistik":
        days = [w for w in args[1:] if parse_weekday(w) is not None]
        return len(days) == 1 and parse_clock(" ".join(w for w in args[1:] if w not in days)) is not None
    if head == "libur":
        return len(args) == 2 and args[1].isdigit()
    return len(args) == 1


def command_descriptions(language: str) -> list[tuple[str, str]]:
    """The menu every user's chat app shows (admin commands are not advertised)."""
    t = Translator(language)
    return [(c.name, t.gettext(c.description)) for c in COMMANDS if not c.admin_only]


def help_(turn: Turn) -> list[Reply]:
    lines = [
        turn._("How to use Kawan:"),
        "",
        turn._('• Type your question in your own words, for example "how do Shutterstock levels work"'),
        *(
            f"• {turn._(c.usage)}"
            for c in COMMANDS
            if c.name not in ("start", "tanya") and (not c.admin_only or admin.is_admin(turn))
        ),
        "",
        turn._("Tap the buttons under my messages so you don't have to type much."),
    ]
    return [Reply("\n".join(lines), main_menu_rows(turn))]
