"""Text → sparse TF-IDF vectors: character n-grams (typos and slang need no rules) plus word n-grams.

Two blocks, each L2-normalised: character 2–5-grams inside word boundaries and word uni- and bigrams.
The same functions produce the grams at training and at answer time, so both always agree; no
scikit-learn object is needed to answer a question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

_WORD = re.compile(r"[a-z0-9]+")
CHAR_MIN, CHAR_MAX = 2, 5
WORD_CACHE = 50_000  # words whose character grams are kept looked up (a few MB at most)

Grams = Callable[[str], list[str]]
Floats = NDArray[np.float32]
Ints = NDArray[np.int32]


def char_grams(text: str) -> list[str]:
    """Character 2–5-grams of each word padded with a space on both sides (" npwp " → " n", "np", ...)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(CHAR_MIN, min(CHAR_MAX, length) + 1):
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


def word_grams(text: str) -> list[str]:
    """Words and pairs of neighbouring words."""
    words = _WORD.findall(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class Block:
    """One vocabulary with its inverse document frequencies."""

    grams: Grams
    index: dict[str, int]
    idf: Floats

    @classmethod
    def fit(cls, grams: Grams, documents: Sequence[str]) -> Block:
        return cls.fit_counted(grams, [Counter(grams(doc)) for doc in documents])

    @classmethod
    def fit_counted(cls, grams: Grams, counted: Sequence[Counter[str]]) -> Block:
        """From each document's gram counts (so a caller that also builds the matrix splits text only once)."""
        df: Counter[str] = Counter()
        for counts in counted:
            df.update(counts.keys())
        vocabulary = sorted(df)
        n = len(counted)
        # smoothed IDF, as if one more document held every gram: no division by zero, no negative weight
        idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in vocabulary], dtype=np.float32)
        return cls(grams, {g: i for i, g in enumerate(vocabulary)}, idf)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_word_ids", {})

    def vector(self, text: str) -> tuple[Ints, Floats]:
        """Indices and values of the L2-normalised sublinear TF-IDF vector of `text`."""
        if self.grams is not char_grams:
            return self.vector_of_counts(Counter(self.grams(text)))
        # Character grams never cross a word, so each word's known grams are looked up once and kept:
        # people reuse a small vocabulary, and this is most of the cost of answering.
        counts: Counter[int] = Counter()
        for word in text.split():
            counts.update(self._char_ids(word))
        return self._weighted(counts)

    def _char_ids(self, word: str) -> list[int]:
        cache: dict[str, list[int]] = self._word_ids  # type: ignore[attr-defined]
        ids = cache.get(word)
        if ids is None:
            index = self.index
            ids = [index[g] for g in char_grams(word) if g in index]
            if len(cache) >= WORD_CACHE:
                cache.clear()
            cache[word] = ids
        return ids

    def _weighted(self, counts: Counter[int]) -> tuple[Ints, Floats]:
        if not counts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        indices = np.fromiter(counts.keys(), np.int32, len(counts))
        tf = np.fromiter(counts.values(), np.float32, len(counts))
        values = (1 + np.log(tf)) * self.idf[indices]
        return indices, values / np.float32(np.linalg.norm(values))

    def matrix_of_counts(self, counted: Sequence[Counter[str]]) -> sp.csr_matrix:
        """The same vectors as `vector_of_counts`, for many documents at once (training)."""
        index = self.index
        docs: list[int] = []
        ids: list[int] = []
        tfs: list[int] = []
        for row, counts in enumerate(counted):
            for gram, count in counts.items():
                column = index.get(gram)
                if column is not None:
                    docs.append(row)
                    ids.append(column)
                    tfs.append(count)
        doc_of = np.asarray(docs, np.int64)
        columns = np.asarray(ids, np.int64)
        values = (1 + np.log(np.asarray(tfs, np.float32))) * self.idf[columns]
        norms = np.sqrt(np.bincount(doc_of, weights=values.astype(np.float64) ** 2, minlength=len(counted)))
        values = (values / np.maximum(norms[doc_of], 1e-12)).astype(np.float32)
        return sp.csr_matrix((values, (doc_of, columns)), shape=(len(counted), len(index)))

    def vector_of_counts(self, counts: Counter[str]) -> tuple[Ints, Floats]:
        index = self.index
        return self._weighted(Counter({index[g]: c for g, c in counts.items() if g in index}))


@dataclass(frozen=True)
class FeatureSpace:
    """The character block followed by the word block, as one feature space."""

    blocks: tuple[Block, ...]

    @classmethod
    def fit(cls, documents: Sequence[str]) -> FeatureSpace:
        return cls.fit_matrix(documents)[0]

    @classmethod
    def fit_matrix(cls, documents: Sequence[str]) -> tuple[FeatureSpace, sp.csr_matrix]:
        """The space fitted on `documents` and their training matrix, splitting each text once."""
        grams: tuple[Grams, Grams] = (char_grams, word_grams)
        counted = [[Counter(g(doc)) for doc in documents] for g in grams]
        space = cls(tuple(Block.fit_counted(g, c) for g, c in zip(grams, counted, strict=True)))
        blocks = [b.matrix_of_counts(c) for b, c in zip(space.blocks, counted, strict=True)]
        return space, sp.csr_matrix(sp.hstack(blocks, format="csr"), dtype=np.float32)

    @property
    def size(self) -> int:
        return sum(len(b.index) for b in self.blocks)

    def vector(self, text: str) -> tuple[Ints, Floats]:
        return self._join(block.vector(text) for block in self.blocks)

    def _join(self, parts: Iterable[tuple[Ints, Floats]]) -> tuple[Ints, Floats]:
        parts_i, parts_v, offset = [], [], 0
        for block, (indices, values) in zip(self.blocks, parts, strict=True):
            parts_i.append(indices + offset)
            parts_v.append(values)
            offset += len(block.index)
        return np.concatenate(parts_i), np.concatenate(parts_v)

    def matrix(self, documents: Iterable[str]) -> sp.csr_matrix:
        """One row per document."""
        return self._stack([self.vector(doc) for doc in documents])

    def _stack(self, rows: Sequence[tuple[Ints, Floats]]) -> sp.csr_matrix:
        indptr = np.cumsum([0, *(len(i) for i, _v in rows)])
        indices = np.concatenate([i for i, _v in rows]) if rows else np.zeros(0, np.int32)
        values = np.concatenate([v for _i, v in rows]) if rows else np.zeros(0, np.float32)
        return sp.csr_matrix((values, indices, indptr), shape=(len(rows), self.size))

    def vocabularies(self) -> list[list[str]]:
        """Each block's grams in index order (for saving)."""
        return [sorted(b.index, key=b.index.__getitem__) for b in self.blocks]

    @classmethod
    def restore(cls, vocabularies: Sequence[Sequence[str]], idfs: Sequence[Floats]) -> FeatureSpace:
        grams: tuple[Grams, Grams] = (char_grams, word_grams)
        return cls(
            tuple(
                Block(g, {gram: i for i, gram in enumerate(vocab)}, np.asarray(idf, np.float32))
                for g, vocab, idf in zip(grams, vocabularies, idfs, strict=True)
            )
        )
