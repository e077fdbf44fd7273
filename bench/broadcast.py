"""An announcement to 100,000 users through `kawan run`, killed with SIGKILL halfway and run again.

Run: .venv/bin/python -m bench.broadcast [--users 100000] [--channel whatsapp|telegram] [--rate 500]

The database holds `--users` users of one channel and one broadcast to all of them, written as `/siaran`
writes it. A few users must not get it: some opted out or are inactive (no recipient row), some opt out
after it was written (`skipped` when claimed), some blocked the bot (the stand-in refuses them), and on
WhatsApp some have not written for three days (outside the 24-hour window). `kawan run` sends it to the
stand-in API, which runs in this process and counts what each chat received. The limiter is on: WhatsApp
at `WHATSAPP_MESSAGES_PER_SECOND=--rate`, whose default of 500/s is well below what `kawan run` and the
stand-in manage together on a 2-core machine (about 850/s), so the limiter and not the CPU sets the pace
(100,000 users take about 3.5 minutes); Telegram at AIORateLimiter's fixed 30/s (keep `--users` small).

A little past half, `kawan run` is killed with SIGKILL; the recipients it left `sending` are the ones in
flight. A second `kawan run` finishes the broadcast. Target (issue 14): each run keeps to the limiter, no
recipient is lost, and only recipients in flight at the kill get it twice. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import platform
import re
import resource
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.database import empty_database
from bot import PROJECT_ROOT
from bot.reminders.schedule import to_utc_text
from bot.storage import Database
from bot.storage.broadcasts import BroadcastRepo
from handlers.admin import CHANNELS
from tests.e2e.support import clean_environment, free_port
from tests.graph_stub import GraphStub
from tests.telegram_stub import TelegramStub

TEXT = (
    "Halo! Mulai minggu depan Kawan bisa mengingatkan batas waktu pembayaran dari Shutterstock dan "
    "Adobe Stock. Ketik /pengingat untuk mengaturnya."
)
DEFAULT_RATE = 500  # WhatsApp messages/s
TELEGRAM_RATE = 30  # AIORateLimiter's overall limit in bot/channels/telegram.py; not configurable
TOLERANCE = 0.02  # a run segment may send this much above the configured rate
SAMPLE_SECONDS = 0.01  # how often the stand-in's deliveries are stamped with the time
SETTLE_SECONDS = 1.0  # after the kill, requests already on the wire still reach the stand-in
# The kill comes this many deliveries past half: half of AnnouncementDispatcher's batch of 500. With round
# numbers of users, half is where a batch ends, and a kill between batches leaves nothing half-sent.
PAST_HALF = 250

# Who is who, by user id modulo 100 (the rest are ordinary recipients, "eligible").
KINDS = {1: "opted_out", 2: "inactive", 3: "opts_out_later", 4: "blocked", 5: "outside_window"}
FINAL_STATUS = {  # what the broadcast must record for each kind of recipient at the end
    "eligible": "sent",
    "opts_out_later": "skipped",
    "blocked": "unreachable",
    "outside_window": "window_closed",
}
RECOVERED = re.compile(r"announcements: (\d+) left mid-send by a stopped run were sent again")
SKIPPED_TICK = "maximum number of running instances reached"


def kind_of(channel: str, user_id: int) -> str:
    kind = KINDS.get(user_id % 100, "eligible")
    return "eligible" if kind == "outside_window" and channel != "whatsapp" else kind


def chat_of(channel: str, user_id: int) -> str:
    return f"62811{user_id:08d}" if channel == "whatsapp" else str(500_000_000 + user_id)


# --- the database -------------------------------------------------------------------------------------------


def build_database(path: Path, channel: str, users: int, now: datetime) -> dict[str, str]:
    """`users` users of `channel`; returns chat id -> kind."""
    conn = empty_database(path)
    kinds = {chat_of(channel, n): kind_of(channel, n) for n in range(1, users + 1)}
    created = to_utc_text(now - timedelta(days=30))
    conn.executemany(
        "INSERT INTO users (id, channel, chat_id, timezone, created_at, active, announcements)"
        " VALUES (?, ?, ?, 'Asia/Jakarta', ?, ?, ?)",
        (
            (n, channel, chat, created, int(kind != "inactive"), int(kind != "opted_out"))
            for n, (chat, kind) in enumerate(kinds.items(), start=1)
        ),
    )
    if channel == "whatsapp":  # the 24-hour window runs from the user's last message
        recent, old = to_utc_text(now - timedelta(hours=2)), to_utc_text(now - timedelta(days=3))
        conn.executemany(
            "INSERT INTO inbound_messages (channel, message_id, chat_id, sent_at, handled)"
            " VALUES ('whatsapp', ?, ?, ?, 1)",
            ((f"wamid.in.{chat}", chat, old if kind == "outside_window" else recent) for chat, kind in kinds.items()),
        )
    conn.commit()
    conn.close()
    return kinds


async def write_broadcast(path: Path, now: datetime) -> int:
    """The announcement as `/siaran` writes it; then some recipients opt out before it reaches them."""
    db = await Database.open(path)
    try:
        created = await BroadcastRepo(db).create(TEXT, None, CHANNELS, now)
    finally:
        await db.close()
    later = next(key for key, kind in KINDS.items() if kind == "opts_out_later")
    query(path, "UPDATE users SET announcements = 0 WHERE id % 100 = ?", (later,))
    return created.broadcast_id


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One statement on a connection of its own (safe while `kawan run` writes, or after it was killed)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def statuses(path: Path, broadcast_id: int, status: str | None = None) -> dict[str, str]:
    """Chat id -> recipient status (only those with `status`, if given)."""
    sql = (
        "SELECT u.chat_id, b.status FROM broadcast_recipients b JOIN users u ON u.id = b.user_id"
        " WHERE b.broadcast_id = ?" + (" AND b.status = ?" if status else "")
    )
    return {str(chat): str(s) for chat, s in query(path, sql, (broadcast_id, status) if status else (broadcast_id,))}


def waiting(path: Path, channel: str) -> int:
    """Recipients not done yet (the partial index `kawan run` claims with)."""
    sql = "SELECT COUNT(*) FROM broadcast_recipients WHERE channel = ? AND status IN ('pending', 'sending')"
    return int(query(path, sql, (channel,))[0][0])


# --- the stand-in API ---------------------------------------------------------------------------------------


class Deliveries:
    """What the stand-in accepted, per chat and over time; `read` returns the chats delivered since its last call.

    The stand-in shares this event loop, so a sampler stamps new deliveries every `SAMPLE_SECONDS`.
    """

    def __init__(self, read: Callable[[], list[str]]) -> None:
        self._read = read
        self.per_chat: Counter[str] = Counter()
        self.total = 0
        self.stamps: list[tuple[float, int]] = []  # (perf_counter, deliveries so far), when some arrived

    def sample(self) -> None:
        fresh = self._read()
        if fresh:
            self.per_chat.update(fresh)
            self.total += len(fresh)
            self.stamps.append((time.perf_counter(), self.total))

    async def keep_sampling(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(SAMPLE_SECONDS)


@dataclass(frozen=True)
class StandIn:
    channel: str
    environment: dict[str, str]
    deliveries: Deliveries
    describe: str


@asynccontextmanager
async def whatsapp_stand_in(kinds: dict[str, str], rate: int) -> AsyncIterator[StandIn]:
    async with GraphStub() as graph:
        for chat, kind in kinds.items():
            if kind == "blocked":
                graph.block(chat)
        seen = 0

        def read() -> list[str]:
            nonlocal seen
            fresh = graph.sent[seen:]
            seen += len(fresh)
            return [m.to for m in fresh]

        environment = graph.environment() | {"WHATSAPP_MESSAGES_PER_SECOND": str(rate)}
        pace = f"{rate} messages/s (WHATSAPP_MESSAGES_PER_SECOND)" if rate else "no pacing"
        yield StandIn("whatsapp", environment, Deliveries(read), f"stand-in Graph API, {pace}")


@asynccontextmanager
async def telegram_stand_in(kinds: dict[str, str]) -> AsyncIterator[StandIn]:
    async with TelegramStub() as stub:
        blocked = {chat for chat, kind in kinds.items() if kind == "blocked"}
        for chat in blocked:
            stub.block_chat(int(chat))
        seen = 0

        def read() -> list[str]:  # every sendMessage call is recorded, refused ones too
            nonlocal seen
            fresh = stub.calls[seen:]
            seen += len(fresh)
            chats = (str(c.params.get("chat_id")) for c in fresh if c.method.lower() == "sendmessage")
            return [chat for chat in chats if chat not in blocked]

        environment = {"TELEGRAM_BOT_TOKEN": stub.token, "TELEGRAM_BASE_URL": stub.base_url}
        yield StandIn(
            "telegram", environment, Deliveries(read), f"stand-in Bot API, AIORateLimiter at {TELEGRAM_RATE}/s"
        )


# --- `kawan run` ----------------------------------------------------------------------------------------------


async def start_kawan(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )


async def until(
    condition: Callable[[], Awaitable[bool]], process: asyncio.subprocess.Process, timeout: float, what: str
) -> None:
    deadline = time.perf_counter() + timeout
    while not await condition():
        if process.returncode is not None:
            raise RuntimeError(f"kawan run exited ({process.returncode}) before {what}")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no {what} within {timeout:.0f} s")
        await asyncio.sleep(0.1)


# --- the figures ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One run's deliveries as the stand-in saw them."""

    messages: int
    seconds: float  # first delivery to last
    rate: float  # deliveries after the first stamp / seconds
    busiest_second: int  # most deliveries in any one-second window


