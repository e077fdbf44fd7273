"""Engine behaviour on a small content of its own, so the rules are pinned independent of the shipped FAQ."""

from __future__ import annotations

import pytest

from bot.faq.content import Content, FaqEntry
from bot.faq.decision import Calibration
from bot.faq.engine import FaqEngine


def _entry(entry_id: str, question: str, *alternates: str) -> FaqEntry:
    return FaqEntry(entry_id, "umum", question, alternates, "jawaban singkat", ("a", "b"))


CONTENT = Content(
    categories={"umum": "Umum"},
    entries=(
        _entry(
            "npwp-daftar",
            "Apakah daftar Shutterstock wajib punya NPWP?",
            "daftar shutterstock harus punya npwp",
            "syarat jadi kontributor shutterstock perlu npwp",
            "bikin akun shutterstock tanpa npwp bisa",
            "npwp wajib buat daftar kontributor",
        ),
        _entry(
            "potongan-pajak",
            "Berapa potongan pajak Shutterstock tanpa NPWP?",
            "potongan pajak shutterstock berapa persen",
            "pajak shutterstock kalau tidak punya npwp",
            "dipotong berapa persen sama shutterstock",
            "tarif pajak honor shutterstock",
        ),
        _entry(
            "level-fiverr",
            "Bagaimana sistem level seller di Fiverr?",
            "level seller fiverr",
            "cara kerja level di fiverr",
            "syarat naik ke level 2 fiverr",
            "top rated seller fiverr itu apa",
        ),
        _entry(
            "pomodoro",
            "Apa itu teknik Pomodoro?",
            "teknik pomodoro",
            "cara kerja pomodoro",
            "kerja 25 menit istirahat 5 menit",
            "metode pomodoro buat fokus",
        ),
        _entry(
            "uang-dari-hp",
            "Bagaimana ibu rumah tangga bisa dapat uang dari ponsel?",
            "cara dapat uang dari ponsel untuk irt",
            "cari penghasilan cuma modal ponsel",
            "kerja dari rumah pakai ponsel untuk irt",
            "irt bisa menghasilkan uang dari ponsel",
        ),
    ),
    slang={"gmn": "bagaimana", "gimana": "bagaimana", "ga": "tidak", "gak": "tidak", "brp": "berapa", "hp": "ponsel"},
    synonyms={"nomor pajak": "npwp", "tin": "npwp", "sstk": "shutterstock", "ibu rumah tangga": "irt"},
    smalltalk={"greeting": ("halo", "hai", "selamat pagi"), "thanks": ("makasih", "terima kasih")},
    out_of_scope=(
        "resep rendang padang",
        "jadwal kereta ke bandung",
        "cara bikin sambal terasi",
        "harga tiket pesawat ke bali",
        "obat batuk anak yang bagus",
        "cara perpanjang sim online",
        "skor bola tadi malam",
        "cara reset hp android",
        "naik level di mobile legends",
        "pajak motor telat bayar",
    ),
)


@pytest.fixture(scope="module")
def small() -> FaqEngine:
    return FaqEngine(CONTENT)


def test_slang_and_synonyms_are_applied_before_the_model_reads_the_text(small: FaqEngine) -> None:
    assert small.analyzer.tokens("gmn dpt duit dr hp")[:1] == ["bagaimana"]
    assert small.analyzer.tokens("nomor pajak sstk") == ["npwp", "shutterstock"]
    assert small.analyzer.model_text("Nomor Pajak SSTK") == "nomor pajak sstk | npwp shutterstock"


def test_a_plain_question_gets_its_entry(small: FaqEngine) -> None:
    match = small.match("pajak shutterstock brp persen kalo ga ada npwp")
    assert match.entry_id == "potongan-pajak"
    assert match.outcome in ("answer", "suggest")


def test_a_misspelt_question_still_finds_its_entry(small: FaqEngine) -> None:
    assert small.match("tekhnik pomodorro").entry_id == "pomodoro"


@pytest.mark.parametrize(("text", "kind"), [("halo", "greeting"), ("selamat pagi", "greeting"), ("makasih", "thanks")])
def test_greetings_and_thanks_are_small_talk(small: FaqEngine, text: str, kind: str) -> None:
    match = small.match(text)
    assert (match.outcome, match.smalltalk, match.entry_id) == ("smalltalk", kind, None)


def test_a_greeting_with_a_question_is_a_question(small: FaqEngine) -> None:
    assert small.match("halo, teknik pomodoro itu apa").entry_id == "pomodoro"


def test_out_of_scope_is_a_class_of_its_own(small: FaqEngine) -> None:
    probs = small.probabilities_of("resep sambal rendang")
    assert max(probs, key=probs.__getitem__) == "-"
    assert small.match("resep sambal rendang").outcome == "decline"


def test_the_answer_threshold_decides_between_answer_and_suggest(small: FaqEngine) -> None:
    eager = FaqEngine(CONTENT, small.model, Calibration(small.calibration.temperature, 0.0, 0.0, 0.0))
    assert eager.match("teknik pomodoro").outcome == "answer"
    strict = FaqEngine(CONTENT, small.model, Calibration(small.calibration.temperature, 1.01, 0.0, 0.0))
    assert strict.match("teknik pomodoro").outcome == "suggest"
    silent = FaqEngine(CONTENT, small.model, Calibration(small.calibration.temperature, 1.01, 0.0, 1.01))
    assert silent.match("teknik pomodoro").outcome == "decline"


def test_suggestions_never_repeat_the_best_entry(small: FaqEngine) -> None:
    eager = FaqEngine(CONTENT, small.model, Calibration(small.calibration.temperature, 1.01, 0.0, 0.0))
    match = eager.match("shutterstock npwp")
    assert match.outcome == "suggest"
    assert match.entry_id in ("npwp-daftar", "potongan-pajak")
    assert match.entry_id not in match.suggestions and len(match.suggestions) <= 2


def test_the_question_at_the_end_of_a_long_story_is_read_on_its_own(small: FaqEngine) -> None:
    story = (
        "halo kak selamat malam. aku ibu dua anak, suami kerja di luar kota dan aku di rumah terus sama "
        "anak-anak yang masih kecil, kadang bantu jualan kue tetangga juga. kemarin lihat video orang kerja "
        "sambil jaga anak. nah aku mau tanya. teknik pomodoro itu apa?"
    )
    direct = small.probabilities_of(story)["pomodoro"]
    assert small.match(story).entry_id == "pomodoro"
    assert small.match(story).score > direct
