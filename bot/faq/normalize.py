"""Indonesian chat text → comparable tokens: case, accents, punctuation, repeated letters, phrase tables."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

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
