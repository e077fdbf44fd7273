"""Every screen the WhatsApp channel renders is one Meta accepts (the stand-in's validation is Meta's rules)."""

from __future__ import annotations

from bot.channels.profile import WHATSAPP, fit
from bot.channels.whatsapp_render import Words, screen_message, template_message
from bot.messages import Button, Reply
from tests.graph_stub import check_send

WORDS = Words(choose="Pilih", more="Lainnya…", more_text="Pilihan lainnya:", prompt="Pilih di bawah ini 👇")


def _accepted(message: dict[str, object]) -> None:
    check_send({"messaging_product": "whatsapp", "to": "628123", **message}, media_ids=())


def test_buttons_lists_and_long_answers_render_within_the_limits() -> None:
    question = "Bagaimana cara menaikkan level kontributor di Shutterstock dengan cepat dan aman?"
    replies = [
        Reply("Ya atau tidak?", ((Button("Ya", "y"), Button("Tidak", "n")),)),
        Reply("Pilih", tuple((Button(f"Pertanyaan nomor {i}", f"faq:{i}", question),) for i in range(18))),
        Reply("Jawaban panjang. " * 200, ((Button("👍 Membantu", "fb:1"),),), title=question),
    ]
    for reply in replies:
        for screen in fit(reply, WHATSAPP, WORDS.more_text, WORDS.prompt):
            _accepted(screen_message(screen, WORDS, "more:abc" if screen.more else None))


def test_a_row_shows_the_full_question_under_its_short_label() -> None:
    button = Button("Level Shutterstock", "faq:level", "Bagaimana sistem level kontributor Shutterstock bekerja?")
    [screen] = fit(
        Reply("Pilih", ((button,), (Button("Menu", "menu"),), (Button("Bantuan", "help"),), (Button("Lagi", "x"),))),
        WHATSAPP,
    )
    message = screen_message(screen, WORDS)
    rows = message["interactive"]["action"]["sections"][0]["rows"]  # type: ignore[index]
    assert rows[0] == {"id": "faq:level", "title": "Level Shutterstock", "description": button.detail}
    assert "description" not in rows[1]


def test_the_title_is_bold() -> None:
    [screen] = fit(Reply("Isi jawaban.", title="Judul"), WHATSAPP)
    assert screen_message(screen, WORDS) == {
        "type": "text",
        "text": {"body": "*Judul*\n\nIsi jawaban.", "preview_url": False},
    }


def test_templates_carry_the_buttons_actions_as_quick_reply_payloads() -> None:
    message = template_message("kawan_upload", ["up:done:2026-12-01", "up:rest:2026-12-01"])
    _accepted(message)
    components = message["template"]["components"]  # type: ignore[index]
    assert [c["parameters"][0]["payload"] for c in components] == ["up:done:2026-12-01", "up:rest:2026-12-01"]
    assert [c["index"] for c in components] == ["0", "1"]
