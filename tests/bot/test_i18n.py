from __future__ import annotations

from datetime import date, datetime, time

from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, Translator


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "kawan.po").open("rb") as fh:
        return read_po(fh, locale=language)


def test_every_message_has_an_indonesian_translation() -> None:
    catalog = _catalog("id")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_the_indonesian_catalog_covers_the_template() -> None:
    with (LOCALE_DIR / "kawan.pot").open("rb") as fh:
        template = read_po(fh)
    ids = {m.id for m in _catalog("id") if m.id}
    assert {m.id for m in template if m.id} <= ids


def test_indonesian_has_a_single_plural_form() -> None:
    assert _catalog("id").plural_forms == "nplurals=1; plural=0;"


def test_translator_translates_and_fills_values() -> None:
    t = Translator("id")
    assert t.gettext("Pick a topic:") == "Pilih topik:"
    assert t.gettext("{title} — pick a question:", title="Pajak") == "Pajak — pilih pertanyaan:"
    assert Translator("en").gettext("Pick a topic:") == "Pick a topic:"


def test_an_unknown_language_falls_back_to_indonesian() -> None:
    assert Translator("xx").gettext("Pick a topic:") == "Pilih topik:"


def test_money_dates_and_numbers_use_the_indonesian_locale() -> None:
    t = Translator("id")
    assert t.money(1_500_000) == "Rp1.500.000"
    assert t.money(12.5, "USD") == "US$12,50"
    assert t.date(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert t.number(12345.5) == "12.345,5"
    assert t.time(time(19, 0)) == "19.00"
    assert t.short_date(datetime(2026, 1, 5, 12)) == "5 Jan"
