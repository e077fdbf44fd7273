"""Numbered schema migrations; `PRAGMA user_version` records the last one applied."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: users
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'id',
        timezone TEXT NOT NULL,
        created_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        UNIQUE (channel, chat_id)
    );
    """,
    # 2: questions the FAQ could not answer confidently, and answer feedback
    """
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('suggest', 'decline')),
        created_at TEXT NOT NULL
    );
    CREATE INDEX unanswered_normalized ON unanswered (normalized);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        created_at TEXT NOT NULL
    );
    """,
)
