"""Reading counts and money as Indonesians type them, and refusing what cannot be read for sure.

A figure is only ever stored as the user typed it: "1.500,50" is one thousand five hundred and a half
(Indonesian, read with Babel), "3.50" is three and a half (the dollar habit), "Rp50.000" and "50rb" are
rupiah and stay rupiah. Anything ambiguous or impossible — a minus sign, a range ("3-4"), scientific
notation ("1e5"), "1.5k", more than two decimals of a currency — is refused with an example instead of
being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from babel.numbers import NumberFormatError, parse_decimal

USD, IDR = "USD", "IDR"
MAX_COUNT = 1_000_000
MAX_MINOR = {USD: 100_000_000, IDR: 15_000_000_000}  # US$1 juta, Rp15 miliar: beyond any week's sales
PLAUSIBLE_WEEK = {"downloads": 5_000, USD: 100_000, IDR: 15_000_000}  # above this, ask "betul?"

_UNIT_WORDS = frozenset(
    "download downloads unduhan dl x kali foto video file karya gambar ilustrasi vektor pcs buah biji".split()
)
_NUMBER_WORDS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
}  # fmt: skip
_DIGITS = re.compile(r"^\d[\d.,]*$")
_EN_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_TOKEN = re.compile(r"[a-z]+|\d[\d.,]*|[$\-+/–—~]|[^\sa-z\d]")


class Refusal(Enum):
    """Why a typed figure was not accepted."""

    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    RANGE = "range"  # "3-4", "3 sampai 4": which one?
    TOO_PRECISE = "too_precise"  # "0,005" dollars, "2,5" downloads
    AMBIGUOUS = "ambiguous"  # "1.5k", "1e5"
    TOO_LARGE = "too_large"


class NotAnAnswer(Exception):
    """The message is a sentence, not a figure: answer it as a question and keep the step open."""


@dataclass(frozen=True)
class Money:
    currency: str  # USD or IDR
    minor: int  # cents for USD, rupiah for IDR

    @property
    def amount(self) -> Decimal:
        return Decimal(self.minor) / 100 if self.currency == USD else Decimal(self.minor)


_HEDGES = frozenset(
    "kira sekitar kurang lebih kurleb kl ada cuma cm hanya sebanyak total jumlahnya sih kak min".split()
)


def _tokens(text: str) -> list[str]:
    cleaned = text.strip().lower().replace("\u00a0", " ")
    cleaned = re.sub(r"[.,]-\s*$", "", cleaned)  # "Rp50.000,-": the dash closes the amount
    cleaned = re.sub(r"\b([a-z]{3,})2\b", r"\1", cleaned)  # "kira2" is "kira-kira", not a 2
    return [t for t in _TOKEN.findall(cleaned) if t not in _HEDGES]


def _looks_like_a_sentence(tokens: list[str]) -> bool:
    words = [t for t in tokens if t.isalpha() and t not in _UNIT_WORDS]
    return len(words) >= 2 or len(tokens) > 5


def parse_count(text: str) -> int | Refusal:
    """A whole number of things: `12`, `1.234`, `3 foto`, `tiga`, `dua puluh lima`.

    Raises NotAnAnswer for a sentence ("kenapa 5 foto saya ditolak"): that is a question, not a figure.
    """
    tokens = _tokens(text)
    if not tokens:
        return Refusal.NOT_A_NUMBER
    spoken = _spoken_number([t for t in tokens if t not in _UNIT_WORDS])
    if spoken is not None:
        return spoken
    if _looks_like_a_sentence(tokens):
        raise NotAnAnswer(text)
    core = [t for t in tokens if t not in _UNIT_WORDS]
    if any(t in ("-", "–", "—", "sampai", "sd", "s", "/", "~", "atau") for t in core[1:]):
        return Refusal.RANGE
    if core and core[0] in ("-", "–", "—"):
        return Refusal.NEGATIVE
    numbers = [t for t in core if _DIGITS.match(t)]
    if len(numbers) != 1 or len(core) != 1:
        return Refusal.AMBIGUOUS if numbers and any(t in ("k", "e", "rb", "jt") for t in core) else Refusal.NOT_A_NUMBER
    raw = numbers[0].rstrip(".,")
    if _THOUSANDS.match(raw):
        value = int(re.sub(r"[.,]", "", raw))
    elif raw.isdigit():
        value = int(raw)
    else:
        return Refusal.TOO_PRECISE  # "2,5" downloads
    return value if value <= MAX_COUNT else Refusal.TOO_LARGE


def _spoken_number(words: list[str]) -> int | None:
    """Indonesian number words up to 999: "tiga", "dua belas", "dua puluh lima", "seratus dua"."""
    if not words or not all(w in _NUMBER_WORDS or w in ("belas", "puluh", "ratus") for w in words):
        return None
    total, current = 0, 0
    for word in words:
        if word == "belas":
            current += 10
        elif word == "puluh":
            current *= 10
        elif word == "ratus":
            total += current * 100
            current = 0
        elif _NUMBER_WORDS[word] == 100:
            total += 100
        else:
            current += _NUMBER_WORDS[word]
    return total + current


def parse_money(text: str, default_currency: str = USD) -> Money | Refusal:
    """`3,50`, `3.50`, `1.234,50`, `$7`, `US$ 12`, `Rp50.000`, `50rb`, `1,5 juta`; raises NotAnAnswer for a sentence."""
    tokens = _tokens(text)
    if not tokens:
        return Refusal.NOT_A_NUMBER
    if _looks_like_a_sentence([t for t in tokens if t not in ("rp", "idr", "usd", "us", "dolar", "dollar", "rupiah")]):
        raise NotAnAnswer(text)
    currency = default_currency
    multiplier = 1
    rest: list[str] = []
    for t in tokens:
        if t in ("rp", "idr", "rupiah"):
            currency = IDR
        elif t in ("$", "usd", "us", "dolar", "dollar"):
            currency = USD
        elif t in ("rb", "ribu"):
            currency, multiplier = IDR, 1_000
        elif t in ("jt", "juta"):
            currency, multiplier = IDR, 1_000_000
        else:
            rest.append(t)
    if rest and rest[0] in ("-", "–", "—"):
        return Refusal.NEGATIVE
    if any(t in ("-", "–", "—", "sampai", "/", "~", "atau") for t in rest[1:]):
        return Refusal.RANGE
    if any(t in ("k", "e", "m") for t in rest):
        return Refusal.AMBIGUOUS
    numbers = [t for t in rest if _DIGITS.match(t)]
    if len(numbers) != 1 or len(rest) != 1:
        return Refusal.NOT_A_NUMBER
    value = _decimal(numbers[0].rstrip(".,") if not numbers[0].endswith(",-") else numbers[0][:-2])
    if value is None:
        return Refusal.NOT_A_NUMBER
    value *= multiplier
    minor = value * 100 if currency == USD else value
    if minor != minor.to_integral_value():
        return Refusal.TOO_PRECISE
    if minor > MAX_MINOR[currency]:
        return Refusal.TOO_LARGE
    return Money(currency, int(minor))


def _decimal(raw: str) -> Decimal | None:
    """Indonesian first (Babel, strict); "3.50" with one or two decimals is the dollar habit."""
    try:
        return Decimal(parse_decimal(raw, locale="id", strict=True))
    except NumberFormatError:
        return Decimal(raw) if _EN_DECIMAL.match(raw) else None


def is_plausible_downloads(count: int) -> bool:
    return count <= PLAUSIBLE_WEEK["downloads"]


def is_plausible_money(money: Money) -> bool:
    return money.minor <= PLAUSIBLE_WEEK[money.currency]
