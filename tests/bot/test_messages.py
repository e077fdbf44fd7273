from __future__ import annotations

import pytest

from bot.messages import Button, Incoming, Reply, UserRef, rows

USER = UserRef("test", "1")


def test_incoming_needs_exactly_one_of_text_and_action() -> None:
    Incoming(USER, text="halo")
    Incoming(USER, action="menu")
    with pytest.raises(ValueError):
        Incoming(USER)
    with pytest.raises(ValueError):
        Incoming(USER, text="x", action="y")


def test_a_button_action_must_fit_telegram_callback_data() -> None:
    Button("ok", "x" * 64)
    with pytest.raises(ValueError, match="64"):
        Button("too long", "x" * 65)
    with pytest.raises(ValueError):
        Button("multibyte counts bytes", "é" * 33)


def test_rows_lay_buttons_out_and_all_buttons_flattens_them() -> None:
    buttons = [Button(str(i), f"a:{i}") for i in range(5)]
    reply = Reply("pilih", rows(*buttons, per_row=2))
    assert [len(r) for r in reply.buttons] == [2, 2, 1]
    assert reply.all_buttons == buttons


def test_replies_are_immutable_values() -> None:
    reply = Reply("a")
    with pytest.raises(AttributeError):
        reply.text = "b"  # type: ignore[misc]
    assert reply == Reply("a")
