from __future__ import annotations

import io
import logging

from bot.logging_setup import configure_logging

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def test_the_token_never_reaches_a_log_line() -> None:
    stream = io.StringIO()
    configure_logging(logging.DEBUG, [TOKEN], stream=stream)
    log = logging.getLogger("kawan.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count("<token>") >= 2


def test_httpx_request_lines_are_silenced_even_at_debug() -> None:
    configure_logging(logging.DEBUG, [TOKEN], stream=io.StringIO())
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
