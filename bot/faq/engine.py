"""Ranking FAQ entries for a question, with a confidence decision: answer, suggest or decline.

Each entry is indexed as several *units* (its question, every alternate phrasing, every keyword).
A question is scored against an entry by combining
- the best cosine similarity with one of its units (does it say what one known phrasing says?),
- the share of the question's weight the entry's phrasings cover as a whole, and
- a little credit for words found only in the answer text.
Term weights are IDF over entries, so words typical of one topic count and filler does not.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.faq.content import Content, FaqEntry
from bot.faq.normalize import STOPWORDS, PhraseTable, Stemmer, raw_tokens

Outcome = Literal["answer", "suggest", "decline", "smalltalk"]
# Words that only colour a greeting or thanks ("makasih banyak ya kak"): they make it no question.
_CHAT_FILLERS = frozenset(
    [
        "banyak",
        "ya",
        "yaa",
        "kak",
        "sis",
        "gan",
        "min",
        "bang",
        "om",
        "semua",
        "semuanya",
        "juga",
        "lagi",
        "deh",
        "dong",
        "ok",
        "oke",
        "sip",
    ]
)
_Ints = NDArray[np.int32]
_Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Thresholds:
    """Decision points on the combined score (0..1); tuned with `kawan eval`."""

    answer: float = 0.44
    answer_margin: float = 0.08
    sure: float = 0.85
    sure_margin: float = 0.04  # even a very good match needs some lead: "level" fits Shutterstock and Fiverr
    suggest: float = 0.26
    suggestion_floor: float = 0.18


@dataclass(frozen=True)
class Match:
    """What the bot would do with one question."""

    question: str
    outcome: Outcome
    entry_id: str | None
    score: float
    suggestions: tuple[str, ...] = ()
    smalltalk: str | None = None
    normalized: str = ""

    @property
    def confident(self) -> bool:
        return self.outcome == "answer"


@dataclass(frozen=True)
class _FlatPostings:
    """For each term id, the sorted documents containing it: `docs[starts[t]:starts[t + 1]]`."""

    docs: _Ints
    starts: _Ints
    terms: _Ints  # the term of each entry of `docs`

    def regroup(self, group_of_doc: _Ints, n_groups: int) -> _FlatPostings:
        """Postings of groups of documents (units -> entries), each (term, group) pair once."""
        # Sorted by term, and groups never decrease within a term (units are stored by entry), so the
        # keys are already sorted: dropping repeats is enough, no hashing or sorting needed.
        keys = self.terms.astype(np.int64) * n_groups + group_of_doc[self.docs]
        if len(keys):
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        terms = (keys // n_groups).astype(np.int32)
        groups = (keys % n_groups).astype(np.int32)
        starts = np.searchsorted(terms, np.arange(len(self.starts))).astype(np.int32)
        return _FlatPostings(groups, starts, terms)

    def sums_per_doc(self, term_values: _Floats, n_docs: int) -> _Floats:
        """For every document, the sum of `term_values` over its terms."""
        return np.bincount(self.docs, weights=term_values[self.terms], minlength=n_docs).astype(np.float64)

    @classmethod
    def build(cls, term_ids: dict[str, int], documents: list[set[str]]) -> _FlatPostings:
        count = sum(len(d) for d in documents)
        terms = np.fromiter(map(term_ids.__getitem__, chain.from_iterable(documents)), dtype=np.int32, count=count)
        docs = np.repeat(np.arange(len(documents), dtype=np.int32), [len(d) for d in documents])
        order = np.argsort(terms, kind="stable")  # stable: documents stay ascending within a term
        starts = np.searchsorted(terms[order], np.arange(len(term_ids) + 1)).astype(np.int32)
        return cls(np.ascontiguousarray(docs[order]), starts, np.ascontiguousarray(terms[order]))

    def get(self, term_id: int) -> _Ints:
        return self.docs[self.starts[term_id] : self.starts[term_id + 1]]


class _StemTable(dict[str, str]):
    """Stems of the content vocabulary, filler words mapped to ""; other words are stemmed on the fly.

    A plain `map(table.__getitem__, tokens)` then runs at C speed at index time. Words outside the
    vocabulary (from users) are not stored, so nothing grows with what people type.
    """

    def __init__(self, stemmer: Stemmer, vocabulary: set[str]) -> None:
        super().__init__((word, "" if word in STOPWORDS else stemmer.stem(word)) for word in vocabulary)
        self._stemmer = stemmer

    def __missing__(self, word: str) -> str:
        return "" if word in STOPWORDS else self._stemmer.stem(word)


class FaqEngine:
    """Built once from content; `match` does no I/O."""

    UNIT_WEIGHTS: ClassVar[dict[str, float]] = {"question": 1.0, "alternate": 1.0, "keyword": 0.9}
    BEST_UNIT_SHARE = 0.55  # the rest of the score is whole-entry coverage
    ANSWER_WEIGHT = 0.15
    CORRECTED_WEIGHT = 0.6  # a repaired typo is weaker evidence than a word typed right
    PAIR_WEIGHT = 0.5  # word order helps, but a rare pair like "wajib_tidak" must not outweigh real words
    SHORT_UNKNOWN_WEIGHT = 0.5
    NUMBER_WEIGHT = 0.5  # "25" is rarely the topic: "25 x 48 berapa" is not about Pomodoro
    UNKNOWN_WEIGHT = 1.3  # "naik level di mobile legends": words we never use are strong evidence of another topic
    MAX_SUGGESTIONS = 3

    def __init__(self, content: Content, thresholds: Thresholds | None = None) -> None:
        self.content = content
        self.thresholds = thresholds or Thresholds()
        self.entries: tuple[FaqEntry, ...] = content.entries
        self._slang = PhraseTable(content.slang)
        self._synonyms = PhraseTable(content.synonyms)
        self._smalltalk = {phrase: kind for kind, phrases in content.smalltalk.items() for phrase in phrases}
        # small-talk phrases become one marker token each, so "terima kasih banyak" reads as thanks + filler
        self._smalltalk_phrases = PhraseTable({phrase: f"smalltalk{kind}" for phrase, kind in self._smalltalk.items()})

        # Analyse every text once; the vocabulary (what stems may be) comes from all of them.
        unit_tokens: list[tuple[int, float, list[str]]] = []
        answer_tokens: list[list[str]] = []
        answer_words: set[str] = set()
        for index, entry in enumerate(self.entries):
            for kind, text in self._entry_units(entry):
                unit_tokens.append((index, self.UNIT_WEIGHTS[kind], self._content_tokens(text)))
            tokens = self._content_tokens(entry.answer)
            answer_words.update(tokens)  # answers widen the vocabulary; only phrasings' counts matter
            answer_tokens.append(tokens)

        surface = Counter(chain.from_iterable(tokens for _e, _w, tokens in unit_tokens))
        vocabulary = answer_words.union(surface)
        self._stemmer = Stemmer(vocabulary, content.no_stem)
        self._stem_of = _StemTable(self._stemmer, vocabulary)
        self._known = frozenset(vocabulary) | frozenset(self._smalltalk) | content.common_words
        self._vocab_by_initial: dict[str, list[str]] = defaultdict(list)
        for word, _count in surface.most_common():  # most frequent first: ties go to the common word
            if len(word) >= 3 and not word.isdigit():
                self._vocab_by_initial[word[0]].append(word)

        unit_terms = [(e, w, set(self._terms_from_tokens(tokens))) for e, w, tokens in unit_tokens]
        unit_terms = [u for u in unit_terms if u[2]]
        # Units are stored grouped by entry, so a per-entry maximum is one `maximum.reduceat`.
        unit_terms.sort(key=lambda u: u[0])
        unit_sets = [terms for _e, _w, terms in unit_terms]
        self._unit_entry = np.array([e for e, _w, _t in unit_terms], dtype=np.int32)
        self._indexed_entries, self._unit_starts = np.unique(self._unit_entry, return_index=True)

        # Term ids: phrasing terms first (only they carry IDF), then stems found only in answers.
        # Answers add single stems only: their word pairs are many and say little.
        answer_terms = [set(map(self._stem_of.__getitem__, tokens)) - {""} for tokens in answer_tokens]
        phrasing = dict.fromkeys(chain.from_iterable(unit_sets))
        names = [*phrasing, *(set().union(*answer_terms) - phrasing.keys())]
        self._phrasing_terms = len(phrasing)
        self._term_ids: dict[str, int] = {t: i for i, t in enumerate(names)}
        self._unit_postings = _FlatPostings.build(self._term_ids, unit_sets)
        self._entry_postings = self._unit_postings.regroup(self._unit_entry, len(self.entries))
        self._answer_postings = _FlatPostings.build(self._term_ids, answer_terms)

        n = max(len(self.entries), 1)
        df = np.bincount(self._entry_postings.terms, minlength=len(names))[: self._phrasing_terms]
        self._unknown_idf = math.log(1 + n)
        self._weights = np.zeros(len(names))
        self._weights[: self._phrasing_terms] = np.log1p(n / df)
        is_pair = np.fromiter(("_" in t for t in names), dtype=bool, count=len(names))
        is_number = np.fromiter((t.isdigit() for t in names), dtype=bool, count=len(names))
        self._weights[is_pair] *= self.PAIR_WEIGHT
        self._weights[is_number] *= self.NUMBER_WEIGHT
        unit_norms = np.sqrt(self._unit_postings.sums_per_doc(self._weights**2, len(unit_terms)))
        unit_weights = np.array([w for _e, w, _t in unit_terms])
        self._unit_scale = np.divide(unit_weights, unit_norms, out=np.zeros_like(unit_weights), where=unit_norms > 0)

    # --- analysis -------------------------------------------------------------------

    @staticmethod
    def _entry_units(entry: FaqEntry) -> list[tuple[str, str]]:
        return [
            ("question", entry.question),
            *(("alternate", a) for a in entry.alternates),
            *(("keyword", k) for k in entry.keywords),
        ]

    def _content_tokens(self, text: str) -> list[str]:
        return self._synonyms.apply(self._slang.apply(raw_tokens(text)))

    def _terms_from_tokens(self, tokens: list[str]) -> list[str]:
        stems = [stem for stem in map(self._stem_of.__getitem__, tokens) if stem]
        return stems + list(map("_".join, pairwise(stems)))

    def _correct(self, token: str) -> list[str]:
        """A known word for an unknown token: a close spelling, or two words run together."""
        if token in self._known or token in self._slang or token in STOPWORDS or token.isdigit() or len(token) < 4:
            return [token]
        if token[-1] == token[-2] and token[:-1] in self._known:
            return [token[:-1]]  # a doubled last letter: "gigg", "pastii"
        if self._stemmer.stem(token) != token:
            return [token]  # an affixed form of a word we know
        limit = 1 if len(token) < 8 else 2  # four-letter words get one edit too: "lvel", "rumh"
        # most typos keep the first letter; requiring it avoids "rendang" -> "mending"
        candidates = self._vocab_by_initial.get(token[0], [])
        best = process.extractOne(token, candidates, scorer=OSA.distance, score_cutoff=limit)
        if best is not None:
            return [best[0]]
        for cut in range(3, len(token) - 2):
            left, right = token[:cut], token[cut:]
            if left in self._known and right in self._known:
                return [left, right]
        return [token]

    def _analyze(self, question: str) -> tuple[list[str], frozenset[str]]:
        typed = raw_tokens(question)
        repaired: list[str] = []
        guessed: set[str] = set()
        for token in self._slang.apply(typed):
            fixed = self._correct(token)
            if fixed != [token]:
                guessed.update(fixed)
            repaired.extend(fixed)
        tokens = self._synonyms.apply(self._slang.apply(repaired))
        return tokens, frozenset(guessed - set(typed))

    def analyze(self, question: str) -> list[str]:
        """The query's tokens after slang, typo repair and synonyms (before stemming)."""
        return self._analyze(question)[0]

    def _smalltalk_kind(self, tokens: list[str]) -> str | None:
        """The kind of chat when the message is only greetings, thanks, goodbyes or filler; else None."""
        if not tokens:
            return "nonsense"
        marked = self._smalltalk_phrases.apply(tokens)
        kinds = {t.removeprefix("smalltalk") for t in marked if t.startswith("smalltalk")}
        rest = [t for t in marked if not t.startswith("smalltalk") and t not in STOPWORDS and t not in _CHAT_FILLERS]
        if kinds and not rest:
            return sorted(kinds)[0]
        return None

    # --- matching ---------------------------------------------------------------------

    def match(self, question: str) -> Match:
        tokens, guessed = self._analyze(question)
        normalized = " ".join(tokens)
        kind = self._smalltalk_kind(tokens)
        if kind is not None:
            return Match(question, "smalltalk", None, 0.0, smalltalk=kind, normalized=normalized)
        ranked = self.rank(tokens, guessed)
        th = self.thresholds
        if not ranked or ranked[0][1] < th.suggest:
            score = ranked[0][1] if ranked else 0.0
            return Match(question, "decline", None, round(score, 4), normalized=normalized)
        best_index, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        lead = best - second
        confident = (best >= th.sure and lead >= th.sure_margin) or (best >= th.answer and lead >= th.answer_margin)
        others = [self.entries[i].id for i, s in ranked[1:] if s >= th.suggestion_floor]
        limit = self.MAX_SUGGESTIONS if confident else self.MAX_SUGGESTIONS - 1
        return Match(
            question,
            "answer" if confident else "suggest",
            self.entries[best_index].id,
            round(best, 4),
            tuple(others[:limit]),
            normalized=normalized,
        )

    def _query_weight(self, term: str) -> float:
        """The weight of a term the FAQ's phrasings use; for others, how strongly they pull a question away.

        Everyday words ("kereta", "balita") count in full like any word the FAQ does not use: the
        everyday word list only keeps the typo corrector from turning them into topic words.
        """
        term_id = self._term_ids.get(term)
        if term_id is not None and term_id < self._phrasing_terms:
            return float(self._weights[term_id])
        if "_" in term:
            return 0.0  # an unseen word pair says nothing beyond its two words
        if len(term) <= 3 or term.isdigit():
            return self._unknown_idf * self.SHORT_UNKNOWN_WEIGHT  # chat shorthand we do not know: noise, not topic
        return self._unknown_idf * self.UNKNOWN_WEIGHT  # a word the FAQ never uses pulls the question away

    def rank(self, tokens: list[str], guessed: frozenset[str] = frozenset(), top: int = 8) -> list[tuple[int, float]]:
        """The `top` entries with their combined score, best first; `guessed` tokens came from typo repair."""
        terms = list(dict.fromkeys(self._terms_from_tokens(tokens)))
        norms = {t: self._query_weight(t) for t in terms}
        q_norm_sq = sum(w * w for w in norms.values())
        if q_norm_sq == 0:
            return []
        guessed_stems = {self._stemmer.stem(t) for t in guessed}

        n_entries = len(self.entries)
        unit_dot = np.zeros(len(self._unit_entry))
        cover = np.zeros(n_entries)
        answer = np.zeros(n_entries)
        for t, w in norms.items():
            if guessed_stems and any(part in guessed_stems for part in t.split("_")):
                w *= self.CORRECTED_WEIGHT
            w2 = w * w
            term_id = self._term_ids.get(t)
            if term_id is not None:
                unit_dot[self._unit_postings.get(term_id)] += w2
                cover[self._entry_postings.get(term_id)] += w2
                answer[self._answer_postings.get(term_id)] += w2

        best_unit = np.zeros(n_entries)
        if len(self._unit_entry):
            cosines = unit_dot * self._unit_scale / math.sqrt(q_norm_sq)
            best_unit[self._indexed_entries] = np.maximum.reduceat(cosines, self._unit_starts)
        cover /= q_norm_sq
        answer /= q_norm_sq
        scores = self.BEST_UNIT_SHARE * best_unit + (1 - self.BEST_UNIT_SHARE) * cover
        scores += self.ANSWER_WEIGHT * answer * (1 - cover)
        count = min(top, n_entries)
        best = np.argpartition(-scores, count - 1)[:count]
        ordered = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in ordered if scores[i] > 0]
