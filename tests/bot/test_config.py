from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def test_defaults_apply_when_nothing_is_set() -> None:
    s = load_settings({}, env_file=None)
    assert s.telegram is None
    assert s.db_path == Path("kawan.db")
    assert s.default_tz == "Asia/Jakarta"
    assert s.admins == frozenset()
    assert s.log_level == logging.INFO


def test_all_variables_are_read() -> None:
    s = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "KAWAN_DB": "/tmp/x.db",
            "KAWAN_TZ": "Asia/Makassar",
            "KAWAN_ADMINS": "1, 22",
            "KAWAN_LOG_LEVEL": "debug",
        },
        env_file=None,
    )
    assert s.require_telegram().token == TOKEN
    assert s.require_telegram().base_url == "http://127.0.0.1:8081/bot"
    assert s.default_tz == "Asia/Makassar"
    assert s.admins == frozenset({("telegram", "1"), ("telegram", "22")})
    assert s.log_level == logging.DEBUG


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_BASE_URL", "ftp://example"),
        ("KAWAN_TZ", "Mars/Olympus"),
        ("KAWAN_ADMINS", "12,abc"),
        ("KAWAN_LOG_LEVEL", "LOUD"),
        ("KAWAN_CONTENT", "/nonexistent/folder"),
    ],
)
def test_a_malformed_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({variable: value}, env_file=None)
    assert info.value.variable == variable
    assert str(info.value).startswith(variable)


WHATSAPP = {
    "WHATSAPP_TOKEN": "EAAG-secret-token",
    "WHATSAPP_PHONE_NUMBER_ID": "1055500001",
    "WHATSAPP_APP_SECRET": "app-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify-me",
}


def test_whatsapp_is_on_when_its_four_variables_are_set() -> None:
    s = load_settings(WHATSAPP, env_file=None)
    assert s.whatsapp is not None and s.telegram is None
    assert s.whatsapp.graph_url == "https://graph.facebook.com/v26.0"
    assert s.whatsapp.messages_per_second == 80
    assert s.whatsapp.template_for("upload") is None
    assert {"EAAG-secret-token", "app-secret", "verify-me"} <= set(s.secrets)
    assert "EAAG-secret-token" not in repr(s) and "app-secret" not in repr(s)
    s = load_settings(
        {**WHATSAPP, "WHATSAPP_TEMPLATE_UPLOAD": "kawan_upload", "WHATSAPP_GRAPH_URL": "http://127.0.0.1:9/v26.0/"},
        env_file=None,
    )
    assert s.whatsapp is not None and s.whatsapp.template_for("upload") == "kawan_upload"
    assert s.whatsapp.graph_url == "http://127.0.0.1:9/v26.0"


@pytest.mark.parametrize("missing", sorted(WHATSAPP))
def test_part_of_the_whatsapp_variables_is_an_error_naming_what_is_missing(missing: str) -> None:
    partial = {k: v for k, v in WHATSAPP.items() if k != missing}
    with pytest.raises(ConfigError) as info:
        load_settings(partial, env_file=None)
    assert info.value.variable == missing
    assert all(secret not in str(info.value) for secret in partial.values())


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WHATSAPP_PHONE_NUMBER_ID", "+62 811 0000 0001"),
        ("WHATSAPP_GRAPH_URL", "graph.facebook.com"),
        ("WHATSAPP_MESSAGES_PER_SECOND", "fast"),
        ("WHATSAPP_TEMPLATE_STATS", "Cek Statistik!"),
    ],
)
def test_a_malformed_whatsapp_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({**WHATSAPP, variable: value}, env_file=None)
    assert info.value.variable == variable


def test_admins_are_telegram_ids_and_whatsapp_numbers_written_any_way() -> None:
    s = load_settings({"KAWAN_ADMINS": "12345, wa:0812-3456-7890, wa:+62 811 1111 222"}, env_file=None)
    assert s.admins == frozenset({("telegram", "12345"), ("whatsapp", "6281234567890"), ("whatsapp", "628111111222")})
    assert s.is_admin("whatsapp", "6281234567890") and not s.is_admin("telegram", "6281234567890")
    with pytest.raises(ConfigError, match="KAWAN_ADMINS"):
        load_settings({"KAWAN_ADMINS": "wa:halo"}, env_file=None)


def test_no_channel_at_all_is_an_error_naming_both() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({}, env_file=None).require_a_channel()
    assert "TELEGRAM_BOT_TOKEN" in str(info.value) and "WHATSAPP_TOKEN" in str(info.value)
    load_settings(WHATSAPP, env_file=None).require_a_channel()


def test_a_malformed_token_is_never_echoed() -> None:
    secret = "123:short"
    with pytest.raises(ConfigError) as info:
        load_settings({"TELEGRAM_BOT_TOKEN": secret}, env_file=None)
    assert secret not in str(info.value)


def test_missing_token_is_an_error_only_when_needed() -> None:
    s = load_settings({}, env_file=None)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        s.require_telegram()


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("KAWAN_TZ=Asia/Jayapura\nKAWAN_DB=from-file.db\n# comment\n")
    s = load_settings({"KAWAN_DB": "from-env.db"}, env_file=env)
    assert s.default_tz == "Asia/Jayapura"
    assert s.db_path == Path("from-env.db")


def _kawan(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


def test_kawan_run_without_any_channel_exits_2_with_one_line(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KAWAN_", "WHATSAPP_"))}
    result = _kawan("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "WHATSAPP_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_kawan_run_with_part_of_whatsapp_exits_2_with_one_line(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KAWAN_", "WHATSAPP_"))}
    env |= {"WHATSAPP_TOKEN": "EAAG-secret-token", "WHATSAPP_APP_SECRET": "app-secret"}
    result = _kawan("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "WHATSAPP_PHONE_NUMBER_ID" in line
    assert "EAAG-secret-token" not in line and "app-secret" not in line


def test_bad_setting_at_start_is_one_line_without_traceback(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "KAWAN_TZ": "Nowhere/Land"}
    result = _kawan("ask", "halo", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "KAWAN_TZ" in result.stderr
