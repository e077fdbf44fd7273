"""Ranking FAQ entries for a question, with a confidence decision: answer, suggest or decline."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar, Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.faq.content import Content, FaqEntry
from bot.faq.normalize import STOPWORDS, Stemmer, apply_phrases, raw_tokens

Outcome = Literal["answer", "suggest", "decline", "smalltalk"]


@dataclass(frozen=True)
class Thresholds:
    """Decision points on the combined score (0..1); tuned with `kawan eval`."""

    answer: float = 0.50
    answer_margin: float = 0.06
    sure: float = 0.78
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
class _Unit:
    entry: int
    weight: float
    norm: float


class FaqEngine:
    """Built once from content; `match` does no I/O."""

    UNIT_WEIGHTS: ClassVar[dict[str, float]] = {"question": 1.0, "alternate": 1.0, "keyword": 0.9}
    CORRECTED_WEIGHT = 0.6  # a repaired typo is weaker evidence than a word typed right
    ANSWER_WEIGHT = 0.15
    MAX_SUGGESTIONS = 3

    def __init__(self, content: Content, thresholds: Thresholds | None = None) -> None:
        self.content = content
        self.thresholds = thresholds or Thresholds()
        self.entries: tuple[FaqEntry, ...] = content.entries
        self._slang = content.slang
        self._slang_len = max((len(k.split()) for k in self._slang), default=1)
        self._synonyms = content.synonyms
        self._syn_len = max((len(k.split()) for k in self._synonyms), default=1)
        self._smalltalk = {phrase: kind for kind, phrases in content.smalltalk.items() for phrase in phrases}

        # Vocabulary first (stems must be words our own content uses), then the index.
        entry_words = [self._words(self._entry_texts(e)) for e in self.entries]
        answer_words = [self._words([e.answer]) for e in self.entries]
        surface: Counter[str] = Counter()
        for words in (*entry_words, *answer_words):
            for sentence in words:
                surface.update(sentence)
        self._stemmer = Stemmer(surface)
        self._known = frozenset(surface) | frozenset(self._slang) | frozenset(self._smalltalk) | content.common_words
        # most frequent first, so a typo equally close to two words picks the common one
        self._vocab_by_initial: dict[str, list[str]] = defaultdict(list)
        for word, _count in surface.most_common():
            if len(word) >= 3 and not word.isdigit():
                self._vocab_by_initial[word[0]].append(word)

        self._units: list[_Unit] = []
        unit_terms: list[set[str]] = []
        entry_terms: list[set[str]] = []
        for index, entry in enumerate(self.entries):
            terms_of_entry: set[str] = set()
            for kind, text in self._entry_units(entry):
                terms = set(self._terms_from_tokens(self._content_tokens(text)))
                if not terms:
                    continue
                unit_terms.append(terms)
                self._units.append(_Unit(index, self.UNIT_WEIGHTS[kind], 0.0))
                terms_of_entry |= terms
            entry_terms.append(terms_of_entry)

        df: Counter[str] = Counter()
        for terms in entry_terms:
            df.update(terms)
        n = max(len(self.entries), 1)
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._unknown_idf = math.log(1 + n)

        self._unit_postings: dict[str, list[int]] = defaultdict(list)
        for u, terms in enumerate(unit_terms):
            for t in terms:
                self._unit_postings[t].append(u)
            norm = math.sqrt(sum(self._idf[t] ** 2 for t in terms))
            self._units[u] = _Unit(self._units[u].entry, self._units[u].weight, norm)
        self._entry_postings: dict[str, list[int]] = defaultdict(list)
        for e, terms in enumerate(entry_terms):
            for t in terms:
                self._entry_postings[t].append(e)
        self._answer_postings: dict[str, list[int]] = defaultdict(list)
        for e, sentences in enumerate(answer_words):
            for t in {t for s in sentences for t in self._terms_from_tokens(s)}:
                self._answer_postings[t].append(e)

    # --- analysis -------------------------------------------------------------------

    @staticmethod
    def _entry_texts(entry: FaqEntry) -> list[str]:
        return [entry.question, *entry.alternates, *entry.keywords]

    @staticmethod
    def _entry_units(entry: FaqEntry) -> list[tuple[str, str]]:
        return [
            ("question", entry.question),
            *(("alternate", a) for a in entry.alternates),
            *(("keyword", k) for k in entry.keywords),
        ]

    def _content_tokens(self, text: str) -> list[str]:
        tokens = apply_phrases(raw_tokens(text), self._slang, self._slang_len)
        return apply_phrases(tokens, self._synonyms, self._syn_len)

    def _words(self, texts: list[str]) -> list[list[str]]:
        return [self._content_tokens(t) for t in texts]

    def _terms_from_tokens(self, tokens: list[str]) -> list[str]:
        stems = [self._stemmer.stem(t) for t in tokens if t not in STOPWORDS]
        bigrams = [f"{a}_{b}" for a, b in pairwise(stems)]
        return stems + bigrams

    def _correct(self, token: str) -> list[str]:
        """A known word for an unknown token: a close spelling, or two words run together."""
        if token in self._known or token in STOPWORDS or token.isdigit() or len(token) < 5:
            return [token]
        if self._stemmer.stem(token) != token:
            return [token]  # an affixed form of a word we know
        limit = 1 if len(token) < 8 else 2
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
        tokens = apply_phrases(raw_tokens(question), self._slang, self._slang_len)
        repaired: list[str] = []
        guessed: set[str] = set()
        for token in tokens:
            fixed = self._correct(token)
            if fixed != [token]:
                guessed.update(fixed)
            repaired.extend(fixed)
        tokens = apply_phrases(repaired, self._slang, self._slang_len)
        tokens = apply_phrases(tokens, self._synonyms, self._syn_len)
        typed = set(raw_tokens(question))
        return tokens, frozenset(t for t in guessed if t not in typed)

    def analyze(self, question: str) -> list[str]:
        """The query's tokens after slang, typo repair and synonyms (before stemming)."""
        return self._analyze(question)[0]

    def _smalltalk_kind(self, tokens: list[str]) -> str | None:
        if not tokens:
            return "nonsense"
        text = " ".join(tokens)
        if text in self._smalltalk:
            return self._smalltalk[text]
        kinds = {self._smalltalk.get(t) for t in tokens if t not in STOPWORDS}
        kinds.discard(None)
        rest = [t for t in tokens if t not in STOPWORDS and t not in self._smalltalk]
        if kinds and not rest:
            return sorted(k for k in kinds if k)[0]
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
        confident = best >= th.sure or (best >= th.answer and best - second >= th.answer_margin)
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

    def rank(self, tokens: list[str], guessed: frozenset[str] = frozenset()) -> list[tuple[int, float]]:
        """Entries with a combined score, best first; `guessed` tokens came from typo repair."""
        terms = list(dict.fromkeys(self._terms_from_tokens(tokens)))
        if not terms:
            return []
        norms = {t: self._idf.get(t, self._unknown_idf if "_" not in t else 0.0) for t in terms}
        q_norm_sq = sum(w * w for w in norms.values())
        if q_norm_sq == 0:
            return []
        q_norm = math.sqrt(q_norm_sq)
        guessed_terms = {self._stemmer.stem(t) for t in guessed}
        weights = {
            t: w * self.CORRECTED_WEIGHT if any(p in guessed_terms for p in t.split("_")) else w
            for t, w in norms.items()
        }

        unit_dot: dict[int, float] = defaultdict(float)
        entry_cover: dict[int, float] = defaultdict(float)
        answer_cover: dict[int, float] = defaultdict(float)
        for t, w in weights.items():
            w2 = w * w
            for u in self._unit_postings.get(t, ()):
                unit_dot[u] += w2
            for e in self._entry_postings.get(t, ()):
                entry_cover[e] += w2
            for e in self._answer_postings.get(t, ()):
                answer_cover[e] += w2

        best_unit: dict[int, float] = defaultdict(float)
        for u, dot in unit_dot.items():
            unit = self._units[u]
            cos = unit.weight * dot / (q_norm * unit.norm)
            if cos > best_unit[unit.entry]:
                best_unit[unit.entry] = cos
        scores: dict[int, float] = {}
        for e in set(best_unit) | set(entry_cover):
            cover = entry_cover.get(e, 0.0) / q_norm_sq
            answer = answer_cover.get(e, 0.0) / q_norm_sq
            scores[e] = 0.55 * best_unit.get(e, 0.0) + 0.45 * cover + self.ANSWER_WEIGHT * answer * (1 - cover)
        return sorted(scores.items(), key=lambda item: item[1], reverse=True)
