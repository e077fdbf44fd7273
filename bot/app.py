"""The composition root: services, the conversation, the reminder dispatchers and the channels, built once.

`kawan run` and `kawan chat` both open a `Kawan` with the channels they need; adapters only receive
and send. Each channel gets its own reminder dispatcher (it delivers only that channel's users), all
driven by one timer, and every delivery's outcome is recorded and acted on here.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import TextIO

from bot.channels.base import Channel
from bot.config import Settings
from bot.faq.engine import FaqEngine
from bot.messages import Delivery, Incoming, Reply
from bot.reminders.dispatcher import Deliver, ReminderDispatcher
from bot.reminders.runner import ReminderRunner
from bot.services import Services, open_services
from bot.users import StoredUser
from handlers import Conversation
from handlers.commands import command_descriptions
from handlers.reminders import compose as compose_reminder

log = logging.getLogger(__name__)
ChannelFactory = Callable[["Kawan"], Channel]


class Kawan:
    """One process's bot: open with `await Kawan.open(...)`, then `serve()` (or `start()`/`stop()`)."""

    def __init__(self, services: Services, owns_services: bool) -> None:
        self.services = services
        self._owns_services = owns_services
        self.conversation = Conversation(services)
        self.channels: dict[str, Channel] = {}
        self.dispatchers: dict[str, ReminderDispatcher] = {}
        self.runner: ReminderRunner | None = None

    @classmethod
    async def open(
        cls,
        settings: Settings,
        engine: FaqEngine,
        channels: list[ChannelFactory],
        *,
        services: Services | None = None,
        reminders: bool = True,
    ) -> Kawan:
        kawan = cls(services or await open_services(settings, engine), owns_services=services is None)
        for make in channels:
            channel = make(kawan)
            kawan.channels[channel.name] = channel
            if reminders:
                kawan.dispatchers[channel.name] = ReminderDispatcher(
                    kawan.services.reminders,
                    channel.name,
                    kawan._deliverer(channel),
                    compose_reminder,
                    lambda: kawan.services.clock(),
                )
        return kawan

    # --- what channels call back ---------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The conversation, looked up at call time (tests replace it on a running app)."""
        return await self.conversation.handle(incoming)

    async def unreachable(self, channel: str, chat_id: str) -> None:
        """The user blocked the bot: no reminders until they write again."""
        await self.services.users.set_active_by_chat(channel, chat_id, False)

    def commands(self) -> list[tuple[str, str]]:
        return command_descriptions("id")

    def _deliverer(self, channel: Channel) -> Deliver:
        async def deliver(user: StoredUser, replies: list[Reply]) -> Delivery:
            outcome = await channel.deliver(user, replies)
            if outcome is Delivery.UNREACHABLE:
                await self.services.users.set_active(user.id, False)
            return outcome

        return deliver

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        for channel in self.channels.values():
            await channel.start()
        if self.dispatchers:
            self.runner = ReminderRunner(list(self.dispatchers.values()))
            await self.runner.start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        for channel in self.channels.values():
            try:
                await channel.stop()
            except Exception:
                log.exception("channel %s did not stop cleanly", channel.name)
        if self._owns_services:
            await self.services.close()

    async def serve(self) -> None:
        """Run until SIGTERM or SIGINT, then stop cleanly."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await self.start()
        log.info("Kawan is running: %s", ", ".join(self.channels))
        try:
            await stopping.wait()
        finally:
            log.info("stopping")
            await self.stop()


def telegram_channel(kawan: Kawan, **options: object) -> Channel:
    """The Telegram adapter wired to this app (options: rate_limit, connections)."""
    from bot.channels.telegram import TelegramChannel

    settings = kawan.services.settings
    listener = (settings.webhook_listen, settings.webhook_port)
    return TelegramChannel(
        settings.require_telegram(),
        kawan.handle,
        kawan.unreachable,
        kawan.commands(),
        listener=listener,
        **options,  # type: ignore[arg-type]
    )


def terminal_channel(stdin: TextIO, stdout: TextIO) -> ChannelFactory:
    def make(kawan: Kawan) -> Channel:
        from bot.channels.terminal import TerminalChat

        return TerminalChat(kawan.handle, stdin, stdout)

    return make
