"""Indonesian chat text → comparable tokens: case, punctuation, repeated letters, slang, affixes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_DIGIT_RE = re.compile(r"\d")
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t"})
_HAS_LETTER_AND_DIGIT = re.compile(r"(?=.*[a-z])(?=.*\d)")
# Tokens with digits that mean something as they are (forms, levels, brand names).
_KEEP_DIGITS = frozenset({"w8ben", "w8", "pph21", "pph23", "pph", "36days", "3d", "4k", "2d", "b2b", "p2p"})

# Words so common in questions that they say nothing about the topic. Question words
# (kapan, berapa, kenapa, bagaimana) are deliberately kept: they carry the intent.
STOPWORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "itu",
        "ini",
        "ada",
        "adalah",
        "apa",
        "aja",
        "saja",
        "sih",
        "dong",
        "deh",
        "ya",
        "yah",
        "kak",
        "kakak",
        "gan",
        "min",
        "nih",
        "tuh",
        "kah",
        "lah",
        "pun",
        "mau",
        "ingin",
        "pengen",
        "saya",
        "aku",
        "gue",
        "gua",
        "sy",
        "kita",
        "kami",
        "kamu",
        "anda",
        "mohon",
        "tolong",
        "tanya",
        "nanya",
        "untuk",
        "buat",
        "bagi",
        "dengan",
        "atau",
        "tapi",
        "tetapi",
        "juga",
        "lagi",
        "sudah",
        "udah",
        "belum",
        "masih",
        "akan",
        "bisa",
        "boleh",
        "dapat",
        "jadi",
        "kalau",
        "kalo",
        "klo",
        "jika",
        "gitu",
        "begitu",
        "gini",
        "begini",
        "sama",
        "para",
        "si",
        "oh",
        "eh",
        "hmm",
        "nya",
        "the",
        "a",
        "an",
        "of",
        "to",
        "is",
        "are",
        "do",
        "does",
        "i",
        "my",
        "me",
        "for",
        "in",
        "on",
        "and",
        "or",
        "what",
        "how",
        "sangat",
        "banget",
        "bgt",
        "sekali",
        "agar",
        "supaya",
        "biar",
    ]
)


def fold(text: str) -> str:
    """Lowercase, strip accents and emoji, unify quotes; keeps letters, digits and spaces."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("'", "").replace("’", "")


def raw_tokens(text: str) -> list[str]:
    """Split folded text into word tokens, undoing chat spellings that need no dictionary."""
    text = fold(text)
    if _REPEAT_RE.search(text):
        text = _REPEAT_RE.sub(r"\1", text)  # "bangettt" -> "banget"
    tokens = _TOKEN_RE.findall(text)
    if _DIGIT_RE.search(text):
        tokens = [t if t.isalpha() else _unleet(t) for t in tokens]
    if "-" in text:
        # "ibu-ibu" split into "ibu ibu": a reduplication means the word once
        tokens = [t for i, t in enumerate(tokens) if i == 0 or t != tokens[i - 1]]
    return tokens


def _unleet(token: str) -> str:
    if token in _KEEP_DIGITS or token[0].isdigit() or not _HAS_LETTER_AND_DIGIT.match(token):
        return token
    if token[-1] == "2" and len(token) > 2 and token[:-1].isalpha():
        return token[:-1]  # "ibu2" -> "ibu": the 2 marks a reduplicated word
    return token.translate(_LEET)  # "s4y4" -> "saya"; "level2" is left to the slang list


