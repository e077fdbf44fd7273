"""Pieces several handlers share: the main menu and button labels."""

from __future__ import annotations

from bot.messages import Button
from handlers.context import Turn


def menu_button(turn: Turn) -> Button:
    return Button(turn._("🏠 Main menu"), "menu")


def main_menu_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(turn._("📚 Browse questions"), "menu"),),
        (Button(turn._("⏰ Reminders"), "rem:list"), Button(turn._("🔥 Streak"), "streak")),
        (Button(turn._("📊 Statistics"), "st:show"), Button(turn._("❓ Help"), "help")),
    )


def category_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    cats = turn.services.content.categories
    return tuple((Button(title, f"cat:{key}"),) for key, title in cats.items())
