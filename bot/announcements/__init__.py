"""Announcements admins send to everyone (`/siaran`): delivered from the database, like reminders."""
