"""`KAWAN_DB` as a PostgreSQL URL: recognising one, and keeping its password out of every message."""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(value: str) -> bool:
    return value.startswith(SCHEMES)


def password_of(url: str) -> str | None:
    """The password in a connection URL, for the log filter to redact."""
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def redacted(url: str) -> str:
    """The URL as it may appear in a message: no password."""
    password = password_of(url)
    return url.replace(f":{password}@", ":***@") if password else url


def valid_postgres_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and bool(parts.path.strip("/")) and (parts.port is None or parts.port > 0)
    except ValueError:
        return False