def segment(stamps: list[tuple[float, int]], before: int) -> Segment:
    """The figures of `stamps` (a run's), `before` deliveries having come earlier."""
    if not stamps:
        return Segment(0, 0.0, 0.0, 0)
    times = [t for t, _ in stamps]
    counts = [before] + [c for _, c in stamps]
    seconds = times[-1] - times[0]
    rate = (counts[-1] - counts[1]) / seconds if seconds > 0 else 0.0
    busiest = max(counts[bisect.bisect_left(times, t + 1.0)] - counts[i] for i, t in enumerate(times))
    return Segment(counts[-1] - before, seconds, rate, busiest)


def describe(run: str, s: Segment, limit: int) -> str:
    versus = f" ({s.rate / limit - 1:+.2%} of the {limit}/s limit)" if limit else ""
    busiest = f" ({s.busiest_second / limit - 1:+.0%})" if limit else ""
    return (
        f"  {run}: {s.messages:,} messages in {s.seconds:.1f} s = {s.rate:.1f}/s{versus}; "
        f"busiest second {s.busiest_second:,}{busiest}"
    )


# --- the benchmark --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """What happened across the kill, as the stand-in and the database saw it."""

    at_kill: int  # deliveries when run 1 was killed (and what was already on the wire had arrived)
    in_flight: frozenset[str]  # chats whose rows run 1 left `sending`
    run1: Segment
    run2: Segment
    exit_code: int  # run 2's, after SIGTERM
    log: str  # both runs' standard error


