"""Grouping unanswered questions by similarity, so editors see one line per need."""

from __future__ import annotations

from bot.faq.grouping import group_similar


def test_spellings_of_one_need_are_one_group_and_other_needs_are_not() -> None:
    groups = group_similar(
        [
            ("cara daftar adobe stock", 5),
            ("gmn daftar adobestock?", 3),
            ("cara daftar fiverr", 4),
            ("cara daftar di fiverr gmn", 1),
            ("berapa harga emas hari ini", 3),
            ("harga emas", 1),
            ("resep rendang", 2),
        ]
    )
    by_wording = {g.wording: g for g in groups}
    assert by_wording["cara daftar adobe stock"].count == 8
    assert by_wording["cara daftar adobe stock"].others == ["gmn daftar adobestock?"]
    assert by_wording["cara daftar fiverr"].count == 5 and by_wording["berapa harga emas hari ini"].count == 4
    assert by_wording["resep rendang"].others == []
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert sum(g.count for g in groups) == 19  # every question counted once


def test_nothing_or_one_question() -> None:
    assert group_similar([]) == [] and group_similar([("   ", 3)]) == []
    [only] = group_similar([("apa itu npwp", 2)])
    assert (only.wording, only.count) == ("apa itu npwp", 2)
