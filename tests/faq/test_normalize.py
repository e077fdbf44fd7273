from __future__ import annotations

from bot.faq.normalize import PhraseTable, Stemmer, fold, raw_tokens


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


def test_stemmer_strips_affixes_only_to_a_known_word() -> None:
    stemmer = Stemmer(["pajak", "hasil", "unggah", "kirim", "level"])
    assert stemmer.stem("perpajakan") == "pajak"
    assert stemmer.stem("penghasilan") == "hasil"
    assert stemmer.stem("mengunggah") == "unggah"
    assert stemmer.stem("pengiriman") == "kirim"
    assert stemmer.stem("levelnya") == "level"


def test_stemmer_leaves_words_it_cannot_ground_alone() -> None:
    stemmer = Stemmer(["pajak"])
    assert stemmer.stem("perpajakan") == "pajak"
    assert stemmer.stem("sering") == "sering"  # "se-" + "ring" is not a word we know
    assert stemmer.stem("berapa") == "berapa"


def test_words_of_their_own_are_never_stripped() -> None:
    stemmer = Stemmer(["sen", "berapa", "lalu", "pajak"], keep=["persen", "beberapa", "terlalu"])
    assert [stemmer.stem(w) for w in ("persen", "beberapa", "terlalu")] == ["persen", "beberapa", "terlalu"]
    assert stemmer.stem("perpajakan") == "pajak"
