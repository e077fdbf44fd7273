"""Translations (gettext catalogs managed with Babel) and locale-aware formatting.

The `.po` files are the source of truth and are compiled in memory at start, so a fresh
`pip install -e .` needs no build step and an editor's change shows at the next start.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date as _format_date
from babel.dates import format_interval, get_day_names
from babel.dates import format_time as _format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kawan"
DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")


def _(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it later with `Translator.gettext`."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog for a language; unknown languages fall back to Indonesian."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def translator(language: str) -> Translator:
    """A shared Translator per language, for hot paths that would otherwise build one per message."""
    return Translator(language)


class Translator:
    """Gettext and Babel formatting bound to one language."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._t = translations(self.language)

    def gettext(self, message: str, **values: object) -> str:
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.language)

    def money(self, amount: int | float | Decimal, currency: str = "IDR") -> str:
        """Rupiah without cents (`Rp1.500.000`); other currencies with their usual digits."""
        if currency == "IDR":
            return format_currency(amount, "IDR", locale=self.language, format="¤#,##0", currency_digits=False)
        return format_currency(amount, currency, locale=self.language)

    def date(self, value: dt.date | dt.datetime) -> str:
        """A long date with weekday: `Senin, 17 Agustus 2026`."""
        return _format_date(value, "EEEE, d MMMM y", locale=self.language)

    def short_date(self, value: dt.date | dt.datetime) -> str:
        return _format_date(value, "d MMM", locale=self.language)

    def week(self, start: dt.date) -> str:
        """A Monday-to-Sunday week as people say it: `23–29 November`, `30 November–6 Desember`."""
        return str(format_interval(start, start + dt.timedelta(days=6), "MMMMd", locale=self.language))

    def weekday(self, index: int) -> str:
        """Monday is 0, as `date.weekday()`: `Senin` .. `Minggu`."""
        return str(get_day_names("wide", locale=self.language)[index]).capitalize()

    def time(self, value: dt.time | dt.datetime) -> str:
        return _format_time(value, "HH.mm" if self.language == "id" else "HH:mm", locale=self.language)
