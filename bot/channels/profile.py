"""What each channel can show, as data, and one pure function that fits any reply to it.

Handlers never ask which channel they talk to: they return a `Reply`, and `fit(reply, profile)` turns
it into the screens a channel can send — text split at paragraph breaks, buttons kept as buttons where
they fit, turned into list menus (and into several lists) where the channel has them, and labels
shortened at a word boundary, never cut mid-word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from bot.messages import MAX_ACTION_BYTES, Button, Reply

UNLIMITED = 1_000_000


@dataclass(frozen=True)
class ChannelProfile:
    name: str
    text_limit: int  # characters in a message without buttons
    body_limit: int  # characters in a message that carries buttons or a list
    reply_buttons: int  # buttons one message can carry as buttons
    label_limit: int  # characters on such a button
    list_rows: int  # rows of one list menu (0: the channel has no list menus)
    row_label_limit: int  # characters on a list row
    action_bytes: int  # bytes of a button's action (callback data, reply id)
    images: bool
    session_window: timedelta | None = None  # how long after the user's last message we may write freely


TELEGRAM = ChannelProfile(
    "telegram",
    text_limit=4000,  # Telegram's 4,096 after entity parsing, with room for the HTML title
    body_limit=4000,
    reply_buttons=100,  # an inline keyboard holds up to 100 buttons
    label_limit=64,
    list_rows=0,
    row_label_limit=0,
    action_bytes=64,  # callback_data
    images=True,
)
TERMINAL = ChannelProfile(
    "terminal",
    text_limit=UNLIMITED,
    body_limit=UNLIMITED,
    reply_buttons=UNLIMITED,
    label_limit=UNLIMITED,
    list_rows=0,
    row_label_limit=0,
    action_bytes=UNLIMITED,
    images=False,  # the terminal prints the chart's file path
)
WHATSAPP = ChannelProfile(
    "whatsapp",
    text_limit=4096,
    body_limit=1024,  # the body of an interactive (button or list) message
    reply_buttons=3,
    label_limit=20,
    list_rows=10,
    row_label_limit=24,
    action_bytes=200,  # a list row's id; reply button ids allow 256
    images=True,
    session_window=timedelta(hours=24),
)
PROFILES = (TELEGRAM, TERMINAL, WHATSAPP)
assert min(p.action_bytes for p in PROFILES) == MAX_ACTION_BYTES, "Button validates against the strictest channel"


@dataclass(frozen=True)
class Screen:
    """One message as a channel sends it: text, then buttons as buttons or as one list menu.

    `more` holds the list rows that did not fit: the channel adds a "more" row that pages to them
    (`page()` cuts the next page).
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    as_list: bool = False
    title: str | None = None
    image: Path | None = None
    replace: bool = False
    more: tuple[Button, ...] = ()
    document: Path | None = None

    @property
    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


def fit(reply: Reply, profile: ChannelProfile, more: str = "…", prompt: str = "👇") -> list[Screen]:
    """The screens that carry `reply` within `profile`'s limits.

    Text is split at paragraph breaks. Buttons ride on the last piece of text when it fits the
    channel's button-message body; otherwise the text goes alone and the buttons follow under
    `prompt`. Choices the channel cannot show as buttons become a list (paged beyond its rows,
    see `Screen.more`), or, without lists, further screens headed `more`.
    """
    buttons = _unique_actions(reply.all_buttons)
    title_room = len(reply.title) + 2 if reply.title else 0
    pieces = split_text(reply.text, profile.text_limit - title_room)
    if not buttons:
        screens = [Screen(piece) for piece in pieces]
    else:
        use_list = profile.list_rows > 0 and (
            len(buttons) > profile.reply_buttons or not _fit_as_buttons(buttons, profile.label_limit)
        )
        last = pieces.pop() if len(pieces[-1]) + title_room <= profile.body_limit else prompt
        screens = [Screen(piece) for piece in pieces]
        if use_list:
            shown, rest = page(buttons, profile.list_rows)
            rows = _shorten_rows(_one_per_row(shown), profile.row_label_limit)
            rest = tuple(Button(shorten(b.label, profile.row_label_limit), b.action, b.detail) for b in rest)
            screens.append(Screen(last, rows, True, more=rest))
        else:
            per_screen = profile.reply_buttons
            groups = [buttons[i : i + per_screen] for i in range(0, len(buttons), per_screen)]
            as_laid_out = len(groups) == 1 and len(buttons) == len(reply.all_buttons)
            first_rows = reply.buttons if as_laid_out else _one_per_row(groups[0])
            screens.append(Screen(last, _shorten_rows(first_rows, profile.label_limit)))
            screens += [Screen(more, _shorten_rows(_one_per_row(g), profile.label_limit)) for g in groups[1:]]
    screens[0] = replace(screens[0], title=reply.title, replace=reply.replace and len(screens) == 1)
    if reply.image is not None or reply.document is not None:
        screens[-1] = replace(screens[-1], image=reply.image, document=reply.document)
    return screens


def page(buttons: Sequence[Button], rows: int) -> tuple[list[Button], tuple[Button, ...]]:
    """The rows one list shows and the ones left for later: a full list keeps a row for "more"."""
    if len(buttons) <= rows:
        return list(buttons), ()
    return list(buttons[: rows - 1]), tuple(buttons[rows - 1 :])


def _unique_actions(buttons: list[Button]) -> list[Button]:
    """Two buttons that do the same thing are one choice (list rows and reply buttons need unique ids)."""
    first: dict[str, Button] = {}
    for button in buttons:
        first.setdefault(button.action, button)
    return list(first.values())


def _fit_as_buttons(buttons: list[Button], limit: int) -> bool:
    """Buttons need short labels that stay distinct (a channel rejects two buttons with one title)."""
    labels = [" ".join(b.label.split()) for b in buttons]
    return all(len(label) <= limit for label in labels) and len(set(labels)) == len(labels)


def _one_per_row(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple((b,) for b in buttons)


def _shorten_rows(rows: tuple[tuple[Button, ...], ...], limit: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(Button(shorten(b.label, limit), b.action, b.detail) for b in row) for row in rows)


def shorten(label: str, limit: int) -> str:
    """A label within `limit` characters, cut at a word boundary with "…", never mid-word."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if label[limit - 1] != " ":  # the cut fell inside a word: go back to the word before it
        space = cut.rfind(" ")
        cut = cut[:space] if space > 0 else cut
    return cut.rstrip(" -—,:;") + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Cut plain text into pieces under `limit`, at paragraph breaks, else line breaks, else spaces."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
