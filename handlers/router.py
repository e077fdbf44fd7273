"""Dispatch an incoming message or button press to the handler that answers it."""

from __future__ import annotations

import logging
import unicodedata

from bot.i18n import Translator
from bot.messages import Incoming, Reply
from bot.services import Services
from handlers import account, admin, commands, faq, privacy, reminders, start, stats, steps
from handlers.context import Turn

log = logging.getLogger(__name__)


def clean_text(text: str) -> str:
    """Remove zero-width and other invisible format characters (they break commands and numbers)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def parse_command(text: str) -> tuple[str, str] | None:
    """`/tanya@KawanBot apa itu npwp` -> ("tanya", "apa itu npwp"); None for plain text."""
    text = text.strip()
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name.isascii() and name.isalnum() else None


def _command(text: str) -> tuple[str, str] | None:
    """A command typed with a slash (`/upload 3`) or, where there is no command menu, as words (`upload 3`)."""
    return parse_command(text) or commands.word_command(text)


class Conversation:
    """The one brain every channel talks to."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, incoming: Incoming) -> list[Reply]:
        services = self.services
        user, first_contact = await services.users.arrive(
            incoming.user.channel,
            incoming.user.chat_id,
            services.settings.default_tz,
            incoming.user.language,
            services.clock(),
        )
        if not user.active:
            await services.users.set_active(user.id, True)
        services.usage.active(services.clock(), user.id)
        turn = Turn(services, incoming, user, Translator(user.language))
        replies = await self._reply(turn, first_contact)
        if user.pending_notice is not None:
            await services.users.set_notice(user.id, None)  # said once
            replies = [*start.notice(turn, user.pending_notice), *replies]
        return replies

    async def _reply(self, turn: Turn, first_contact: bool) -> list[Reply]:
        incoming = turn.incoming
        if incoming.action is not None:
            await steps.leave_unless_owned(turn, incoming.action)  # another button closes an open step
            return await self._action(turn, incoming.action)
        if incoming.media is not None:
            return [*start.start(turn), *start.media(turn)] if first_contact else start.media(turn)
        text = clean_text(incoming.text or "")
        if first_contact and _command(text) not in (("start", ""), ("bantuan", "")):
            # Someone new who opens with a question (WhatsApp has no Start button) gets the welcome and,
            # unless they only said hello, the answer too.
            if self.services.engine.match(text).outcome == "smalltalk":
                return start.start(turn)
            return [*start.start(turn), *await self._text(turn, text)]
        return await self._text(turn, text)

    async def _text(self, turn: Turn, text: str) -> list[Reply]:
        command = _command(text)
        if command is None:
            result = await steps.continue_step(turn, text)
            if result is not None and result.replies is not None:
                return result.replies
            replies = await faq.ask(turn, text)
            if result is not None and result.reminder is not None:
                replies.append(result.reminder)  # answered as usual, with the open step in one line
            return replies
        await steps.close_step(turn)  # a command leaves any half-done flow
        name, args = command
        found = commands.find(name)
        if found is None:
            return [Reply(turn._("I don't know that command. Send /bantuan to see what I can do."))]
        return await found.run(turn, args)

    async def _action(self, turn: Turn, action: str) -> list[Reply]:
        kind, _, arg = action.partition(":")
        if kind == "menu":
            return faq.menu(turn)
        if kind == "help":
            return commands.help_(turn)
        if kind == "cat":
            return faq.category(turn, arg)
        if kind == "faq":
            return faq.answer(turn, arg)
        if kind == "fb":
            entry_id, _, vote = arg.rpartition(":")
            return await faq.feedback(turn, entry_id, vote == "1")
        if kind == "del":
            return await account.delete(turn, arg == "yes")
        if kind == "rem":
            return await reminders.action(turn, arg)
        if kind == "up":
            if arg == "fixcancel":
                return await reminders.cancel_fix(turn)
            return await reminders.upload_action(turn, arg)
        if kind == "none":
            return await faq.none_of_these(turn, arg)
        if kind == "streak":
            return await reminders.streak(turn)
        if kind == "tgt":
            return await reminders.target_action(turn, arg)
        if kind == "st":
            return await stats.action(turn, arg)
        if kind == "zona":
            return await reminders.zone(turn, arg)
        if kind == "data":
            return await privacy.my_data(turn) if arg == "copy" else account.confirm_delete(turn)
        if kind == "ann":
            return await privacy.announcements(turn, arg == "on")
        if kind == "siaran":
            return await admin.action(turn, arg)
        log.info("unknown button action %r", action)
        return [Reply(turn._("That button is out of date. Send /menu to start again."))]
