"""The terminal chat: lines in, replies out, buttons as numbered choices."""

from __future__ import annotations

import asyncio
import getpass
import logging
from typing import TextIO

from bot.channels.base import Handler
from bot.channels.profile import TERMINAL, Screen, fit
from bot.i18n import Translator
from bot.messages import Button, Delivery, DeliveryRef, Incoming, Reply, UserRef
from bot.users import StoredUser

log = logging.getLogger(__name__)
CHANNEL = "terminal"


def render(reply: Reply | Screen, first_number: int = 1) -> str:
    """Plain text with buttons listed as `[1] label`, numbered from `first_number`."""
    lines = [reply.title, "", reply.text] if reply.title else [reply.text]
    if reply.image is not None:
        lines.append(f"[gambar: {reply.image}]")
    if reply.document is not None:
        lines.append(f"[berkas: {reply.document}]")
    for offset, button in enumerate(reply.all_buttons):
        lines.append(f"  [{first_number + offset}] {button.label}")
    return "\n".join(lines)


class TerminalChat:
    """Reads one message per line until end of input; a number picks a button of the last reply."""

    name = CHANNEL
    profile = TERMINAL

    def __init__(self, handler: Handler, stdin: TextIO, stdout: TextIO, user: UserRef | None = None) -> None:
        self._handler = handler
        self._in = stdin
        self._out = stdout
        self._user = user or UserRef(CHANNEL, _local_user())
        self._choices: list[Button] = []
        self._interactive = stdin.isatty()

    async def run(self) -> None:
        t = Translator(self._user.language)
        self._write(t.gettext("Kawan is ready. Type a question, /start, or a button number. Ctrl+D to quit.") + "\n")
        while True:
            if self._interactive:
                self._out.write("> ")
                self._out.flush()
            line = await asyncio.to_thread(self._in.readline)
            if not line:
                return
            text = line.strip()
            if not text:
                continue
            await self.send(self._to_incoming(text))

    async def send(self, incoming: Incoming) -> None:
        try:
            replies = await self._handler(incoming)
        except Exception:
            log.exception("handler failed for terminal input")
            replies = [
                Reply(
                    Translator(self._user.language).gettext("Sorry, something went wrong on my side. Please try again.")
                )
            ]
        self.show(replies)

    async def start(self) -> None:
        """Nothing to open: `run` reads standard input."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def deliver(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef | None = None) -> Delivery:
        """Reminders: printed like any reply."""
        self.show(replies)
        return Delivery.SENT

    def show(self, replies: list[Reply]) -> None:
        """Print replies; their buttons become the numbered choices for the next line."""
        self._choices = []
        for reply in replies:
            for screen in fit(reply, TERMINAL):
                self._write(render(screen, len(self._choices) + 1) + "\n")
                self._choices.extend(screen.all_buttons)

    def _to_incoming(self, text: str) -> Incoming:
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            return Incoming(self._user, action=self._choices[int(text) - 1].action)
        return Incoming(self._user, text=text)

    def _write(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
