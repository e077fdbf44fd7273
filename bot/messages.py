"""Channel-neutral messages: what a user sent, and what Kawan answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

MAX_ACTION_BYTES = 64
"""Telegram's callback-data limit; every channel keeps to the strictest one."""


@dataclass(frozen=True)
class UserRef:
    """Who is talking, as the channel knows them."""

    channel: str
    chat_id: str
    language: str = "id"


@dataclass(frozen=True)
class Incoming:
    """One thing a user sent: exactly one of `text`, `action` (a button) or `media` is set.

    `media` names something that is not text (a sticker, photo, voice note...); Kawan only reads text.
    """

    user: UserRef
    text: str | None = None
    action: str | None = None
    media: str | None = None

    def __post_init__(self) -> None:
        if sum(value is not None for value in (self.text, self.action, self.media)) != 1:
            raise ValueError("Incoming needs exactly one of text, action or media")


@dataclass(frozen=True)
class Button:
    """A choice the user can press; `action` comes back as `Incoming.action`.

    `detail` is a longer description (a FAQ button's full question) for channels that show one under
    the label, such as a row of a WhatsApp list.
    """

    label: str
    action: str
    detail: str | None = None

    def __post_init__(self) -> None:
        if len(self.action.encode()) > MAX_ACTION_BYTES:
            raise ValueError(f"button action longer than {MAX_ACTION_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    """What Kawan says: plain text (channels escape it), rows of buttons, maybe an image file.

    `title` is shown emphasised above the text where the channel can; `replace` says the reply
    may take the place of the message whose button was pressed (menu navigation), instead of
    adding a new message to the chat. `notice` names an unprompted message (a reminder: "upload",
    "stats"); a channel that may only send pre-approved templates at that moment picks one by it.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    image: Path | None = None
    title: str | None = None
    replace: bool = False
    notice: str | None = None
    document: Path | None = None  # a file to send with the reply (the `/dataku` copy), after its text

    @property
    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


def rows(*buttons: Button, per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out `per_row` to a row (one per row reads best on a phone)."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass(frozen=True)
class Received:
    """A message as a webhook channel received it, recorded before it is answered (see bot/storage/whatsapp.py)."""

    message_id: str
    chat_id: str
    sent_at: datetime  # when the user sent it (UTC)
    payload: str  # the platform's JSON for this one message, to answer it after a restart


@dataclass(frozen=True)
class DeliveryRef:
    """Which reminder occurrence a delivery carries, so later receipts can update its record."""

    reminder_id: int
    occurrence: str


class Delivery(StrEnum):
    """What became of replies a channel was asked to deliver; the dispatcher records it."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # the user blocked the bot (or has no account there): not again until they write
    WINDOW_CLOSED = "window_closed"  # WhatsApp: outside the 24-hour window, and no approved template to use
    FAILED = "failed"  # refused for a reason on our side (a rejected token): recorded, not retried
