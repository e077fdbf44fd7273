"""Figures are read as typed, the Indonesian way, or refused; a question typed mid-flow is no figure."""

from __future__ import annotations

import pytest

from bot.stats.amounts import IDR, USD, Money, NotAnAnswer, Refusal, parse_count, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("1.234", 1234),
        ("1,234", 1234),
        ("12 download", 12),
        ("3 foto", 3),
        ("kira2 30 download", 30),
        ("sekitar 7", 7),
        ("tiga", 3),
        ("dua belas", 12),
        ("dua puluh lima", 25),
        ("seratus dua", 102),
        ("0", 0),
    ],
)
def test_counts_are_read_as_typed(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("-5", Refusal.NEGATIVE),
        ("3-4", Refusal.RANGE),
        ("3 sampai 4", Refusal.RANGE),
        ("1e5", Refusal.AMBIGUOUS),
        ("2,5", Refusal.TOO_PRECISE),
        ("banyak", Refusal.NOT_A_NUMBER),
        ("", Refusal.NOT_A_NUMBER),
        ("99999999", Refusal.TOO_LARGE),
    ],
)
def test_counts_that_cannot_be_read_for_sure_are_refused(text: str, refusal: Refusal) -> None:
    assert parse_count(text) == refusal


@pytest.mark.parametrize("text", ["kenapa 5 foto saya ditolak terus ya", "npwp 2024 gimana", "cara naik level 3 gmn"])
def test_a_question_is_not_a_count(text: str) -> None:
    with pytest.raises(NotAnAnswer):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,50", Money(USD, 350)),
        ("3.50", Money(USD, 350)),
        ("12", Money(USD, 1200)),
        ("1.234,5", Money(USD, 123450)),
        ("$ 7", Money(USD, 700)),
        ("US$12,25", Money(USD, 1225)),
        ("0", Money(USD, 0)),
        ("Rp50.000", Money(IDR, 50000)),
        ("rp 50.000,-", Money(IDR, 50000)),
        ("50rb", Money(IDR, 50000)),
        ("50 ribu", Money(IDR, 50000)),
        ("1,5 juta", Money(IDR, 1500000)),
        ("50.000", Money(USD, 5000000)),  # read as typed; implausible, so the flow asks before saving
    ],
)
def test_money_is_read_the_indonesian_way_and_rupiah_stays_rupiah(text: str, expected: Money) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("0,005", Refusal.TOO_PRECISE),
        ("-5", Refusal.NEGATIVE),
        ("1e5", Refusal.AMBIGUOUS),
        ("1.5k", Refusal.AMBIGUOUS),
        ("3-4", Refusal.RANGE),
        ("banyak", Refusal.NOT_A_NUMBER),
        ("-", Refusal.NEGATIVE),
        ("Rp0,5", Refusal.TOO_PRECISE),
    ],
)
def test_money_that_cannot_be_read_for_sure_is_refused(text: str, refusal: Refusal) -> None:
    assert parse_money(text) == refusal
