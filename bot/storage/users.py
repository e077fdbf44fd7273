"""Users: who Kawan talks to, their time zone, weekly target and what they sell on Shutterstock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.storage.connection import Connection
from bot.users import StoredUser


class UserRepo:
    def __init__(self, db: Connection) -> None:
        self.db = db

    async def ensure(
        self, channel: str, chat_id: str, timezone: str, language: str = "id", now: datetime | None = None
    ) -> StoredUser:
        """The stored user for this chat, created on first contact (at `now`, the service clock)."""
        user, _new = await self.arrive(channel, chat_id, timezone, language, now)
        return user

    async def arrive(
        self, channel: str, chat_id: str, timezone: str, language: str = "id", now: datetime | None = None
    ) -> tuple[StoredUser, bool]:
        """Like `ensure`, and whether this message is the first Kawan ever got from them."""
        existing = await self.get(channel, chat_id)
        if existing is not None:
            return existing, False  # the common case costs one read, no write
        created = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        async with self.db.transaction() as tx:
            new = await tx.execute(
                "INSERT INTO users (channel, chat_id, language, timezone, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, chat_id) DO NOTHING",
                (channel, chat_id, language, timezone, created),
            )
        user = await self.get(channel, chat_id)
        assert user is not None
        return user, new > 0

    async def set_announcements(self, user_id: int, wanted: bool) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET announcements = ? WHERE id = ?", (int(wanted), user_id))

    async def wants_announcements(self, user_id: int) -> bool:
        row = await self.db.fetch_one("SELECT announcements FROM users WHERE id = ?", (user_id,))
        return bool(row[0]) if row else False

    async def set_notice(self, user_id: int, notice: str | None) -> None:
        """Something to tell the user the next time they write (None: told)."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET pending_notice = ? WHERE id = ?", (notice, user_id))

    async def get(self, channel: str, chat_id: str) -> StoredUser | None:
        row = await self.db.fetch_one("SELECT * FROM users WHERE channel = ? AND chat_id = ?", (channel, chat_id))
        return user_from_row(row) if row else None

    async def set_active(self, user_id: int, active: bool) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))

    async def set_active_by_chat(self, channel: str, chat_id: str, active: bool) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET active = ? WHERE channel = ? AND chat_id = ?", (int(active), channel, chat_id)
            )

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET timezone = ? WHERE id = ?", (timezone, user_id))

    async def delete(self, user_id: int) -> bool:
        """Delete everything stored about one user.

        Rows keyed by user go by ON DELETE CASCADE; rows keyed by their chat lose the link to them. Inbound
        message ids stay, without chat or text, so a message Meta delivers again is still not handled twice.
        """
        async with self.db.transaction() as tx:
            row = await tx.fetch_one("SELECT channel, chat_id FROM users WHERE id = ?", (user_id,))
            if row is None:
                return False
            chat = (row["channel"], row["chat_id"])
            await tx.execute(
                "UPDATE inbound_messages SET chat_id = '', payload = NULL WHERE channel = ? AND chat_id = ?", chat
            )
            await tx.execute("DELETE FROM list_pages WHERE channel = ? AND chat_id = ?", chat)
            if chat[0] == "whatsapp":
                await tx.execute("DELETE FROM whatsapp_user_ids WHERE chat_id = ?", (chat[1],))
            return await tx.execute("DELETE FROM users WHERE id = ?", (user_id,)) > 0

    async def set_weekly_target(self, user_id: int, days: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET weekly_target = ? WHERE id = ?", (days, user_id))

    async def weekly_target(self, user_id: int) -> int:
        row = await self.db.fetch_one("SELECT weekly_target FROM users WHERE id = ?", (user_id,))
        return int(row[0]) if row else 5

    async def shutterstock_media(self, user_id: int) -> str | None:
        """What the user sells on Shutterstock: 'image', 'video', 'both', or None when never asked."""
        row = await self.db.fetch_one("SELECT shutterstock_media FROM users WHERE id = ?", (user_id,))
        return str(row[0]) if row and row[0] else None

    async def set_shutterstock_media(self, user_id: int, media: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET shutterstock_media = ? WHERE id = ?", (media, user_id))


def user_from_row(row: Any, id_column: str = "id") -> StoredUser:
    return StoredUser(
        id=row[id_column],
        channel=row["channel"],
        chat_id=row["chat_id"],
        language=row["language"],
        timezone=row["timezone"],
        created_at=row["created_at"],
        active=bool(row["active"]),
        pending_notice=row["pending_notice"] if "pending_notice" in row.keys() else None,  # noqa: SIM118
    )
