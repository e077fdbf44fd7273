"""Indonesian chat text → comparable tokens: case, punctuation, repeated letters, slang, affixes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_DIGIT_RE = re.compile(r"\d")
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
_REDUP_RE = re.compile(r"\b([a-z]{2,})2\b")
_HYPHEN_REDUP_RE = re.compile(r"\b([a-z]{2,})-\1\b")
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
    if "-" in text:
        text = _HYPHEN_REDUP_RE.sub(r"\1", text)  # "ibu-ibu" -> "ibu"
    if "2" in text:
        text = _REDUP_RE.sub(r"\1", text)  # "ibu2" -> "ibu"
    tokens = _TOKEN_RE.findall(text)
    if _DIGIT_RE.search(text):
        tokens = [t if t.isalpha() else _unleet(t) for t in tokens]
    return tokens


def _unleet(token: str) -> str:
    if token in _KEEP_DIGITS or token[0].isdigit() or not _HAS_LETTER_AND_DIGIT.match(token):
        return token
    return token.translate(_LEET)  # "s4y4" -> "saya"; "level2" is left to the slang list


class PhraseTable:
    """Longest-first replacement of listed phrases ("a b" -> "c d") in a token list."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = dict(table)
        self._max_len = max((len(k.split()) for k in self._table), default=1)
        self._first_words = frozenset(k.split()[0] for k in self._table)

    def __contains__(self, phrase: str) -> bool:
        return phrase in self._table

    def apply(self, tokens: list[str]) -> list[str]:
        first_words = self._first_words
        if first_words.isdisjoint(tokens):
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] in first_words:
                for size in range(min(self._max_len, len(tokens) - i), 0, -1):
                    replacement = self._table.get(" ".join(tokens[i : i + size]))
                    if replacement is not None:
                        out.extend(replacement.split())
                        i += size
                        break
                else:
                    out.append(tokens[i])
                    i += 1
            else:
                out.append(tokens[i])
                i += 1
        return out


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

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocab = frozenset(vocabulary)
        self._cache: dict[str, str] = {}

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
