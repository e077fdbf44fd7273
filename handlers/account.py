"""The user's own data: deleting everything on request."""

from __future__ import annotations

from bot import user_files
from bot.messages import Button, Reply
from handlers.context import Turn


def confirm_delete(turn: Turn) -> list[Reply]:
    return [
        Reply(
            turn._(
                "Delete everything I store about you (settings, reminders, streak, statistics)? This cannot be undone."
            ),
            ((Button(turn._("🗑️ Yes, delete"), "del:yes"), Button(turn._("Cancel"), "del:no")),),
        )
    ]


async def delete(turn: Turn, confirmed: bool) -> list[Reply]:
    if not confirmed:
        return [Reply(turn._("OK, nothing was deleted."))]
    await turn.services.users.delete(turn.user.id)
    user_files.remove_for(turn.services.settings.cache_dir, turn.user.id)  # their charts and copies too
    return [Reply(turn._("Done: all your data has been deleted. Send /start if you want to use Kawan again."))]
