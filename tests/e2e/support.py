"""What end-to-end tests and benchmarks share: `kawan run` as a process, free ports, settings for stand-ins."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import PROJECT_ROOT
from bot.config import Settings, WhatsAppSettings


@dataclass
class Finished:
    pid: int
    returncode: int | None = None
    log: str = ""


def clean_environment(**variables: str) -> dict[str, str]:
    """This environment without any channel's settings, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_"))}
    return env | {"NO_PROXY": "127.0.0.1", **variables}


@asynccontextmanager
async def kawan_run(env: dict[str, str], capture: bool = True) -> AsyncIterator[Finished]:
    """Run `kawan run` until the block ends, then SIGTERM; `Finished` holds the exit code and standard error."""
    pipe = asyncio.subprocess.PIPE if capture else None
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=env, stdout=pipe, stderr=pipe
    )
    finished = Finished(process.pid)
    try:
        yield finished
    finally:
        process.send_signal(signal.SIGTERM)
        _stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finished.returncode = process.returncode
        finished.log = (stderr or b"").decode()


async def until_listening(url: str, verify_token: str, attempts: int = 300) -> None:
    """Wait until the webhook listener answers Meta's handshake (start-up loads the FAQ model first)."""
    from tests.graph_stub import verify_webhook

    for _ in range(attempts):
        try:
            if (await verify_webhook(url, verify_token, "42"))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def whatsapp_settings(graph: Any, db: Path, db_url: str | None = None, **whatsapp: Any) -> Settings:
    """Settings for the app in this process, WhatsApp pointed at the stand-in `graph` (unpaced unless told)."""
    from tests.conftest import CONTENT_DIR

    options = {"messages_per_second": 0} | whatsapp
    return Settings(
        whatsapp=WhatsAppSettings(
            token=graph.token,
            phone_number_id=graph.phone_id,
            app_secret=graph.app_secret,
            verify_token=graph.verify_token,
            graph_url=graph.base_url,
            **options,
        ),
        db_path=db,
        db_url=db_url,
        content_dir=CONTENT_DIR,
        webhook_listen="127.0.0.1",
        webhook_port=free_port(),
    )
