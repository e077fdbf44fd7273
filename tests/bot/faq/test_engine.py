from __future__ import annotations

import pytest

from bot.faq.engine import FaqEngine


def test_every_canonical_question_finds_its_own_entry(engine: FaqEngine) -> None:
    for entry in engine.entries:
        match = engine.match(entry.question)
        assert match.entry_id == entry.id, entry.question
        assert match.confident, entry.question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("npwp shutterstock wajib ga", "npwp-daftar-shutterstock"),
        ("apa itu microstock", "apa-itu-microstock"),
        ("teknik pomodoro itu apa", "pomodoro"),
        ("gimana cara naik level di fiverr lagi", "naik-level-fiverr"),
        ("kapan level shutterstock direset", "reset-level-shutterstock"),
    ],
)
def test_plain_questions_are_answered_confidently(engine: FaqEngine, question: str, expected: str) -> None:
    match = engine.match(question)
    assert (match.entry_id, match.confident) == (expected, True)


def test_suggestions_never_repeat_the_answer_and_are_at_most_three(engine: FaqEngine) -> None:
    for question in ("pajak", "level", "ai", "burnout parah", "cara jualan"):
        match = engine.match(question)
        assert match.entry_id not in match.suggestions
        assert len(match.suggestions) <= 3


@pytest.mark.parametrize("question", ["halo", "makasih kak", "Assalamualaikum", "ok sip"])
def test_small_talk_is_never_an_faq_answer(engine: FaqEngine, question: str) -> None:
    match = engine.match(question)
    assert match.outcome == "smalltalk"
    assert match.entry_id is None


@pytest.mark.parametrize("question", ["", "   ", "???", "🤔🤔"])
def test_empty_or_symbol_only_text_is_nonsense(engine: FaqEngine, question: str) -> None:
    match = engine.match(question)
    assert (match.outcome, match.smalltalk) == ("smalltalk", "nonsense")


@pytest.mark.parametrize("question", ["🙏", "👍", "👍🏻", "🙏🏽🙏🏽", " 👍 "])
def test_a_thumbs_up_or_praying_hands_alone_is_thanks(engine: FaqEngine, question: str) -> None:
    match = engine.match(question)
    assert (match.outcome, match.smalltalk, match.entry_id) == ("smalltalk", "thanks", None)


def test_a_question_outside_the_topics_is_not_answered(engine: FaqEngine) -> None:
    match = engine.match("jadwal kereta bandung jakarta besok")
    assert not match.confident
