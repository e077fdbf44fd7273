"""A person Kawan talks to, as stored: one per channel and chat."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredUser:
    id: int
    channel: str
    chat_id: str
    language: str
    timezone: str
    created_at: str  # UTC, ISO 8601
    active: bool  # False once they blocked the bot; True again when they write
    pending_notice: str | None = None  # something to tell them the next time they write (e.g. "window_closed")
