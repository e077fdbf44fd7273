"""What every channel adapter is: it receives and sends, and decides nothing (handlers/ decides)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.channels.profile import ChannelProfile
from bot.messages import Delivery, DeliveryRef, Incoming, Reply
from bot.users import StoredUser

Handler = Callable[[Incoming], Awaitable[list[Reply]]]
"""The conversation: what to answer to one incoming message or button press."""
Unreachable = Callable[[str, str], Awaitable[None]]
"""Tell the app that (channel, chat_id) blocked the bot: no reminders until they write again."""
FirstTime = Callable[[str, str], Awaitable[bool]]
"""(message id, chat id): record an inbound message; False when it was seen before, by any process."""


class Channel(Protocol):
    name: str
    profile: ChannelProfile

    async def start(self) -> None:
        """Begin receiving (polling, a webhook route, standard input...)."""

    async def stop(self) -> None: ...

    async def deliver(self, user: StoredUser, replies: list[Reply], ref: DeliveryRef | None = None) -> Delivery:
        """Send what no incoming message asked for (reminders, announcements) and say what became of it.

        `ref` names the reminder occurrence, for channels whose receipts arrive later (WhatsApp).
        """
