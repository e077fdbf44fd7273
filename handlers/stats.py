"""Weekly statistics: a short button-led flow to note downloads and earnings, and `/statistik`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.messages import Button, Reply
from bot.reminders.chart import render_chart
from bot.reminders.levels import counting_year, load_levels, progress
from bot.reminders.schedule import local_today, week_start
from bot.storage.reminder_store import PLATFORMS, WeekStat
from handlers.common import menu_button
from handlers.context import Turn
from handlers.reminders import store

WEEKS_SHOWN = 8
MAX_DOWNLOADS = 1_000_000
MAX_EARNINGS = Decimal(1_000_000)
ASK_DOWNLOADS, ASK_EARNINGS = "stats_downloads", "stats_earnings"
_NUMBER = re.compile(r"(?<![^\W\d_])\d[\d.,]*")  # not glued to a word: "kira2" is no number


def platform_name(turn: Turn, platform: str) -> str:
    names = {"shutterstock": "Shutterstock", "adobestock": "Adobe Stock", "freepik": "Freepik"}
    return names.get(platform) or turn._("Other")


def _platform_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(platform_name(turn, p), f"st:p:{p}") for p in PLATFORMS]
    return (
        (buttons[0], buttons[1]),
        (buttons[2], buttons[3]),
        (Button(turn._("✅ Done, show my chart"), "st:show"),),
    )


def _cancel_row(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return ((Button(turn._("Cancel"), "st:cancel"),),)


async def action(turn: Turn, arg: str) -> list[Reply]:
    """Buttons under `st:`: start, p:<platform>, show, cancel."""
    if arg.startswith("p:"):
        platform = arg[2:]
        if platform not in PLATFORMS:
            return await start(turn)
        week = week_start(local_today(turn.services.clock(), turn.user.timezone))
        await store(turn).set_state(turn.user.id, ASK_DOWNLOADS, {"platform": platform, "week": week.isoformat()})
        text = turn._(
            "How many downloads on {platform} this week? Type the number, e.g. 12.",
            platform=platform_name(turn, platform),
        )
        return [Reply(text, _cancel_row(turn))]
    if arg == "start":
        return await start(turn)
    if arg == "cancel":
        await store(turn).clear_state(turn.user.id)
        return [Reply(turn._("OK, cancelled."), ((menu_button(turn),),))]
    return await show(turn)


async def start(turn: Turn) -> list[Reply]:
    text = turn._("Which platform do you want to note for this week?")
    return [Reply(text, _platform_rows(turn), replace=True)]


async def continue_flow(turn: Turn, text: str) -> list[Reply] | None:
    """If the user is in the middle of noting statistics, take their typed number; else None."""
    s = store(turn)
    state = await s.get_state(turn.user.id)
    if state is None or state[0] not in (ASK_DOWNLOADS, ASK_EARNINGS):
        return None
    name, data = state
    platform = str(data["platform"])
    if name == ASK_DOWNLOADS:
        downloads = parse_whole(text)
        if downloads is None or downloads > MAX_DOWNLOADS:
            return [
                Reply(
                    turn._("I couldn't read that as a number. Type just the number of downloads, e.g. 12."),
                    _cancel_row(turn),
                )
            ]
        await s.set_state(turn.user.id, ASK_EARNINGS, {**data, "downloads": downloads})
        reply = turn._(
            "And the earnings on {platform} this week, in US dollars? E.g. 3,50 (type 0 if none).",
            platform=platform_name(turn, platform),
        )
        return [Reply(reply, _cancel_row(turn))]
    earnings = parse_money(text)
    if earnings is None or earnings > MAX_EARNINGS:
        return [
            Reply(
                turn._("I couldn't read that amount. Type dollars like 3,50 or 12 (type 0 if none)."), _cancel_row(turn)
            )
        ]
    stat = WeekStat(date.fromisoformat(str(data["week"])), platform, int(data["downloads"]), int(earnings * 100))
    await s.save_week_stat(turn.user.id, stat)
    await s.clear_state(turn.user.id)
    saved = turn._(
        "Saved: {platform}, {downloads} downloads, {money}. Another platform?",
        platform=platform_name(turn, platform),
        downloads=turn.t.number(stat.downloads),
        money=turn.t.money(Decimal(stat.earnings_cents) / 100, "USD"),
    )
    return [Reply(saved, _platform_rows(turn))]


def parse_whole(text: str) -> int | None:
    """`12`, `1.234` (Indonesian thousands) or `1,234` -> a whole number."""
    found = _NUMBER.search(text)
    if not found:
        return None
    digits = found.group().rstrip(".,")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        digits = digits.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() else None


def parse_money(text: str) -> Decimal | None:
    """`3,50` (Indonesian), `3.50`, `1.234,50` or `12` -> dollars with cents."""
    found = _NUMBER.search(text)
    if not found:
        return None
    raw = found.group().rstrip(".,")
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", ".") if len(raw.split(",")[-1]) <= 2 else raw.replace(",", "")
    elif raw.count(".") == 1 and len(raw.split(".")[-1]) == 3:
        raw = raw.replace(".", "")  # "1.500" is one thousand five hundred in Indonesian
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return value if value >= 0 else None


async def show(turn: Turn) -> list[Reply]:
    """The last weeks as a chart and a short summary, with Shutterstock level progress."""
    s = store(turn)
    today = local_today(turn.services.clock(), turn.user.timezone)
    this_week = week_start(today)
    first_week = this_week - timedelta(weeks=WEEKS_SHOWN - 1)
    year_start = week_start(date(today.year, 1, 1))
    stats = await s.week_stats(turn.user.id, min(first_week, year_start))
    recent = [st for st in stats if st.week_start >= first_week]
    if not recent:
        text = turn._("No statistics yet. Note this week's downloads and earnings — it takes a minute.")
        return [Reply(text, ((Button(turn._("📝 Note them now"), "st:start"),), (menu_button(turn),)))]

    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    downloads = {p: [0] * WEEKS_SHOWN for p in PLATFORMS if any(st.platform == p for st in recent)}
    for st in recent:
        downloads[st.platform][weeks.index(st.week_start)] += st.downloads
    total_downloads = sum(st.downloads for st in recent)
    total_cents = sum(st.earnings_cents for st in recent)
    per_week = [sum(v[i] for v in downloads.values()) for i in range(WEEKS_SHOWN)]
    best = max(range(WEEKS_SHOWN), key=lambda i: per_week[i])

    levels = load_levels(turn.services.settings.content_dir)
    year_downloads = sum(
        st.downloads for st in stats if st.platform == "shutterstock" and counting_year(st.week_start) == today.year
    )
    level = progress(levels, year_downloads)
    lines = [
        turn._(
            "📈 Last {weeks} weeks: {downloads} downloads, {money}.",
            weeks=WEEKS_SHOWN,
            downloads=turn.t.number(total_downloads),
            money=turn.t.money(Decimal(total_cents) / 100, "USD"),
        ),
        turn._(
            "Best week: starting {date} ({downloads} downloads).",
            date=turn.t.short_date(weeks[best]),
            downloads=turn.t.number(per_week[best]),
        ),
        turn._(
            "Shutterstock {year}: {downloads} downloads → Level {level} ({percent}% royalty).",
            year=today.year,
            downloads=turn.t.number(year_downloads),
            level=level.current.level,
            percent=level.current.royalty_percent,
        ),
    ]
    if level.next is not None:
        lines.append(
            turn._(
                "{missing} more downloads to Level {level} ({percent}%). Levels reset on 1 January.",
                missing=turn.t.number(level.to_next),
                level=level.next.level,
                percent=level.next.royalty_percent,
            )
        )
    lines.append(turn._("Checking once a week is plenty 🌿"))
    labels = {p: platform_name(turn, p) for p in PLATFORMS}
    chart_path = _chart_path(turn, today)
    render_chart(
        weeks, downloads, labels, [turn.t.short_date(w) for w in weeks], turn._("Downloads per week"), chart_path
    )
    buttons = ((Button(turn._("📝 Note this week"), "st:start"),), (menu_button(turn),))
    return [Reply("\n".join(lines), buttons, image=chart_path)]


def _chart_path(turn: Turn, today: date) -> Path:
    folder = turn.services.settings.db_path.resolve().parent / "kawan-charts"
    return folder / f"statistik-{turn.user.id}-{today.isoformat()}.png"
