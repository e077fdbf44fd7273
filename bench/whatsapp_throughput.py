"""WhatsApp questions answered per second, end to end: signed webhook -> `kawan run` -> stand-in Graph API.

Run: .venv/bin/python -m bench.whatsapp_throughput [--users 200] [--questions 10] [--in-flight 64]

`kawan run` runs as its own process (as in production); this process plays Meta twice over: it posts
signed webhooks the way Meta delivers them and serves the stand-in Graph API the bot sends to. The
clock runs from the first question posted to the last answer's buttons arriving at the stand-in
(every answer ends with its buttons, so that message marks the question answered). Users are greeted
once before timing, so every timed message is a question. The number's throughput is set to 1,000
messages/s (Meta's higher tier): this measures Kawan's pipeline, not the default 80/s ceiling.
Target (issue 13): at least 300 questions/s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.faq_speed import QUESTIONS
from tests.e2e.support import clean_environment, free_port, kawan_run, until_listening
from tests.graph_stub import GraphStub, SentMessage, encode, sign, text_message

ASKED = [q for q in QUESTIONS if q != "halo kak"]  # small talk is answered without a FAQ entry's buttons


def _answered(message: SentMessage) -> bool:
    return message.type == "interactive"


class Answers:
    """Counts answers as they arrive, polling (the stand-in shares this process's CPU)."""

    def __init__(self, graph: GraphStub) -> None:
        self.graph = graph
        self.seen = 0

    async def wait(self, count: int, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        counted = 0
        while counted < count:
            assert time.perf_counter() < deadline, f"{counted} of {count} answered"
            await asyncio.sleep(0.005)
            fresh = self.graph.sent[self.seen :]
            self.seen += len(fresh)
            counted += sum(map(_answered, fresh))


async def _post_all(url: str, secret: str, payloads: list[bytes], in_flight: int) -> None:
    limit = asyncio.Semaphore(in_flight)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(body: bytes) -> None:
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)}
            async with limit, session.post(url, data=body, headers=headers) as response:
                assert response.status == 200, response.status
                await response.read()

        await asyncio.gather(*(post(body) for body in payloads))


async def run(users: int, per_user: int, in_flight: int) -> None:
    async with GraphStub() as graph:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            env = clean_environment(
                **graph.environment(),
                WHATSAPP_MESSAGES_PER_SECOND="1000",
                KAWAN_WEBHOOK_PORT=str(port),
                KAWAN_DB=str(Path(tmp) / "bench.db"),
                KAWAN_LOG_LEVEL="WARNING",
            )
            url = f"http://127.0.0.1:{port}/whatsapp"
            async with kawan_run(env, capture=False) as finished:
                await until_listening(url, graph.verify_token, attempts=600)
                wa_ids = [f"62812{n:07d}" for n in range(users)]
                greet = [encode(text_message(wa_id, "/start")) for wa_id in wa_ids]
                await _post_all(url, graph.app_secret, greet, in_flight)
                answers = Answers(graph)
                await answers.wait(users, timeout=120)

                questions = [
                    encode(text_message(wa_id, ASKED[(n + round_) % len(ASKED)]))
                    for round_ in range(per_user)
                    for n, wa_id in enumerate(wa_ids)
                ]
                total = len(questions)
                if os.environ.get("BENCH_SPY"):  # BENCH_SPY=path/to/py-spy: sample the bot while it works
                    await asyncio.create_subprocess_exec(
                        os.environ["BENCH_SPY"], "record", "-p", str(finished.pid), "-o", "whatsapp-spy.txt",
                        "-f", "raw", "-d", "6", "-r", "250", "--gil",
                    )  # fmt: skip
                    await asyncio.sleep(1)
                start = time.perf_counter()
                await _post_all(url, graph.app_secret, questions, in_flight)
                posted = time.perf_counter() - start
                await answers.wait(total, timeout=600)
                elapsed = time.perf_counter() - start
        assert finished.returncode == 0, "kawan run did not stop cleanly"
        assert graph.rejected == [], graph.rejected[:3]
        times = os.times()
        print(f"CPU: this process (Meta's side) {times.user + times.system:.1f} s, "
              f"kawan run {times.children_user + times.children_system:.1f} s")  # fmt: skip
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"{users} users x {per_user} questions = {total} posted in {posted:.2f} s, answered in {elapsed:.2f} s")
        print(f"{total / elapsed:.0f} questions/s answered end to end ({len(graph.read_receipts)} marked read)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--in-flight", type=int, default=64, help="webhook POSTs Meta has open at once")
    args = parser.parse_args()
    asyncio.run(run(args.users, args.questions, args.in_flight))


if __name__ == "__main__":
    main()
