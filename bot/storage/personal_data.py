"""Everything stored about one user, for `/dataku` (UU PDP's right to a copy).

`PERSONAL_TABLES` names every table with rows about a person and how they are found; a test checks
that every table in the schema is either here or in `NOT_PERSONAL` (counts with no user in them), so a
new table cannot be forgotten in the copy.
"""

from __future__ import annotations

from typing import Any

from bot.storage.connection import Connection

# table -> (the columns shown, the WHERE clause, what its placeholders stand for: user id, channel, chat id)
PERSONAL_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "users": (
        "channel, chat_id, language, timezone, created_at, weekly_target, shutterstock_media, last_active,"
        " announcements, active",
        "id = ?",
        ("user",),
    ),
    "reminders": ("kind, local_time, weekday, enabled, paused_until, next_due_utc", "user_id = ?", ("user",)),
    "deliveries": (
        "r.kind, d.occurrence, d.status, d.receipt, d.updated_at",
        "d.reminder_id IN (SELECT id FROM reminders WHERE user_id = ?)",
        ("user",),
    ),
    "uploads": ("local_date, count", "user_id = ?", ("user",)),
    "rest_days": ("local_date", "user_id = ?", ("user",)),
    "weekly_stats": (
        "week_start, platform, downloads, earnings_minor, currency, image_downloads, video_downloads",
        "user_id = ?",
        ("user",),
    ),
    "conversation_state": ("state, data, updated_at", "user_id = ?", ("user",)),
    "unanswered": ("question, outcome, created_at", "user_id = ?", ("user",)),
    "feedback": ("entry_id, helpful, created_at", "user_id = ?", ("user",)),
    "broadcast_recipients": ("broadcast_id, status, updated_at", "user_id = ?", ("user",)),
    "inbound_messages": (
        "message_id, sent_at, handled",
        "channel = ? AND chat_id = ? AND chat_id <> ''",
        ("channel", "chat"),
    ),
    "whatsapp_user_ids": ("bsuid", "? = 'whatsapp' AND chat_id = ?", ("channel", "chat")),
    "list_pages": ("created_at", "channel = ? AND chat_id = ?", ("channel", "chat")),
}
NOT_PERSONAL = frozenset(
    {"daily_active", "daily_questions", "daily_answers", "daily_deliveries", "broadcasts"}
)  # broadcasts: an announcement's text is the admins', and its author is a user id we do not show


async def personal_data(db: Connection, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the user, table by table (empty lists included, so "nothing" is visible)."""
    user = await db.fetch_one("SELECT channel, chat_id FROM users WHERE id = ?", (user_id,))
    names = {"user": user_id, "channel": user[0] if user else "", "chat": user[1] if user else ""}
    found: dict[str, list[dict[str, Any]]] = {}
    for table, (columns, where, params) in PERSONAL_TABLES.items():
        source = "deliveries d JOIN reminders r ON r.id = d.reminder_id" if table == "deliveries" else table
        rows = await db.fetch_all(f"SELECT {columns} FROM {source} WHERE {where}", [names[p] for p in params])
        found[table] = [dict(zip(row.keys(), tuple(row), strict=True)) for row in rows]
    return found
