"""Storage: repositories by topic (users, FAQ log, reminders, uploads, weekly statistics, flow state), all
the SQL there is, over a small connection protocol with the SQLite driver under it."""

from bot.storage.sqlite import Database

__all__ = ["Database"]
