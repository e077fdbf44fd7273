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
    assert s.admins == frozenset({1, 22})
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


def test_kawan_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KAWAN_"))}
    result = _kawan("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_setting_at_start_is_one_line_without_traceback(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "KAWAN_TZ": "Nowhere/Land"}
    result = _kawan("ask", "halo", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "KAWAN_TZ" in result.stderr
