"""The stand-in Bot API as its own process, so benchmarks measure Kawan and not the stub sharing its CPU.

Prints its base URL on the first line, then serves until standard input closes.
"""

from __future__ import annotations

import asyncio
import sys

from tests.telegram_stub import TelegramStub


async def main() -> None:
    async with TelegramStub() as stub:
        print(stub.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        print(len(stub.calls_to("sendMessage")), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
