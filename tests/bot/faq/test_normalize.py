from __future__ import annotations

from bot.faq.normalize import PhraseTable, fold, raw_tokens


def test_fold_lowercases_and_strips_accents_and_quotes() -> None:
    assert fold("Café KAMU’s") == "cafe kamus"


def test_repeated_letters_collapse() -> None:
    assert raw_tokens("bangettt gimanaaa") == ["banget", "gimana"]


def test_double_letters_that_belong_to_the_word_stay() -> None:
    assert raw_tokens("saat maaf") == ["saat", "maaf"]


def test_reduplication_with_2_or_hyphen_becomes_the_base_word() -> None:
    assert raw_tokens("ibu2 emak-emak") == ["ibu", "emak"]


def test_number_letter_spellings_are_undone_but_real_codes_stay() -> None:
    assert raw_tokens("s4y4 mau isi w8ben tahun 2026") == ["saya", "mau", "isi", "w8ben", "tahun", "2026"]


def test_punctuation_and_emoji_split_words() -> None:
    assert raw_tokens("npwp?? wajib,ga 🙏") == ["npwp", "wajib", "ga"]


def test_phrase_table_replaces_the_longest_phrase_first() -> None:
    table = PhraseTable({"nomor pajak": "npwp", "nomor": "no", "gmn": "bagaimana"})
    assert table.apply(["gmn", "nomor", "pajak", "nomor", "hp"]) == ["bagaimana", "npwp", "no", "hp"]


def test_phrase_table_can_expand_one_word_into_several() -> None:
    assert PhraseTable({"irt": "ibu rumah tangga"}).apply(["irt"]) == ["ibu", "rumah", "tangga"]