async def kill_and_resume(api: StandIn, db: Path, log: Path, broadcast_id: int, expected: int, limit: int) -> Runs:
    """`kawan run` until a little past half is delivered, SIGKILL, then again until every recipient is marked."""
    deliveries = api.deliveries
    env = clean_environment(
        **api.environment, KAWAN_DB=str(db), KAWAN_LOG_LEVEL="INFO", KAWAN_WEBHOOK_PORT=str(free_port())
    )
    patience = 120 + (3 * expected / limit if limit else 300)

    async def halfway() -> bool:
        return deliveries.total >= expected // 2 + min(PAST_HALF, expected // 10)

    async def finished() -> bool:  # the database says so: every recipient marked
        return await asyncio.to_thread(waiting, db, api.channel) == 0

    sampler = asyncio.create_task(deliveries.keep_sampling())
    try:
        first = await start_kawan(env, log)
        await until(halfway, first, patience, "half delivered")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        await asyncio.sleep(SETTLE_SECONDS)
        deliveries.sample()
        at_kill, stamped = deliveries.total, len(deliveries.stamps)
        in_flight = frozenset(await asyncio.to_thread(statuses, db, broadcast_id, "sending"))
        print(f"run 1 killed (SIGKILL) at {at_kill:,} delivered; {len(in_flight):,} recipients left "
              "'sending' (in flight)")  # fmt: skip

        second = await start_kawan(env, log)
        await until(finished, second, patience, "finished broadcast")
        second.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(second.wait(), 60)
        deliveries.sample()
    except BaseException:
        print(log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        sampler.cancel()
    run1 = segment(deliveries.stamps[:stamped], 0)
    run2 = segment(deliveries.stamps[stamped:], at_kill)
    return Runs(at_kill, in_flight, run1, run2, exit_code, log.read_text())


def verdict(
    kinds: dict[str, str], final: dict[str, str], got: Counter[str], runs: Runs, channel: str, limit: int
) -> dict[str, bool]:
    """Print the figures; return each check and whether it passed."""
    expected = sum(1 for kind in kinds.values() if kind == "eligible")
    lost = [chat for chat, kind in kinds.items() if kind == "eligible" and got[chat] == 0]
    twice = {chat for chat, n in got.items() if n == 2}
    more = {chat for chat, n in got.items() if n > 2}
    unwanted = sum(n for chat, n in got.items() if kinds[chat] != "eligible")
    stray = sum(1 for chat in final if kinds[chat] in ("opted_out", "inactive"))  # never recipients at all
    wrong = Counter(
        f"{kinds[chat]} {status}" for chat, status in final.items() if FINAL_STATUS.get(kinds[chat]) != status
    )
    recovered = sum(int(n) for n in RECOVERED.findall(runs.log))
    skipped = [line for line in runs.log.splitlines() if SKIPPED_TICK in line]
    reminder_ticks_skipped = sum(1 for line in skipped if "ReminderRunner.tick" in line)  # must stay 0
    skipped_ticks = len(skipped) - reminder_ticks_skipped  # the announcer's own timer, busy sending: expected

    print("rates as the stand-in received them:")
    print(describe("run 1", runs.run1, limit))
    print(describe("run 2", runs.run2, limit))
    print(f"recipients: {len(final):,} ({expected:,} to get it); {expected - len(lost):,} got it, {len(lost)} lost; "
          f"{len(twice)} got it twice, {len(more)} more often; {len(runs.in_flight):,} were in flight at the kill, "
          f"{recovered:,} sent again by run 2")  # fmt: skip
    print("final statuses: " + ", ".join(f"{n:,} {s}" for s, n in sorted(Counter(final.values()).items())))
    print(f"messages to those who must not get it (opted out, inactive, blocked, outside the window): {unwanted}")
    if limit and max(runs.run1.busiest_second, runs.run2.busiest_second) > limit:
        why = "aiolimiter's bucket" if channel == "telegram" else "the Pacer catches up to Pacer.BURST of missed slots"
        print(f"note: single seconds above the limit: {why}")
    if skipped_ticks:
        print(f"note: the announcer's own timer found it still sending {skipped_ticks} times (expected)")
    print(f"reminder ticks held up by the broadcast: {reminder_ticks_skipped}")

    checks = {
        "no recipient lost": not lost,
        "nobody got it three times or more": not more,
        "only recipients in flight at the kill got it twice": twice <= runs.in_flight,
        "run 2 sent again exactly the recipients in flight": recovered == len(runs.in_flight),
        "nothing to those who must not get it": unwanted == 0 and stray == 0,
        f"every recipient's final status as expected {dict(wrong) or ''}".rstrip(): not wrong,
        "the kill came halfway (some sent, some left)": 0 < runs.at_kill < expected,
        "kawan run exited 0 on SIGTERM": runs.exit_code == 0,
        "reminders never held up by the broadcast": reminder_ticks_skipped == 0,
    }
    if limit:
        # AIORateLimiter (aiolimiter's leaky bucket) lets a second's worth through at once, then 30/s; the
        # WhatsApp Pacer never runs ahead of its schedule (it only catches up when behind)
        burst = TELEGRAM_RATE if channel == "telegram" else 0
        name = f"each run within {TOLERANCE:.0%} of the {limit}/s limit" + (f" (+{burst} at once)" if burst else "")
        segments = (runs.run1, runs.run2)
        checks[name] = all(s.rate * s.seconds <= limit * (1 + TOLERANCE) * s.seconds + burst for s in segments)
    return checks


async def run(users: int, channel: str, rate: int) -> bool:
    started = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    limit = rate if channel == "whatsapp" else TELEGRAM_RATE
    print(f"{now:%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        db, log = Path(tmp) / "bench.db", Path(tmp) / "kawan.log"
        kinds = build_database(db, channel, users, now)
        broadcast_id = await write_broadcast(db, now)
        population = Counter(kinds.values())
        expected = population["eligible"]
        print(f"{users:,} {channel} users, built in {time.perf_counter() - started:.1f} s: {expected:,} to get it; "
              + ", ".join(f"{n:,} {kind}" for kind, n in sorted(population.items()) if kind != "eligible"))  # fmt: skip
        stand_in: AbstractAsyncContextManager[StandIn] = (
            whatsapp_stand_in(kinds, rate) if channel == "whatsapp" else telegram_stand_in(kinds)
        )
        async with stand_in as api:
            print(f"kawan run against the {api.describe}")
            runs = await kill_and_resume(api, db, log, broadcast_id, expected, limit)
        final = await asyncio.to_thread(statuses, db, broadcast_id)
    checks = verdict(kinds, final, api.deliveries.per_chat, runs, channel, limit)
    kawan_cpu, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    print(f"wall time {time.perf_counter() - started:.1f} s ({api.deliveries.total:,} messages delivered); "
          f"CPU: kawan runs {kawan_cpu.ru_utime + kawan_cpu.ru_stime:.1f} s, this process (the stand-in) "
          f"{own.ru_utime + own.ru_stime:.1f} s; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--channel", choices=("whatsapp", "telegram"), default="whatsapp")
    parser.add_argument(
        "--rate", type=int, default=None, help=f"WhatsApp messages/s (default {DEFAULT_RATE}; 0: no pacing)"
    )
    args = parser.parse_args()
    if args.channel == "telegram" and args.rate not in (None, TELEGRAM_RATE):
        parser.error(f"Telegram's limiter is fixed at {TELEGRAM_RATE} messages/s")
    rate = DEFAULT_RATE if args.rate is None else args.rate
    sys.exit(0 if asyncio.run(run(args.users, args.channel, rate)) else 1)


if __name__ == "__main__":
    main()
