"""The composition root: services, the conversation, the reminder dispatchers and the channels, built once.

`kawan run` and `kawan chat` both open a `Kawan` with the channels they need; adapters only receive
and send. Each channel gets its own reminder dispatcher (it delivers only that channel's users), all
driven by one timer, and every delivery's outcome is recorded and acted on here. Webhook channels add
their routes to the one HTTP listener the app owns.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TextIO

from bot import user_files
from bot.announcements.dispatcher import AnnouncementDispatcher
from bot.announcements.dispatcher import Deliver as AnnouncementDeliver
from bot.channels.base import Channel
from bot.channels.http import WebhookServer
from bot.config import Settings
from bot.dashboard.web import Dashboard
from bot.faq.engine import FaqEngine
from bot.messages import Delivery, DeliveryRef, Incoming, Reply
from bot.reminders.dispatcher import Deliver, ReminderDispatcher, due_again
from bot.reminders.runner import TICK_SECONDS, Dispatcher, Job, ReminderRunner
from bot.services import Services, open_services
from bot.storage.retention import apply_retention
from bot.users import StoredUser
from handlers import Conversation
from handlers.admin import CHANNELS as ANNOUNCED
from handlers.admin import compose_announcement
from handlers.commands import command_descriptions
from handlers.reminders import compose as compose_reminder

log = logging.getLogger(__name__)
USAGE_FLUSH_SECONDS = 10.0
RETENTION_SECONDS = 24 * 3600.0  # the retention sweep runs daily, the first time a minute after start
ChannelFactory = Callable[["Kawan"], Channel]


class Kawan:
    """One process's bot: open with `await Kawan.open(...)`, then `serve()` (or `start()`/`stop()`)."""

    def __init__(self, services: Services, owns_services: bool) -> None:
        self.services = services
        self._owns_services = owns_services
        self.conversation = Conversation(services)
        self.channels: dict[str, Channel] = {}
        self.dispatchers: dict[str, ReminderDispatcher] = {}
        self.announcers: dict[str, AnnouncementDispatcher] = {}
        self.runner: ReminderRunner | None = None
        self.webhooks = WebhookServer(services.settings.webhook_listen, services.settings.webhook_port)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        engine: FaqEngine,
        channels: list[ChannelFactory],
        *,
        services: Services | None = None,
        reminders: bool = True,
        dashboard: bool = False,
    ) -> Kawan:
        kawan = cls(services or await open_services(settings, engine), owns_services=services is None)
        if dashboard:
            kawan.attach_dashboard()
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
                    takeover_after=kawan.takeover_after,
                )
            if reminders and channel.name in ANNOUNCED:  # the terminal is the operator's own seat
                kawan.announcers[channel.name] = AnnouncementDispatcher(
                    kawan.services.broadcasts,
                    channel.name,
                    kawan._announcer(channel),
                    compose_announcement,
                    lambda: kawan.services.clock(),
                    takeover_after=kawan.takeover_after,
                )
        return kawan

    @property
    def takeover_after(self) -> timedelta | None:
        """On PostgreSQL several workers may share the work: a claim this old was left by a dead one.

        On SQLite this is the only process, so what is left `sending` at start is taken over at once.
        """
        if self.services.db.kind != "postgresql":
            return None
        return timedelta(seconds=self.services.settings.claim_takeover)

    def attach_dashboard(self) -> None:
        """The web dashboard at `/admin` on the shared listener, when `KAWAN_DASHBOARD_TOKEN` is set."""
        services = self.services
        token = services.settings.dashboard_token
        if token is None:
            return
        Dashboard(services.db, lambda: services.content, token, lambda: services.clock()).attach(
            self.webhooks.add_route
        )
        log.info("dashboard at /admin on the webhook listener")

    # --- what channels call back ---------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The conversation, looked up at call time (tests replace it on a running app).

        Within a process each channel hands over one chat's messages in order; with several workers the
        database also keeps two workers from handling one chat at the same time.
        """
        async with self.services.db.chat_turn(incoming.user.channel, incoming.user.chat_id):
            return await self.conversation.handle(incoming)

    async def unreachable(self, channel: str, chat_id: str) -> None:
        """The user blocked the bot: no reminders until they write again."""
        await self.services.users.set_active_by_chat(channel, chat_id, False)

    def commands(self) -> list[tuple[str, str]]:
        return command_descriptions("id")

    def _deliverer(self, channel: Channel) -> Deliver:
        async def deliver(user: StoredUser, replies: list[Reply], ref: DeliveryRef) -> Delivery:
            outcome = await channel.deliver(user, replies, ref)
            await self._after_delivery(user, outcome)
            return outcome

        return deliver

    def _announcer(self, channel: Channel) -> AnnouncementDeliver:
        async def deliver(user: StoredUser, replies: list[Reply]) -> Delivery:
            outcome = await channel.deliver(user, replies)
            if outcome is Delivery.UNREACHABLE:
                await self.services.users.set_active(user.id, False)
            return outcome  # outside WhatsApp's window an announcement simply does not go: no note owed

        return deliver

    async def _after_delivery(self, user: StoredUser, outcome: Delivery) -> None:
        if outcome is Delivery.UNREACHABLE:
            await self.services.users.set_active(user.id, False)
        elif outcome is Delivery.WINDOW_CLOSED:
            await self.services.users.set_notice(user.id, "window_closed")  # told once, when they next write

    async def bounced(self, channel: str, ref: DeliveryRef) -> None:
        """A reminder the platform accepted, then failed for the closed window: the template path, recorded."""
        from bot.channels.whatsapp import WhatsAppChannel

        whatsapp = self.channels.get(channel)
        found = await self.services.reminders.delivery(ref)
        if not isinstance(whatsapp, WhatsAppChannel) or found is None:
            return
        reminder, user, due_utc = found
        replies = [compose_reminder(due_again(reminder, user, ref.occurrence, due_utc))]
        outcome = await whatsapp.deliver_outside_window(user, replies, ref)
        await self.services.reminders.mark([(ref.reminder_id, ref.occurrence, str(outcome))])
        await self._after_delivery(user, outcome)

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        for channel in self.channels.values():
            await channel.start()
        if self.webhooks.has_routes:
            await self.webhooks.start()
        dispatchers: list[Dispatcher] = list(self.dispatchers.values())
        self.runner = ReminderRunner(dispatchers, jobs=self._jobs())
        await self.runner.start()

    def _jobs(self) -> tuple[Job, ...]:
        services = self.services
        settings = services.settings

        async def retention() -> None:
            swept = await apply_retention(
                services.db,
                services.clock(),
                timedelta(days=settings.retention_days),
                timedelta(days=settings.records_days),
            )
            files = user_files.sweep(settings.cache_dir)  # charts and copies older than a day
            await services.telegram_updates.prune(services.clock() - timedelta(days=2))  # Telegram retries for a day
            log.info("retention: %s, %d old user files removed", swept, files)

        # Each channel's announcements on a timer of their own: a broadcast to everyone takes minutes at
        # the platform's rate, and reminders keep going meanwhile (the channel's limiter serves both).
        announcing = tuple(
            Job(f"announcements ({name})", TICK_SECONDS, _recovered_first(announcer), first_after=0.5)
            for name, announcer in self.announcers.items()
        )
        return (
            Job("usage counts", USAGE_FLUSH_SECONDS, services.usage.flush),
            Job("retention", RETENTION_SECONDS, retention, first_after=60),
            *announcing,
        )

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        await self.webhooks.stop()
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


def _recovered_first(announcer: AnnouncementDispatcher) -> Callable[[], Awaitable[object]]:
    """The announcer's timer job: the first run sends again what a stopped process left mid-send."""
    recovered = False

    async def run() -> object:
        nonlocal recovered
        if not recovered:
            await announcer.recover()
            recovered = True
        return await announcer.tick()

    return run


