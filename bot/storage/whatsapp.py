"""What the WhatsApp channel needs kept: inbound messages (once each, and the window they open),
business-scoped ids, receipts of reminder messages, and the later pages of long lists.

The channel sees this through its `WhatsAppStore` protocol (bot/channels/whatsapp.py); the composition
root hands it this repository. Inbound rows are generic (a `channel` column) so another webhook channel
can use the same once-only inbox.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from bot.messages import Button, DeliveryRef, Received
from bot.reminders.schedule import from_utc_text, to_utc_text
from bot.storage.connection import Connection

CHANNEL = "whatsapp"
_RECEIPT_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}  # out-of-order receipts never go back


class WhatsAppRepo:
    def __init__(self, db: Connection, channel: str = CHANNEL) -> None:
        self.db = db
        self.channel = channel

    # --- inbound messages -----------------------------------------------------------------

    async def accept(self, records: list[Received]) -> list[Received]:
        """Record messages before answering them; returns those never seen before (a redelivery is not)."""
        insert = (
            "INSERT INTO inbound_messages (channel, message_id, chat_id, sent_at, payload)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, message_id) DO NOTHING"
        )

        def row(record: Received) -> tuple[str, str, str, str, str]:
            return (self.channel, record.message_id, record.chat_id, to_utc_text(record.sent_at), record.payload)

        if not records:
            return []
        if len(records) == 1:  # the usual webhook: one statement, its own transaction
            return records if await self.db.write(insert, row(records[0])) else []
        new = []
        async with self.db.transaction() as tx:
            for record in records:
                if await tx.execute(insert, row(record)):
                    new.append(record)
        return new

    async def first_time(self, message_id: str, chat_id: str, now: datetime) -> bool:
        """Record an update handled straight away (Telegram's webhook); False when any worker already had it."""
        return bool(
            await self.db.write(
                "INSERT INTO inbound_messages (channel, message_id, chat_id, sent_at, handled) VALUES (?, ?, ?, ?, 1)"
                " ON CONFLICT (channel, message_id) DO NOTHING",
                (self.channel, message_id, chat_id, to_utc_text(now)),
            )
        )

    async def handled(self, message_id: str) -> None:
        """The message was answered: its text is no longer kept."""
        await self.db.write(
            "UPDATE inbound_messages SET handled = 1, payload = NULL WHERE channel = ? AND message_id = ?",
            (self.channel, message_id),
        )

    async def unhandled(self, since: datetime, before: datetime | None = None) -> list[Received]:
        """Messages recorded but never answered (a process stopped mid-answer), sent after `since`, oldest first.

        They are taken atomically (marked 2, "being answered again"), so two workers starting together
        never both answer one; `before` leaves younger messages to the live worker that may be answering.
        """
        until = to_utc_text(before) if before is not None else "9999"
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE inbound_messages SET handled = 2 WHERE channel = ? AND handled = 0 AND sent_at >= ?"
                " AND sent_at < ? AND payload IS NOT NULL RETURNING message_id, chat_id, sent_at, payload",
                (self.channel, to_utc_text(since), until),
            )
        records = [Received(r[0], r[1], from_utc_text(r[2]), r[3]) for r in rows]
        return sorted(records, key=lambda r: (r.sent_at, r.message_id))

    async def give_up_before(self, before: datetime) -> int:
        """Unanswered messages older than `before` are too stale to answer now: mark them handled."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE inbound_messages SET handled = 1, payload = NULL"
                " WHERE channel = ? AND handled = 0 AND sent_at < ?",
                (self.channel, to_utc_text(before)),
            )

    async def last_inbound(self, chat_id: str) -> datetime | None:
        """When the user last wrote: WhatsApp's 24-hour window runs from there."""
        row = await self.db.fetch_one(
            "SELECT MAX(sent_at) FROM inbound_messages WHERE channel = ? AND chat_id = ?", (self.channel, chat_id)
        )
        return from_utc_text(row[0]) if row and row[0] else None

    async def prune(self, before: datetime) -> int:
        """Forget handled message ids older than `before` (Meta stops redelivering long before)."""
        async with self.db.transaction() as tx:
            removed = await tx.execute(
                "DELETE FROM inbound_messages WHERE channel = ? AND handled = 1 AND sent_at < ?",
                (self.channel, to_utc_text(before)),
            )
            removed += await tx.execute(
                "DELETE FROM list_pages WHERE channel = ? AND created_at < ?", (self.channel, to_utc_text(before))
            )
            return removed

    # --- who is who -------------------------------------------------------------------------

    async def remember_user_id(self, bsuid: str, chat_id: str) -> None:
        """A business-scoped user id seen together with the chat (phone-based wa_id) it belongs to."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO whatsapp_user_ids (bsuid, chat_id) VALUES (?, ?)"
                " ON CONFLICT (bsuid) DO UPDATE SET chat_id = excluded.chat_id"
                " WHERE whatsapp_user_ids.chat_id <> excluded.chat_id",
                (bsuid, chat_id),
            )

    async def chat_for_user_id(self, bsuid: str) -> str | None:
        row = await self.db.fetch_one("SELECT chat_id FROM whatsapp_user_ids WHERE bsuid = ?", (bsuid,))
        return str(row[0]) if row else None

    # --- reminder messages and their receipts ------------------------------------------------

    async def sent(self, sent: list[tuple[DeliveryRef, str]]) -> None:
        """The platform accepted these reminder occurrences' messages, under these message ids."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE deliveries SET message_id = ?, receipt = 'sent' WHERE reminder_id = ? AND occurrence = ?",
                [(message_id, ref.reminder_id, ref.occurrence) for ref, message_id in sent],
            )

    async def receipt(self, message_id: str, status: str) -> DeliveryRef | None:
        """A status webhook for one of our messages; returns the reminder occurrence it carried, if any.

        Receipts arrive out of order: a "delivered" after a "read" changes nothing.
        """
        rank = _RECEIPT_RANK.get(status)
        if rank is None:
            return None
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT reminder_id, occurrence, receipt FROM deliveries WHERE message_id = ?", (message_id,)
            )
            if row is None:
                return None
            if rank > _RECEIPT_RANK.get(row["receipt"] or "", 0):
                await tx.execute("UPDATE deliveries SET receipt = ? WHERE message_id = ?", (status, message_id))
            return DeliveryRef(int(row["reminder_id"]), str(row["occurrence"]))

    # --- long lists --------------------------------------------------------------------------

    async def save_page(self, chat_id: str, buttons: tuple[Button, ...], now: datetime) -> str:
        """Keep the rest of a long list for its "more" row; returns the token the row carries."""
        token = secrets.token_hex(6)
        data = json.dumps([[b.label, b.action, b.detail] for b in buttons], ensure_ascii=False)
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO list_pages (token, channel, chat_id, buttons, created_at) VALUES (?, ?, ?, ?, ?)",
                (token, self.channel, chat_id, data, to_utc_text(now)),
            )
        return token

    async def load_page(self, chat_id: str, token: str) -> tuple[Button, ...] | None:
        """The buttons kept under `token` for this chat (None when unknown, another chat's, or pruned)."""
        row = await self.db.fetch_one(
            "SELECT buttons FROM list_pages WHERE token = ? AND channel = ? AND chat_id = ?",
            (token, self.channel, chat_id),
        )
        if row is None:
            return None
        return tuple(Button(label, action, detail) for label, action, detail in json.loads(row[0]))


KEEP_INBOUND = timedelta(days=14)  # Meta redelivers for days; two weeks of ids is a wide margin
