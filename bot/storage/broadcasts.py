"""Announcements (`/siaran`): one row per recipient, so sending is resumable and never repeats a delivered one.

A broadcast is created with every recipient `pending`. The dispatcher claims a batch (`sending`) in a
short transaction, sends outside it, and marks each result. A process killed mid-batch leaves some rows
`sending`: at the next start those are sent again (they may have arrived: only these can be doubled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.reminders.schedule import to_utc_text
from bot.storage.connection import Store
from bot.storage.users import user_from_row
from bot.users import StoredUser

RECIPIENTS = (  # a recipient with the announcement's text and their user row
    "SELECT b.broadcast_id, b.user_id, m.text, u.*, u.id AS u_id FROM broadcast_recipients b"
    " JOIN broadcasts m ON m.id = b.broadcast_id JOIN users u ON u.id = b.user_id"
)
STATUSES = ("pending", "sending", "sent", "failed", "unreachable", "window_closed", "skipped")


@dataclass(frozen=True)
class Recipient:
    broadcast_id: int
    user: StoredUser
    text: str


@dataclass(frozen=True)
class Progress:
    broadcast_id: int
    text: str
    created_at: str
    total: int
    counts: dict[str, int]  # status -> recipients

    @property
    def done(self) -> bool:
        return not (self.counts.get("pending") or self.counts.get("sending"))


class BroadcastRepo:
    def __init__(self, db: Store) -> None:
        self.db = db

    async def audience(self, channels: Iterable[str]) -> dict[str, int]:
        """Who would get an announcement now, per channel: active users who did not opt out."""
        names = list(channels)
        marks = ",".join("?" * len(names))
        rows = await self.db.fetch_all(
            f"SELECT channel, COUNT(*) FROM users WHERE active = 1 AND announcements = 1 AND channel IN ({marks})"
            " GROUP BY channel",
            names,
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def create(self, text: str, author: int | None, channels: Iterable[str], now: datetime) -> Progress:
        """A broadcast to everyone in the audience now; returns it with its recipients counted."""
        names = list(channels)
        marks = ",".join("?" * len(names))
        stamp = to_utc_text(now)
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO broadcasts (text, created_by, created_at, total) VALUES (?, ?, ?, 0) RETURNING id",
                (text, author, stamp),
            )
            assert row is not None
            broadcast_id = int(row[0])
            total = await tx.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_id, channel, status, updated_at)"
                f" SELECT ?, id, channel, 'pending', ? FROM users WHERE active = 1 AND announcements = 1"
                f" AND channel IN ({marks})",
                (broadcast_id, stamp, *names),
            )
            await tx.execute("UPDATE broadcasts SET total = ? WHERE id = ?", (total, broadcast_id))
        return Progress(broadcast_id, text, stamp, total, {"pending": total})

    async def claim(self, channel: str, limit: int, now: datetime) -> list[Recipient]:
        """The next pending recipients of one channel, marked `sending`.

        Someone who blocked the bot or opted out since the broadcast was written is `skipped` instead.
        """
        # PostgreSQL: rows another worker is claiming are skipped, not waited for or taken twice
        lock = " FOR UPDATE OF b SKIP LOCKED" if self.db.kind == "postgresql" else ""
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(
                f"{RECIPIENTS} WHERE b.channel = ? AND b.status = 'pending' LIMIT ?{lock}",  # the partial index
                (channel, limit),
            )
            stamp = to_utc_text(now)
            wanted = [r for r in rows if r["active"] and r["announcements"]]
            unwanted = [r for r in rows if not (r["active"] and r["announcements"])]
            await tx.executemany(
                "UPDATE broadcast_recipients SET status = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ?",
                [("sending", stamp, r[0], r[1]) for r in wanted] + [("skipped", stamp, r[0], r[1]) for r in unwanted],
            )
        return [Recipient(int(r[0]), user_from_row(r, "u_id"), str(r[2])) for r in wanted]

    async def in_flight(
        self, channel: str, claimed_before: datetime | None = None, now: datetime | None = None
    ) -> list[Recipient]:
        """Recipients left `sending` by a process that stopped mid-send.

        `claimed_before`: only those claimed before then (with several workers, a live one's are younger);
        they are taken over atomically (claim time renewed), so two workers never both take one.
        """
        now = now or datetime.now(UTC)  # the dispatcher's clock: claims are stamped with it too
        before = to_utc_text(claimed_before or now + timedelta(days=1))
        async with self.db.transaction() as tx:
            taken = await tx.fetch_all(
                "UPDATE broadcast_recipients SET updated_at = ? WHERE channel = ? AND status = 'sending'"
                " AND updated_at < ? RETURNING broadcast_id, user_id",
                (to_utc_text(now), channel, before),
            )
            rows = []
            for start in range(0, len(taken), 200):  # rare (after a crash), so a few small queries will do
                chunk = taken[start : start + 200]
                pairs = " OR ".join("(b.broadcast_id = ? AND b.user_id = ?)" for _ in chunk)
                rows += await tx.fetch_all(
                    f"{RECIPIENTS} WHERE {pairs}",
                    [value for row in chunk for value in (row[0], row[1])],
                )
        return [Recipient(int(r[0]), user_from_row(r, "u_id"), str(r[2])) for r in rows]

    async def renew(self, recipients: Iterable[tuple[int, int]], now: datetime) -> None:
        """(broadcast id, user id) still being sent by this worker: no one takes them over."""
        by_broadcast: dict[int, list[int]] = {}
        for broadcast_id, user_id in recipients:
            by_broadcast.setdefault(broadcast_id, []).append(user_id)
        async with self.db.transaction() as tx:
            for broadcast_id, users in by_broadcast.items():
                for start in range(0, len(users), 500):
                    chunk = users[start : start + 500]
                    await tx.execute(
                        "UPDATE broadcast_recipients SET updated_at = ? WHERE status = 'sending' AND broadcast_id = ?"
                        f" AND user_id IN ({','.join('?' * len(chunk))})",
                        (to_utc_text(now), broadcast_id, *chunk),
                    )

    async def mark(self, results: Iterable[tuple[int, int, str]], now: datetime) -> None:
        """(broadcast id, user id, status) for each recipient sent to."""
        stamp = to_utc_text(now)
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE broadcast_recipients SET status = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ?",
                [(status, stamp, b, u) for b, u, status in results],
            )

    async def progress(self, broadcast_id: int | None = None) -> Progress | None:
        """A broadcast's progress (the newest one by default)."""
        if broadcast_id is None:
            row = await self.db.fetch_one("SELECT id, text, created_at, total FROM broadcasts ORDER BY id DESC LIMIT 1")
        else:
            row = await self.db.fetch_one(
                "SELECT id, text, created_at, total FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
        if row is None:
            return None
        counts = await self.db.fetch_all(
            "SELECT status, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status", (row[0],)
        )
        return Progress(int(row[0]), str(row[1]), str(row[2]), int(row[3]), {str(c[0]): int(c[1]) for c in counts})
