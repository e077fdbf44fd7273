from __future__ import annotations

import numpy as np
import pytest

from bot.faq.features import FeatureSpace, char_grams, word_grams


def test_character_grams_stay_inside_padded_words() -> None:
    grams = char_grams("ai npwp")
    assert " a" in grams and "ai " in grams and " ai " in grams
    assert " npwp" in grams and "npwp " in grams
    assert "i n" not in grams  # never across a word boundary
    assert max(map(len, grams)) == 5


def test_word_grams_are_words_and_neighbouring_pairs() -> None:
    assert word_grams("naik level fiverr") == ["naik", "level", "fiverr", "naik level", "level fiverr"]


def test_each_block_of_a_vector_has_unit_length_and_unknown_grams_are_ignored() -> None:
    space = FeatureSpace.fit(["pajak shutterstock", "level fiverr", "teknik pomodoro"])
    indices, values = space.vector("pajak fiverr zzzz")
    char_block = indices < len(space.blocks[0].index)
    assert np.linalg.norm(values[char_block]) == pytest.approx(1.0)
    assert np.linalg.norm(values[~char_block]) == pytest.approx(1.0)
    empty_i, empty_v = space.vector("qqq")
    assert len(empty_i) == len(empty_v) == 0


def test_a_rarer_gram_weighs_more() -> None:
    space = FeatureSpace.fit(["pajak npwp", "pajak level", "pajak fiverr"])
    words = space.blocks[1]
    assert words.idf[words.index["npwp"]] > words.idf[words.index["pajak"]]


def test_the_training_matrix_matches_the_vectors_used_when_answering() -> None:
    texts = ["pajak shutterstock", "level fiverr"]
    space = FeatureSpace.fit(texts)
    matrix = space.matrix(texts)
    indices, values = space.vector(texts[1])
    row = matrix.getrow(1).toarray().ravel()
    assert np.allclose(row[indices], values) and np.count_nonzero(row) == len(indices)


def test_a_space_restored_from_its_arrays_gives_the_same_vectors() -> None:
    space = FeatureSpace.fit(["pajak shutterstock", "level fiverr"])
    restored = FeatureSpace.restore(space.vocabularies(), [b.idf for b in space.blocks])
    a, b = space.vector("pajak fiverr"), restored.vector("pajak fiverr")
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])
