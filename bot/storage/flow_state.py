"""The one open step of a multi-step flow per user: it survives restarts, and it expires."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.storage.connection import Connection

STATE_MAX_AGE = timedelta(minutes=30)  # an open step of a flow expires; its late answer is never saved


class FlowStateRepo:
    def __init__(self, db: Connection) -> None:
        self.db = db

    async def get(
        self, user_id: int, now: datetime, max_age: timedelta = STATE_MAX_AGE
    ) -> tuple[str, dict[str, Any]] | None:
        """The open step of a multi-step flow; a step left untouched longer than `max_age` has expired."""
        row = await self.db.fetch_one(
            "SELECT state, data, updated_at FROM conversation_state WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        if now - datetime.fromisoformat(str(row[2])) > max_age:
            await self.clear(user_id)
            return None
        return str(row[0]), dict(json.loads(row[1]))

    async def set(self, user_id: int, state: str, data: dict[str, Any], now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO conversation_state (user_id, state, data, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
                " updated_at = excluded.updated_at",
                (user_id, state, json.dumps(data), now.astimezone(UTC).isoformat(timespec="seconds")),
            )

    async def clear(self, user_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM conversation_state WHERE user_id = ?", (user_id,))
