from __future__ import annotations

from bot.channels.telegram_render import MAX_TEXT, render, split_text
from bot.messages import Button, Reply
from tests.telegram_stub import parse_html


def test_our_text_is_escaped_so_telegram_parses_it() -> None:
    [message] = render(Reply("Pajak & keuangan: <30% atau >10%?", title="A & B"))
    plain, entities = parse_html(message.html)
    assert plain == "A & B\n\nPajak & keuangan: <30% atau >10%?"
    assert entities[0]["type"] == "bold"


def test_long_text_is_split_at_paragraphs_and_each_piece_fits() -> None:
    paragraphs = [f"Paragraf {i}: " + "kata " * 150 for i in range(20)]
    text = "\n\n".join(paragraphs)
    messages = render(Reply(text, ((Button("Menu", "menu"),),), title="Judul"))
    assert len(messages) > 1
    for message in messages:
        plain, _ = parse_html(message.html)
        assert len(plain) <= MAX_TEXT
        assert plain.split(": ")[0].split("\n")[-1].startswith(("Paragraf", "Judul"))  # cut at a paragraph
    assert [m.keyboard is not None for m in messages] == [False] * (len(messages) - 1) + [True]
    rejoined = " ".join(parse_html(m.html)[0] for m in messages)
    assert rejoined.split()[1:] == text.split()  # nothing lost but the title in front


def test_a_single_enormous_line_is_still_cut() -> None:
    pieces = split_text("x" * 9000, 4000)
    assert [len(p) for p in pieces] == [4000, 4000, 1000]


def test_a_reply_without_buttons_has_no_keyboard() -> None:
    [message] = render(Reply("halo"))
    assert message.keyboard is None
