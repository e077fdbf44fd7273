"""Property-based: random messages and button presses from several users never break what users trust us with.

Invariants, checked after every step of every generated conversation:
- no exception escapes a handler, and every reply fits Telegram's limits once rendered;
- a stored weekly figure is one the user typed (downloads of each media type, earnings with currency);
- an open flow step never stores a message that was not its answer;
- an upload day never holds more than 1,000 uploads;
- /hapusdata, confirmed, leaves nothing behind about that user.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram_render import MAX_TEXT, render
from bot.config import Settings
from bot.faq.engine import FaqEngine
from bot.messages import MAX_ACTION_BYTES, Incoming, Reply, UserRef
from bot.services import open_services
from bot.stats.amounts import Money, NotAnAnswer, Refusal, parse_count, parse_money
from handlers import Conversation
from tests.conftest import CONTENT_DIR, MODEL_CACHE

TEXTS = [
    "/start", "/menu", "/statistik", "/upload", "/upload 3", "/upload tiga", "/upload 999", "/streak",
    "/pengingat", "/pengingat upload 19:00", "/pengingat upload jam 7 malam", "/pengingat libur 2",
    "/pengingat mati", "/zona makassar", "/hapusdata", "/bantuan", "12", "0", "7", "3,50", "1.234,50",
    "Rp50.000", "50rb", "-5", "3-4", "1e5", "1.5k", "0,005", "50.000", "6000", "ya", "ubah", "\u200b7",
    "kenapa 5 foto saya ditolak terus ya", "npwp 2024 gimana", "halo", "🙏", "apa itu microstock",
    "level", "resep rendang", "",
]  # fmt: skip
ACTIONS = [
    "st:start", "st:weeks", "st:p:shutterstock", "st:p:adobestock", "st:m:both:note", "st:ok", "st:redo",
    "st:cancel", "st:show", "del:yes", "del:no", "menu", "up:done:today", "up:rest:today", "up:fix:today",
    "up:fixcancel", "rem:resume", "rem:off", "rem:on", "tgt:5", "zona:WIT", "none:1", "faq:burnout", "junk:x",
]  # fmt: skip

USERS = st.integers(0, 2)
FLOW_OPENERS = ["st:p:adobestock", "st:p:freepik", "st:p:adobestock", "st:m:both:note", "up:fix:today", "st:start"]
FIGURES_AND_SENTENCES = ["12", "0", "3,50", "Rp50.000", "50.000", "6000", "-5", "3-4", "ya", "kenapa 5 foto ditolak",
                         "npwp 2024 gimana", "halo kak", "1.5k", "0,005", "tiga"]  # fmt: skip
single = st.one_of(
    st.tuples(USERS, st.just("text"), st.sampled_from(TEXTS)),
    st.tuples(USERS, st.just("text"), st.text(max_size=40)),
    st.tuples(USERS, st.just("action"), st.sampled_from(ACTIONS)),
    st.tuples(USERS, st.just("tap"), st.integers(0, 12)),  # a button of the user's last reply
    st.tuples(USERS, st.just("wait"), st.integers(1, 45)),  # minutes pass
)


@st.composite
def flow_chunk(draw: st.DrawFn) -> list[tuple[int, str, object]]:
    """A user opens a flow and answers (or does not): where misfiling would happen."""
    who = draw(USERS)
    steps = [(who, "action", draw(st.sampled_from(FLOW_OPENERS)))]
    if draw(st.booleans()):
        steps.append((who, "text", draw(st.sampled_from(["12", "0", "tiga", "6000", "7 foto"]))))
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "text", "text", "tap", "action"]))
        if kind == "text":
            steps.append((who, "text", draw(st.sampled_from(FIGURES_AND_SENTENCES))))
        elif kind == "tap":
            steps.append((who, "tap", draw(st.integers(0, 12))))
        else:
            steps.append((who, "action", draw(st.sampled_from(ACTIONS))))
    return steps


events_strategy = st.lists(st.one_of(single.map(lambda e: [e]), flow_chunk()), min_size=1, max_size=15).map(
    lambda chunks: [e for chunk in chunks for e in chunk]
)


def _typed_figures(text: str) -> tuple[set[int], set[tuple[str, int]]]:
    counts: set[int] = set()
    money: set[tuple[str, int]] = set()
    try:
        count = parse_count(text)
        if not isinstance(count, Refusal):
            counts.add(count)
    except NotAnAnswer:
        pass
    try:
        amount = parse_money(text)
        if isinstance(amount, Money):
            money.add((amount.currency, amount.minor))
    except NotAnAnswer:
        pass
    return counts, money


def _check_fits_telegram(replies: list[Reply]) -> None:
    for reply in replies:
        for message in render(reply):
            assert len(message.html) <= MAX_TEXT * 2  # HTML escaping may lengthen; Telegram counts parsed text
        for button in reply.all_buttons:
            assert button.label.strip() and len(button.action.encode()) <= MAX_ACTION_BYTES


async def _run(engine: FaqEngine, events: list[tuple[int, str, object]], folder: Path) -> None:
    settings_ = Settings(db_path=folder / "k.db", content_dir=CONTENT_DIR, cache_dir=MODEL_CACHE)
    services = await open_services(settings_, engine)
    now = [datetime(2026, 11, 30, 2, tzinfo=UTC)]
    services.clock = lambda: now[0]
    conversation = Conversation(services)
    db = services.db
    typed_counts: dict[str, set[int]] = {}
    typed_money: dict[str, set[tuple[str, int]]] = {}
    last: dict[str, list[Reply]] = {}
    try:
        for who, kind, payload in events:
            user = UserRef("test", f"u{who}")
            if kind == "wait":
                now[0] += timedelta(minutes=int(str(payload)))
                continue
            if kind == "tap":
                buttons = [b for r in last.get(user.chat_id, []) for b in r.all_buttons]
                if not buttons:
                    continue
                incoming = Incoming(user, action=buttons[int(str(payload)) % len(buttons)].action)
            elif kind == "action":
                incoming = Incoming(user, action=str(payload))
            else:
                incoming = Incoming(user, text=str(payload))
                counts, money = _typed_figures(str(payload).replace("\u200b", ""))
                typed_counts.setdefault(user.chat_id, set()).update(counts)
                typed_money.setdefault(user.chat_id, set()).update(money)
            before = await db.fetch_all("SELECT * FROM weekly_stats")
            replies = await conversation.handle(incoming)
            _check_fits_telegram(replies)
            last[user.chat_id] = replies
            after = await db.fetch_all("SELECT * FROM weekly_stats")
            stored = await services.users.get("test", user.chat_id)
            if [tuple(r) for r in after] != [tuple(r) for r in before]:
                # something was stored by this very message or button: every figure was typed by its user
                for row in after:
                    owner = await db.fetch_one("SELECT chat_id FROM users WHERE id = ?", (row["user_id"],))
                    assert owner is not None
                    chat = str(owner[0])
                    assert (row["currency"], row["earnings_minor"]) in typed_money.get(chat, set()), dict(row)
                    split = [row[c] for c in ("image_downloads", "video_downloads") if row[c] is not None]
                    for value in split or [row["downloads"]]:
                        assert value in typed_counts.get(chat, set()), dict(row)
                if kind == "text":
                    text = str(payload).replace("\u200b", "")
                    answer_like = _typed_figures(text)[1] or text.strip().lower() in ("ya", "iya", "benar", "y")
                    assert answer_like, f"{text!r} was not a figure but something was stored"
            uploads = await db.fetch_one("SELECT MAX(count) FROM uploads")
            assert uploads is None or uploads[0] is None or uploads[0] <= 1000
            if incoming.action == "del:yes" and stored is None:
                for table in ("reminders", "uploads", "rest_days", "weekly_stats", "conversation_state"):
                    row = await db.fetch_one(
                        f"SELECT COUNT(*) FROM {table} t"
                        " WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)"
                    )
                    assert row is not None and row[0] == 0, table
                leftovers = await db.fetch_one("SELECT COUNT(*) FROM users WHERE chat_id = ?", (user.chat_id,))
                assert leftovers is not None and leftovers[0] == 0
    finally:
        await services.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=events_strategy)
def test_random_conversations_keep_every_promise(engine: FaqEngine, events: list[tuple[int, str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_run(engine, events, Path(folder)))
