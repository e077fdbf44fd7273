"""Several workers on PostgreSQL: 1,000,000 subscribers, 50,000 reminders due, delivered by 1 and by 4 workers.

Run: .venv/bin/python -m bench.workers [--postgres URL] [--subscribers 1000000] [--due 50000] [--workers 1 4]
                                      [--latency SECONDS]
(URL defaults to KAWAN_TEST_POSTGRES; `eval "$(scripts/postgres-throwaway start)"` starts a server.)

For each worker count, a fresh schema is filled with COPY: `--subscribers` users with a daily reminder,
`--due` of them due a few seconds ago and the rest tomorrow. The workers are processes of their own,
each Kawan's app exactly as `kawan run` builds it (`bench/worker.py`: the only difference is Telegram's
rate limiter off, so the database and the dispatch are measured, not the 30/s ceiling), against the
stand-in Bot API in this process, which counts what each chat received. Throughput is measured from
the first delivery to the last, as the stand-in saw them.

`--latency` makes each send take that long at the stand-in, as the real API's round trip does (a tenth
to a few tenths of a second): one worker is then bound by its 64 sends in flight, not by the CPU, which
shows whether the workers' claims ever wait for one another. Without it, on a small machine the CPU
shared by the workers, the stand-in and PostgreSQL is the limit.

A last run with 4 workers kills one with SIGKILL halfway; what it had claimed and not sent is taken
over by the others after `KAWAN_CLAIM_TAKEOVER_SECONDS` (set short here). Target (issue 15): 4 workers at
least 3x one; every occurrence delivered once; after the kill none lost, and only those in flight at
the kill sent twice. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg

from bot import PROJECT_ROOT
from bot.reminders.schedule import to_utc_text
from bot.storage.postgres import PostgresDatabase
from tests import postgres
from tests.e2e.support import clean_environment, free_port
from tests.telegram_stub import TelegramStub

TAKEOVER_SECONDS = 15


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    os.environ["KAWAN_TEST_POSTGRES"] = url
    postgres.URL = url
    with postgres.schema_url() as schema:
        yield schema


async def fill(url: str, subscribers: int, due: int) -> None:
    """Users and reminders with COPY: `due` of them due 5 seconds ago, the rest tomorrow."""
    db = await PostgresDatabase.open(url)  # the schema, by the same migrations
    await db.close()
    now = datetime.now(UTC).replace(microsecond=0)
    joined = to_utc_text(now - timedelta(days=30))
    due_now, later = now - timedelta(seconds=5), now + timedelta(days=1)
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        users = io.StringIO()
        reminders = io.StringIO()
        for n in range(1, subscribers + 1):
            users.write(f"{n}\ttelegram\t{n}\tid\tAsia/Jakarta\t{joined}\n")
            when = due_now if n <= due else later
            local = (when + timedelta(hours=7)).date().isoformat()
            reminders.write(f"{n}\t{n}\tupload\t{(when + timedelta(hours=7)):%H:%M}\t{to_utc_text(when)}\t{local}\n")
        with cursor.copy("COPY users (id, channel, chat_id, language, timezone, created_at) FROM STDIN") as copy:
            copy.write(users.getvalue())
        with cursor.copy(
            "COPY reminders (id, user_id, kind, local_time, next_due_utc, next_local_date) FROM STDIN"
        ) as c:
            c.write(reminders.getvalue())
        for table in ("users", "reminders"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {subscribers + 1}, false)")
        cursor.execute("ANALYZE")


def start_worker(url: str, stub: TelegramStub, log: io.TextIOBase | None = None) -> subprocess.Popen[bytes]:
    env = clean_environment(
        TELEGRAM_BOT_TOKEN=stub.token,
        TELEGRAM_BASE_URL=stub.base_url,
        KAWAN_DB=url,
        KAWAN_LOG_LEVEL="WARNING",
        KAWAN_CLAIM_TAKEOVER_SECONDS=str(TAKEOVER_SECONDS),
        # webhook mode, as several workers must run (long-polling workers would take updates from each other)
        KAWAN_WEBHOOK_URL="https://kawan.example.com/telegram",
        KAWAN_WEBHOOK_PORT=str(free_port()),
    )
    return subprocess.Popen([sys.executable, "-m", "bench.worker"], cwd=PROJECT_ROOT, env=env)


async def until_delivered(stub: TelegramStub, due: int, kill_at: int | None, victim: subprocess.Popen[bytes] | None,
                          url: str, timeout: float = 900) -> tuple[float, float, int]:  # fmt: skip
    """Wait until every due reminder arrived; returns (first arrival, last arrival, in flight at the kill)."""
    first = 0.0
    in_flight = -1
    seen: set[object] = set()
    read = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = stub.calls
        for call in calls[read:]:
            if call.method == "sendMessage":
                seen.add(call.params["chat_id"])
        read = len(calls)
        if seen and not first:
            first = time.monotonic()
        if kill_at is not None and victim is not None and in_flight < 0 and len(seen) >= kill_at:
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'sending'").fetchone()
                in_flight = int(row[0]) if row else 0
        if len(seen) >= due:
            return first, time.monotonic(), in_flight
        await asyncio.sleep(0.02)
    raise AssertionError(f"only {len(seen)} of {due} arrived")


async def one_run(
    base_url: str, subscribers: int, due: int, workers: int, kill: bool, latency: float = 0.0
) -> dict[str, object]:
    with fresh_schema(base_url) as url:
        started = time.perf_counter()
        await fill(url, subscribers, due)
        built = time.perf_counter() - started
        async with TelegramStub(latency=latency) as stub:
            processes = [start_worker(url, stub) for _ in range(workers)]
            try:
                first, last, in_flight = await until_delivered(
                    stub, due, due // 2 if kill else None, processes[0] if kill else None, url
                )
                await asyncio.sleep(1.0)  # anything still on its way
            finally:
                for process in processes:
                    if process.poll() is None:
                        process.send_signal(signal.SIGTERM)
                for process in processes:
                    process.wait(timeout=60)
            per_chat = Counter(str(c["chat_id"]) for c in stub.calls_to("sendMessage"))
        with psycopg.connect(url) as conn:
            statuses = dict(conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())
    expected = {str(n) for n in range(1, due + 1)}
    return {
        "workers": workers,
        "kill": kill,
        "built": built,
        "seconds": last - first,
        "rate": due / (last - first) if last > first else float("inf"),
        "lost": len(expected - set(per_chat)),
        "twice": sum(1 for chat, n in per_chat.items() if n > 1),
        "stray": len(set(per_chat) - expected),
        "in_flight": in_flight,
        "statuses": statuses,
        "exit_codes": [p.returncode for p in processes],
    }


async def main_async(url: str, subscribers: int, due: int, counts: list[int], latency: float, kill: bool) -> int:
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; PostgreSQL at {url.split('@')[-1]}")  # fmt: skip
    print(f"{subscribers:,} subscribers, {due:,} due; the stand-in Bot API in this process, limiter off, "
          f"{latency * 1000:.0f} ms per send")  # fmt: skip
    results = []
    for workers in counts:
        result = await one_run(url, subscribers, due, workers, kill=False, latency=latency)
        results.append(result)
        print(f"  {workers} worker(s): {due:,} in {result['seconds']:.1f} s = {result['rate']:,.0f}/s "
              f"(filled in {result['built']:.0f} s); lost {result['lost']}, twice {result['twice']}")  # fmt: skip
    if not kill:  # only the throughput of each worker count
        return 0 if all(r["lost"] == 0 and r["twice"] == 0 for r in results) else 1
    killed = await one_run(url, subscribers, due, max(counts), kill=True, latency=latency)
    print(f"  {max(counts)} workers, one killed (SIGKILL) at {due // 2:,}: done in {killed['seconds']:.1f} s; "
          f"{killed['in_flight']} in flight at the kill; lost {killed['lost']}, twice {killed['twice']}; "
          f"statuses {killed['statuses']}")  # fmt: skip
    single = next(r for r in results if r["workers"] == 1)
    most = next(r for r in results if r["workers"] == max(counts))
    speedup = float(most["rate"]) / float(single["rate"])  # type: ignore[arg-type]
    print(f"  {max(counts)} workers / 1 worker: {speedup:.2f}x")
    checks = {
        f"{max(counts)} workers at least 3x one ({speedup:.2f}x)": speedup >= 3,
        "every occurrence delivered once": all(r["lost"] == 0 and r["twice"] == 0 for r in results),
        "none lost after the kill": killed["lost"] == 0 and killed["stray"] == 0,
        "only those in flight at the kill sent twice": int(killed["twice"]) <= int(killed["in_flight"]),  # type: ignore[call-overload]
        "nothing left in flight": all("sending" not in r["statuses"] for r in [*results, killed]),  # type: ignore[operator]
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("KAWAN_TEST_POSTGRES"))
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--no-kill", action="store_true", help="skip the run that kills a worker")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds the stand-in takes per send (the real API's round trip)"
    )
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL or set KAWAN_TEST_POSTGRES (scripts/postgres-throwaway start)")
    sys.exit(
        asyncio.run(
            main_async(args.postgres, args.subscribers, args.due, sorted(args.workers), args.latency, not args.no_kill)
        )
    )


if __name__ == "__main__":
    main()
