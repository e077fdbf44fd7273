"""Engine behaviour on a small content of its own, so the rules are pinned independent of the shipped FAQ."""

from __future__ import annotations

import pytest

from bot.faq.content import Content, FaqEntry
from bot.faq.engine import FaqEngine, Thresholds


def _entry(entry_id: str, question: str, *alternates: str, answer: str = "jawaban singkat") -> FaqEntry:
    return FaqEntry(entry_id, "umum", question, alternates, answer, ("a", "b"))


CONTENT = Content(
    categories={"umum": "Umum"},
    entries=(
        _entry(
            "npwp-daftar",
            "Apakah daftar Shutterstock wajib punya NPWP?",
            "daftar shutterstock harus punya npwp",
            "syarat jadi kontributor shutterstock perlu npwp",
        ),
        _entry(
            "potongan-pajak",
            "Berapa potongan pajak Shutterstock tanpa NPWP?",
            "potongan pajak shutterstock berapa persen",
            "pajak shutterstock kalau tidak punya npwp",
        ),
        _entry(
            "level-fiverr",
            "Bagaimana sistem level seller di Fiverr?",
            "level seller fiverr",
            "cara kerja level di fiverr",
        ),
        _entry("pomodoro", "Apa itu teknik Pomodoro?", "teknik pomodoro", "cara kerja pomodoro"),
        _entry(
            "uang-dari-hp",
            "Bagaimana ibu rumah tangga bisa dapat uang dari ponsel?",
            "cara dapat uang dari ponsel untuk irt",
        ),
    ),
    slang={"gmn": "bagaimana", "gimana": "bagaimana", "ga": "tidak", "gak": "tidak", "brp": "berapa", "hp": "ponsel"},
    synonyms={"nomor pajak": "npwp", "tin": "npwp", "sstk": "shutterstock", "ibu rumah tangga": "irt"},
    smalltalk={"greeting": ("halo", "hai", "selamat pagi"), "thanks": ("makasih", "terima kasih")},
    common_words=frozenset({"resep", "rendang", "padang", "kereta"}),
)


@pytest.fixture(scope="module")
def small() -> FaqEngine:
    return FaqEngine(CONTENT)


def test_slang_is_expanded_before_matching(small: FaqEngine) -> None:
    assert small.analyze("gmn dpt duit dr hp")[:1] == ["bagaimana"]
    match = small.match("pajak shutterstock brp persen kalo ga ada npwp")
    assert (match.entry_id, match.confident) == ("potongan-pajak", True)


def test_domain_synonyms_meet_the_canonical_term(small: FaqEngine) -> None:
    assert small.analyze("nomor pajak sstk") == ["npwp", "shutterstock"]
    assert small.match("daftar sstk wajib nomor pajak?").entry_id == "npwp-daftar"


def test_a_multiword_synonym_matches_its_short_form(small: FaqEngine) -> None:
    assert small.match("ibu rumah tangga dapat uang dari hp").entry_id == "uang-dari-hp"


def test_typos_are_repaired_against_the_content_vocabulary(small: FaqEngine) -> None:
    assert small.analyze("shuterstock") == ["shutterstock"]
    assert small.analyze("pomodorro") == ["pomodoro"]  # repeated letters are not three in a row
    assert small.match("tekhnik pomodorro").entry_id == "pomodoro"


def test_two_words_typed_without_a_space_are_split(small: FaqEngine) -> None:
    assert small.analyze("levelfiverr") == ["level", "fiverr"]


def test_real_words_are_never_corrected_into_topic_words(small: FaqEngine) -> None:
    assert small.analyze("resep rendang padang") == ["resep", "rendang", "padang"]
    assert small.match("resep rendang padang").outcome == "decline"


def test_a_repaired_typo_counts_less_than_a_word_typed_right(small: FaqEngine) -> None:
    typed = small.match("teknik pomodoro")
    repaired = small.match("teknik pomodorro")
    assert repaired.entry_id == typed.entry_id
    assert repaired.score < typed.score


@pytest.mark.parametrize(("text", "kind"), [("halo", "greeting"), ("selamat pagi", "greeting"), ("makasih", "thanks")])
def test_greetings_and_thanks_are_small_talk(small: FaqEngine, text: str, kind: str) -> None:
    match = small.match(text)
    assert (match.outcome, match.smalltalk, match.entry_id) == ("smalltalk", kind, None)


def test_a_greeting_with_a_question_is_a_question(small: FaqEngine) -> None:
    assert small.match("halo, teknik pomodoro itu apa").entry_id == "pomodoro"


def test_thresholds_decide_between_answer_suggest_and_decline() -> None:
    strict = FaqEngine(CONTENT, Thresholds(answer=1.01, sure=1.01, suggest=0.2))  # above a perfect 1.0
    assert strict.match("teknik pomodoro").outcome == "suggest"
    never = FaqEngine(CONTENT, Thresholds(answer=2, sure=2, suggest=2))
    assert never.match("teknik pomodoro").outcome == "decline"


def test_close_competitors_give_suggestions_not_an_answer(small: FaqEngine) -> None:
    match = small.match("shutterstock npwp")
    assert match.outcome == "suggest"
    assert {match.entry_id, *match.suggestions} >= {"npwp-daftar", "potongan-pajak"}
    assert len(match.suggestions) <= 2


def test_unrelated_questions_are_declined(small: FaqEngine) -> None:
    assert small.match("jadwal kereta ke bandung").outcome == "decline"