class PhraseTable:
    """Longest-first replacement of listed phrases ("a b" -> "c d") in a token list.

    Most entries are single words, looked up directly; only a word that starts a longer phrase
    tries that phrase's lengths. This runs over every text at index time, so it is kept lean.
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = {key: tuple(value.split()) for key, value in table.items()}
        self._single = {key: value for key, value in self._table.items() if " " not in key}
        lengths: dict[str, set[int]] = {}
        for key in self._table:
            words = key.split()
            if len(words) > 1:
                lengths.setdefault(words[0], set()).add(len(words))
        self._lengths = {word: tuple(sorted(sizes, reverse=True)) for word, sizes in lengths.items()}
        self._starts = frozenset(self._single) | frozenset(self._lengths)

    def __contains__(self, phrase: str) -> bool:
        return phrase in self._table

    def apply(self, tokens: list[str]) -> list[str]:
        if self._starts.isdisjoint(tokens):
            return tokens
        starts = self._starts
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i] not in starts:
                out.append(tokens[i])
                i += 1
                continue
            replacement, used = self._longest_at(tokens, i, n)
            if replacement is None:
                out.append(tokens[i])
            else:
                out.extend(replacement)
            i += used
        return out

    def _longest_at(self, tokens: list[str], i: int, n: int) -> tuple[tuple[str, ...] | None, int]:
        """The replacement of the longest listed phrase starting at `i`, and how many tokens it covers."""
        for size in self._lengths.get(tokens[i], ()):
            if i + size <= n:
                replacement = self._table.get(" ".join(tokens[i : i + size]))
                if replacement is not None:
                    return replacement, size
        return self._single.get(tokens[i]), 1


class Stemmer:
    """Light Indonesian affix stripping that only accepts a stem the vocabulary knows.

    Generic stemmers over-stem domain words (perpajakan -> paja); checking candidates
    against the words of our own content keeps stems real.
    """

    _PARTICLES = ("lah", "kah", "tah", "pun")
    _POSSESSIVES = ("nya", "ku", "mu")
    _SUFFIXES = ("kan", "an", "i")
    _PREFIXES = (
        ("meng", ("", "k")), ("meny", ("s",)), ("mem", ("", "p")), ("men", ("", "t")), ("me", ("",)),
        ("peng", ("", "k")), ("peny", ("s",)), ("pem", ("", "p")), ("pen", ("", "t")),
        ("per", ("",)), ("pe", ("",)), ("ber", ("",)), ("be", ("",)), ("ter", ("",)),
        ("di", ("",)), ("ke", ("",)), ("se", ("",)),
    )  # fmt: skip

    def __init__(self, vocabulary: Iterable[str], keep: Iterable[str] = ()) -> None:
        self._vocab = frozenset(vocabulary)
        self._cache: dict[str, str] = {word: word for word in keep}  # words of their own, never stripped

    def stem(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._stem(word)
            self._cache[word] = cached
        return cached

    def _stem(self, word: str) -> str:
        if len(word) <= 4 or word.isdigit():
            return word
        for candidate in self._candidates(word):
            # never reduce to a filler word: "berapa" (how much) is not "apa" (what)
            if candidate != word and len(candidate) >= 3 and candidate in self._vocab and candidate not in STOPWORDS:
                return candidate
        return word

    def _candidates(self, word: str) -> Iterable[str]:
        for base in self._strip_suffixes(word):
            yield base
            for prefix, replacements in self._PREFIXES:
                if base.startswith(prefix) and len(base) - len(prefix) >= 3:
                    rest = base[len(prefix) :]
                    for first in replacements:
                        yield first + rest
                        # two prefixes: "diper-", "memper-", "keber-"
                        for inner, inner_repl in self._PREFIXES:
                            if rest.startswith(inner) and len(rest) - len(inner) >= 3:
                                yield inner_repl[0] + rest[len(inner) :]

    def _strip_suffixes(self, word: str) -> list[str]:
        """The word without inflectional endings, then each derivational ending tried in turn."""
        base = word
        for group in (self._PARTICLES, self._POSSESSIVES):
            for suffix in group:
                if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                    base = base[: -len(suffix)]
                    break
        forms = [word] if base == word else [word, base]
        # "perpajakan" ends in both -kan and -an: try every ending, not just the first that fits
        forms += [base[: -len(s)] for s in self._SUFFIXES if base.endswith(s) and len(base) - len(s) >= 3]
        return forms
