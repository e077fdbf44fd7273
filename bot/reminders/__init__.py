"""Reminders, upload streaks and weekly statistics: pure logic here, delivery in `dispatcher`."""
