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
    # 3: reminders with their delivery log, upload streaks, weekly statistics, conversation state
    """
    ALTER TABLE users ADD COLUMN weekly_target INTEGER NOT NULL DEFAULT 5;
    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('upload', 'stats')),
        local_time TEXT NOT NULL,
        weekday INTEGER CHECK (weekday BETWEEN 0 AND 6),
        enabled INTEGER NOT NULL DEFAULT 1,
        paused_until TEXT,
        next_due_utc TEXT,
        next_local_date TEXT,
        snooze_due_utc TEXT,
        snooze_local_date TEXT,
        UNIQUE (user_id, kind)
    );
    CREATE INDEX reminders_next_due ON reminders (next_due_utc) WHERE next_due_utc IS NOT NULL;
    CREATE INDEX reminders_snooze_due ON reminders (snooze_due_utc) WHERE snooze_due_utc IS NOT NULL;
    CREATE TABLE deliveries (
        reminder_id INTEGER NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
        occurrence TEXT NOT NULL,
        due_utc TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (reminder_id, occurrence)
    );
    CREATE INDEX deliveries_sending ON deliveries (status) WHERE status = 'sending';
    CREATE TABLE uploads (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (user_id, local_date)
    );
    CREATE TABLE rest_days (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        PRIMARY KEY (user_id, local_date)
    );
    CREATE TABLE weekly_stats (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        week_start TEXT NOT NULL,
        platform TEXT NOT NULL CHECK (platform IN ('shutterstock', 'adobestock', 'freepik', 'other')),
        downloads INTEGER NOT NULL CHECK (downloads >= 0),
        earnings_cents INTEGER NOT NULL CHECK (earnings_cents >= 0),
        PRIMARY KEY (user_id, week_start, platform)
    );
    CREATE TABLE conversation_state (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # 4: what a user sells on Shutterstock (its images and videos climb separate level tables), and a
    # week's Shutterstock downloads split by media type (NULL where the user was never asked: older rows)
    """
    ALTER TABLE users ADD COLUMN shutterstock_media TEXT CHECK (shutterstock_media IN ('image', 'video', 'both'));
    ALTER TABLE weekly_stats ADD COLUMN image_downloads INTEGER CHECK (image_downloads >= 0);
    ALTER TABLE weekly_stats ADD COLUMN video_downloads INTEGER CHECK (video_downloads >= 0);
    """,
    # 5: earnings keep the currency they were typed in (rupiah stays rupiah), in minor units
    """
    ALTER TABLE weekly_stats RENAME COLUMN earnings_cents TO earnings_minor;
    ALTER TABLE weekly_stats ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'IDR'));
    """,
    # 6: "Bukan semuanya": a question whose suggestions the user rejected is a gap of its own kind
    """
    CREATE TABLE unanswered_new (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('suggest', 'decline', 'rejected')),
        created_at TEXT NOT NULL
    );
    INSERT INTO unanswered_new SELECT id, user_id, question, normalized, outcome, created_at FROM unanswered;
    DROP TABLE unanswered;
    ALTER TABLE unanswered_new RENAME TO unanswered;
    CREATE INDEX unanswered_normalized ON unanswered (normalized);
    """,
    # 7: a delivery records what became of it: sent, unreachable (blocked), or outside WhatsApp's window
    """
    CREATE TABLE deliveries_new (
        reminder_id INTEGER NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
        occurrence TEXT NOT NULL,
        due_utc TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('sending', 'sent', 'skipped', 'failed', 'unreachable', 'window_closed')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (reminder_id, occurrence)
    );
    INSERT INTO deliveries_new SELECT reminder_id, occurrence, due_utc, status, updated_at FROM deliveries;
    DROP TABLE deliveries;
    ALTER TABLE deliveries_new RENAME TO deliveries;
    CREATE INDEX deliveries_sending ON deliveries (status) WHERE status = 'sending';
    """,
    # 8: WhatsApp. Inbound messages are recorded before they are answered: each id is handled once, a crash
    # mid-answer is finished at the next start, and the newest one per chat tells whether the 24-hour window
    # is open. Reminder deliveries keep the platform's message id and its receipts. A business-scoped user
    # id maps to the chat it belongs to; long lists keep their later pages; a user may be owed a note.
    """
    ALTER TABLE users ADD COLUMN pending_notice TEXT;
    ALTER TABLE deliveries ADD COLUMN message_id TEXT;
    ALTER TABLE deliveries ADD COLUMN receipt TEXT CHECK (receipt IN ('sent', 'delivered', 'read', 'failed'));
    CREATE INDEX deliveries_message ON deliveries (message_id) WHERE message_id IS NOT NULL;
    CREATE TABLE inbound_messages (
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        payload TEXT,
        handled INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel, message_id)
    );
    CREATE INDEX inbound_by_chat ON inbound_messages (channel, chat_id, sent_at);
    CREATE INDEX inbound_unhandled ON inbound_messages (channel) WHERE handled = 0;
    CREATE TABLE whatsapp_user_ids (
        bsuid TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL
    );
    CREATE TABLE list_pages (
        token TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        buttons TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 9: running Kawan. When each user was last active and whether they want announcements; counts per day
    # (active users, questions by outcome, answers per entry, reminder deliveries by outcome) so the admin
    # views never scan raw rows and keep no question text; broadcasts with one row per recipient, so a
    # broadcast resumes after a restart; indexes for the retention sweep and covering indexes for the
    # dashboard's period counts (a year of 100,000 users is read from the indexes alone).
    """
    ALTER TABLE users ADD COLUMN last_active TEXT;
    ALTER TABLE users ADD COLUMN announcements INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX users_created ON users (created_at, channel);
    CREATE INDEX users_last_active ON users (last_active, channel);
    CREATE TABLE daily_active (
        day TEXT NOT NULL, channel TEXT NOT NULL, users INTEGER NOT NULL, PRIMARY KEY (day, channel)
    );
    CREATE TABLE daily_questions (
        day TEXT NOT NULL, channel TEXT NOT NULL, outcome TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (day, channel, outcome)
    );
    CREATE TABLE daily_answers (
        day TEXT NOT NULL, entry_id TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, entry_id)
    );
    CREATE TABLE daily_deliveries (
        day TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (day, channel, status)
    );
    CREATE INDEX unanswered_created ON unanswered (created_at, normalized, question);
    CREATE INDEX reminders_on ON reminders (kind) WHERE enabled = 1;
    CREATE INDEX feedback_created ON feedback (created_at, entry_id, helpful);
    CREATE INDEX feedback_entry ON feedback (entry_id, helpful);
    CREATE INDEX deliveries_updated ON deliveries (updated_at);
    CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        total INTEGER NOT NULL
    );
    CREATE TABLE broadcast_recipients (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unreachable', 'window_closed', 'skipped')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, user_id)
    );
    CREATE INDEX broadcast_waiting ON broadcast_recipients (channel, status) WHERE status IN ('pending', 'sending');
    CREATE INDEX broadcast_updated ON broadcast_recipients (updated_at);
    CREATE INDEX broadcast_status ON broadcast_recipients (broadcast_id, status);
    """,
)
