"""Settings from the environment and an optional `.env` file, validated at the edge."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot import PROJECT_ROOT
from bot.db_url import is_postgres_url, password_of, valid_postgres_url

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# The Graph API version Kawan is written and tested against (v26.0 came out on 29 July 2026); Meta keeps a
# version available for about two years, so moving on is a deliberate change, not a surprise.
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v26.0"
DEFAULT_WHATSAPP_RATE = 80  # messages per second: Meta's default throughput for a business phone number
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and never echoes a secret."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class TelegramSettings:
    """What only the Telegram channel needs; present when TELEGRAM_BOT_TOKEN is set."""

    token: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    webhook_url: str | None = None  # long polling when None
    webhook_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class WhatsAppSettings:
    """What only the WhatsApp channel needs; present when its four required variables are set."""

    token: str = field(repr=False)
    phone_number_id: str
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)
    graph_url: str = DEFAULT_GRAPH_URL
    template_upload: str | None = None  # approved utility templates for reminders outside the 24-hour window
    template_stats: str | None = None
    messages_per_second: int = DEFAULT_WHATSAPP_RATE  # 0: no pacing (a stand-in server in tests)

    def template_for(self, notice: str | None) -> str | None:
        return {"upload": self.template_upload, "stats": self.template_stats}.get(notice or "")


WHATSAPP_REQUIRED = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")


@dataclass(frozen=True)
class Settings:
    telegram: TelegramSettings | None = None
    whatsapp: WhatsAppSettings | None = None
    db_path: Path = Path("kawan.db")
    db_url: str | None = field(default=None, repr=False)  # KAWAN_DB=postgresql://…: PostgreSQL instead of db_path
    content_dir: Path = PROJECT_ROOT / "content"
    default_tz: str = "Asia/Jakarta"
    admins: frozenset[tuple[str, str]] = frozenset()  # (channel, chat id) pairs
    log_level: int = logging.INFO
    webhook_listen: str = "127.0.0.1"  # the one HTTP listener every channel's webhook shares
    webhook_port: int = 8443
    cache_dir: Path | None = None  # where the trained FAQ model is kept; None: build it in memory each start
    startup_timeout: int = 60  # seconds `kawan run` keeps trying to reach the chat platform before giving up
    claim_takeover: int = 300  # PostgreSQL: seconds after which a dead worker's unsent claims are taken over
    retention_days: int = 30  # unanswered questions lose their link to the user after this many days
    records_days: int = 365  # delivery and 👍/👎 records are removed after this many days
    dashboard_token: str | None = field(default=None, repr=False)  # opens the web dashboard; None: no dashboard

    def require_telegram(self) -> TelegramSettings:
        """Telegram's settings, or a ConfigError when the token is not set."""
        if self.telegram is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN", "not set; get a token from @BotFather and set it")
        return self.telegram

    def require_a_channel(self) -> None:
        """`kawan run` needs at least one chat platform configured."""
        if self.telegram is None and self.whatsapp is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "no channel is configured: set TELEGRAM_BOT_TOKEN (Telegram) or WHATSAPP_TOKEN with its "
                "three companions (WhatsApp), or use 'kawan chat' in the terminal",
            )

    def is_admin(self, channel: str, chat_id: str) -> bool:
        return (channel, chat_id) in self.admins

    @property
    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        found = []
        if self.telegram:
            found += [self.telegram.token, self.telegram.webhook_secret or ""]
        if self.whatsapp:
            found += [self.whatsapp.token, self.whatsapp.app_secret, self.whatsapp.verify_token]
        found.append(self.dashboard_token or "")
        if self.db_url:
            found.append(password_of(self.db_url) or "")
        return [value for value in found if value]


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Read settings; the process environment wins over `.env`."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = merged.get(name, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN", "malformed; expected the form 123456:ABC... from @BotFather")

    base_url = get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("TELEGRAM_BASE_URL", "must start with http:// or https://")

    content_dir = Path(get("KAWAN_CONTENT") or PROJECT_ROOT / "content")
    if content_dir.exists() and not content_dir.is_dir():
        raise ConfigError("KAWAN_CONTENT", f"{content_dir} is a file; it must be the content folder (with faq/ in it)")
    if not content_dir.is_dir():
        raise ConfigError("KAWAN_CONTENT", f"folder not found: {content_dir}")

    default_tz = get("KAWAN_TZ") or "Asia/Jakarta"
    try:
        ZoneInfo(default_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("KAWAN_TZ", f"unknown time zone {default_tz!r}; use e.g. Asia/Jakarta") from None

    admins = parse_admins(get("KAWAN_ADMINS") or "")

    level_name = (get("KAWAN_LOG_LEVEL") or "INFO").upper()
    if level_name not in _LOG_LEVELS:
        raise ConfigError("KAWAN_LOG_LEVEL", f"must be one of {', '.join(_LOG_LEVELS)}")

    webhook_url = get("KAWAN_WEBHOOK_URL")
    if webhook_url is not None and not webhook_url.startswith("https://"):
        raise ConfigError("KAWAN_WEBHOOK_URL", "must be a public https:// address (Telegram requires TLS)")
    port_raw = get("KAWAN_WEBHOOK_PORT") or "8443"
    if not port_raw.isdigit() or not 1 <= int(port_raw) <= 65535:
        raise ConfigError("KAWAN_WEBHOOK_PORT", "must be a port number from 1 to 65535")
    takeover_raw = get("KAWAN_CLAIM_TAKEOVER_SECONDS") or "300"
    if not takeover_raw.isdigit() or not 10 <= int(takeover_raw) <= 86400:
        raise ConfigError("KAWAN_CLAIM_TAKEOVER_SECONDS", "must be a number of seconds from 10 to 86400")
    timeout_raw = get("KAWAN_STARTUP_TIMEOUT") or "60"
    if not timeout_raw.isdigit() or not 1 <= int(timeout_raw) <= 3600:
        raise ConfigError("KAWAN_STARTUP_TIMEOUT", "must be a number of seconds from 1 to 3600")
    secret = get("KAWAN_WEBHOOK_SECRET")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError("KAWAN_WEBHOOK_SECRET", "use 1-256 characters: letters, digits, _ and -")

    cache_dir = Path(get("KAWAN_CACHE_DIR") or default_cache_dir(merged)).expanduser()
    retention_days, records_days = _retention(get("KAWAN_RETENTION_DAYS"))
    dashboard_token = get("KAWAN_DASHBOARD_TOKEN")
    db_raw = get("KAWAN_DB") or "kawan.db"
    if is_postgres_url(db_raw) and not valid_postgres_url(db_raw):
        raise ConfigError("KAWAN_DB", "give a URL like postgresql://user:password@host:5432/kawan")
    if dashboard_token is not None and len(dashboard_token) < 16:
        raise ConfigError("KAWAN_DASHBOARD_TOKEN", "use at least 16 characters (a long random string)")

    telegram = None
    if token is not None:
        telegram = TelegramSettings(token, base_url, webhook_url, secret)
    return Settings(
        telegram=telegram,
        whatsapp=_whatsapp_settings(get),
        db_path=Path(db_raw if not is_postgres_url(db_raw) else "kawan.db"),
        db_url=db_raw if is_postgres_url(db_raw) else None,
        content_dir=content_dir,
        default_tz=default_tz,
        admins=admins,
        log_level=logging.getLevelName(level_name),
        webhook_listen=get("KAWAN_WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=int(port_raw),
        cache_dir=cache_dir,
        startup_timeout=int(timeout_raw),
        claim_takeover=int(takeover_raw),
        retention_days=retention_days,
        records_days=records_days,
        dashboard_token=dashboard_token,
    )


def _whatsapp_settings(get: Callable[[str], str | None]) -> WhatsAppSettings | None:
    """The four required variables together turn the channel on; some without the others is a mistake."""
    values = {name: get(name) for name in WHATSAPP_REQUIRED}
    missing = [name for name, value in values.items() if value is None]
    if len(missing) == len(WHATSAPP_REQUIRED):
        return None
    if missing:
        given = ", ".join(name for name in WHATSAPP_REQUIRED if name not in missing)
        raise ConfigError(missing[0], f"not set, but {given} is; WhatsApp needs all of {', '.join(WHATSAPP_REQUIRED)}")
    phone_id = values["WHATSAPP_PHONE_NUMBER_ID"] or ""
    if not phone_id.isdigit():
        problem = "must be the number id Meta shows (digits only), not the phone number"
        raise ConfigError("WHATSAPP_PHONE_NUMBER_ID", problem)
    graph_url = (get("WHATSAPP_GRAPH_URL") or DEFAULT_GRAPH_URL).rstrip("/")
    if not graph_url.startswith(("http://", "https://")):
        raise ConfigError("WHATSAPP_GRAPH_URL", "must start with https:// (or http:// for a local stand-in)")
    rate_raw = get("WHATSAPP_MESSAGES_PER_SECOND") or str(DEFAULT_WHATSAPP_RATE)
    if not rate_raw.isdigit() or int(rate_raw) > 10_000:
        raise ConfigError("WHATSAPP_MESSAGES_PER_SECOND", "must be a whole number from 0 (no pacing) to 10000")
    for name in ("WHATSAPP_TEMPLATE_UPLOAD", "WHATSAPP_TEMPLATE_STATS"):
        template = get(name)
        if template is not None and not re.fullmatch(r"[a-z0-9_]{1,512}", template):
            raise ConfigError(name, "a template name has lower-case letters, digits and _ only")
    return WhatsAppSettings(
        token=values["WHATSAPP_TOKEN"] or "",
        phone_number_id=phone_id,
        app_secret=values["WHATSAPP_APP_SECRET"] or "",
        verify_token=values["WHATSAPP_VERIFY_TOKEN"] or "",
        graph_url=graph_url,
        template_upload=get("WHATSAPP_TEMPLATE_UPLOAD"),
        template_stats=get("WHATSAPP_TEMPLATE_STATS"),
        messages_per_second=int(rate_raw),
    )


def _retention(raw: str | None) -> tuple[int, int]:
    """`30` (days before unanswered questions lose their user link) or `30,365` (and days records are kept)."""
    if raw is None:
        return 30, 365
    parts = [p.strip() for p in raw.split(",")]
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() and 1 <= int(p) <= 3650 for p in parts):
        raise ConfigError(
            "KAWAN_RETENTION_DAYS", "days from 1 to 3650, e.g. 30, or 30,365 to also set how long records stay"
        )
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else 365


def parse_admins(raw: str) -> frozenset[tuple[str, str]]:
    """`123456, wa:0812-3456-7890` -> {("telegram", "123456"), ("whatsapp", "6281234567890")}."""
    admins = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if part.lower().startswith("wa:"):
            number = whatsapp_number(part[3:])
            if number is None:
                raise ConfigError("KAWAN_ADMINS", f"{part!r} is not a WhatsApp number; write it as wa:6281234567890")
            admins.add(("whatsapp", number))
        elif part.isdigit():
            admins.add(("telegram", part))
        else:
            raise ConfigError("KAWAN_ADMINS", "use Telegram user ids and wa:628… WhatsApp numbers, separated by commas")
    return frozenset(admins)


def whatsapp_number(text: str) -> str | None:
    """A phone number as WhatsApp ids it: digits with the country code (`0812…` and `+62 812…` -> `62812…`)."""
    digits = re.sub(r"[\s().-]", "", text.strip())
    digits = digits.removeprefix("+")
    if digits.startswith("0"):
        digits = "62" + digits[1:]  # Indonesian numbers are written with a leading 0 at home
    return digits if digits.isdigit() and 8 <= len(digits) <= 15 else None


SQLITE_HEADER = b"SQLite format 3\x00"


def check_db_path(path: Path) -> None:
    """KAWAN_DB must be a SQLite file, or a new file in an existing folder; else one clear ConfigError."""
    if path.is_dir():
        raise ConfigError("KAWAN_DB", f"{path} is a folder; give the path of a database file, e.g. {path / 'kawan.db'}")
    if not path.parent.is_dir():
        raise ConfigError("KAWAN_DB", f"the folder {path.parent} does not exist; create it or choose another path")
    if path.is_file():
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise ConfigError("KAWAN_DB", f"{path} cannot be read ({exc.strerror})") from None
        if header and header != SQLITE_HEADER:
            raise ConfigError("KAWAN_DB", f"{path} is not a SQLite database; point KAWAN_DB at Kawan's database file")


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """`$XDG_CACHE_HOME/kawan`, else `~/.cache/kawan`."""
    base = environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path("~/.cache").expanduser()) / "kawan"