def telegram_channel(kawan: Kawan, **options: object) -> Channel:
    """The Telegram adapter wired to this app (options: rate_limit, connections, poll_timeout)."""
    from bot.channels.telegram import TelegramChannel

    settings = kawan.services.settings
    updates = kawan.services.telegram_updates

    async def first_time(update_id: str, chat_id: str) -> bool:
        return await updates.first_time(update_id, chat_id, kawan.services.clock())

    return TelegramChannel(
        settings.require_telegram(),
        kawan.handle,
        kawan.unreachable,
        kawan.commands(),
        webhooks=kawan.webhooks,
        first_time=first_time,
        **options,  # type: ignore[arg-type]
    )


def whatsapp_channel(kawan: Kawan, **options: object) -> Channel:
    """The WhatsApp adapter wired to this app, its webhook on the shared listener (options: connections)."""
    from bot.channels.whatsapp import CHANNEL, WhatsAppChannel

    settings = kawan.services.settings
    assert settings.whatsapp is not None, "WhatsApp is not configured"

    async def bounced(ref: DeliveryRef) -> None:
        await kawan.bounced(CHANNEL, ref)

    channel = WhatsAppChannel(
        settings.whatsapp,
        kawan.handle,
        kawan.unreachable,
        kawan.services.whatsapp,
        bounced,
        kawan.webhooks,
        clock=lambda: kawan.services.clock(),
        **options,  # type: ignore[arg-type]
    )
    channel.takeover_after = kawan.takeover_after
    return channel


def terminal_channel(stdin: TextIO, stdout: TextIO) -> ChannelFactory:
    def make(kawan: Kawan) -> Channel:
        from bot.channels.terminal import TerminalChat

        return TerminalChat(kawan.handle, stdin, stdout)

    return make
