"""Multi-step flows: the one step a user has open, what it accepts, and what happens to anything else.

A step takes only the answer it asked for. A message that is no answer (a question, a greeting) is
answered as usual, followed by one line reminding the user of the open step with a "Batal" button;
a step untouched for 30 minutes expires, and an answer after that is never saved. Any button that
does not belong to the step, and any command, closes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.messages import Reply
from handlers.context import Turn


@dataclass(frozen=True)
class StepResult:
    """Either the step took the message (`replies`), or it did not and `reminder` follows the normal answer."""

    replies: list[Reply] | None = None
    reminder: Reply | None = None


StepHandler = Callable[[Turn, dict[str, Any], str], Awaitable[StepResult]]
_HANDLERS: dict[str, StepHandler] = {}
_BUTTON_PREFIXES: dict[str, tuple[str, ...]] = {}


def step(name: str, *buttons: str) -> Callable[[StepHandler], StepHandler]:
    """Register the handler of a step; `buttons` are the action prefixes that belong to it."""

    def register(handler: StepHandler) -> StepHandler:
        _HANDLERS[name] = handler
        _BUTTON_PREFIXES[name] = buttons
        return handler

    return register


async def open_step(turn: Turn, name: str, data: dict[str, Any]) -> None:
    await turn.services.flow_state.set(turn.user.id, name, data, turn.services.clock())


async def close_step(turn: Turn) -> None:
    await turn.services.flow_state.clear(turn.user.id)


async def current(turn: Turn) -> tuple[str, dict[str, Any]] | None:
    return await turn.services.flow_state.get(turn.user.id, turn.services.clock())


async def continue_step(turn: Turn, text: str) -> StepResult | None:
    """Offer a typed message to the open step; None when no step is open."""
    state = await current(turn)
    if state is None or state[0] not in _HANDLERS:
        return None
    name, data = state
    return await _HANDLERS[name](turn, data, text)


async def leave_unless_owned(turn: Turn, action: str) -> None:
    """A button that is not part of the open step closes it, so a later number is never misfiled."""
    state = await current(turn)
    if state is None:
        return
    prefixes = _BUTTON_PREFIXES.get(state[0], ())
    if not any(action.startswith(prefix) for prefix in prefixes):
        await close_step(turn)
