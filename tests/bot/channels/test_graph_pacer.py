"""The Graph client's pacing: the configured rate over a long run, replies before reminders, pauses."""

from __future__ import annotations

import asyncio

from bot.channels.graph import BULK, REPLY, Pacer


async def test_the_rate_holds_over_many_sends() -> None:
    pacer = Pacer(200)
    loop = asyncio.get_running_loop()
    await pacer.wait()
    start = loop.time()
    await asyncio.gather(*(pacer.wait() for _ in range(200)))
    elapsed = loop.time() - start
    assert 0.95 <= elapsed <= 1.1, elapsed  # 200 slots at 200/s: one second, not less, not much more
    await pacer.close()


async def test_a_reply_goes_before_reminders_already_waiting() -> None:
    pacer = Pacer(50)
    order: list[str] = []

    async def send(name: str, priority: int) -> None:
        await pacer.wait(priority)
        order.append(name)

    await pacer.wait()
    bulk = [asyncio.create_task(send(f"reminder {i}", BULK)) for i in range(5)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send("reply", REPLY))
    await asyncio.gather(*bulk, reply)
    assert order.index("reply") <= 1
    await pacer.close()


async def test_a_pause_holds_everyone_back() -> None:
    pacer = Pacer(0)  # no pacing at all...
    loop = asyncio.get_running_loop()
    pacer.pause(0.3)  # ...until Meta says we send too fast
    start = loop.time()
    await pacer.wait()
    assert loop.time() - start >= 0.29
    await pacer.close()
