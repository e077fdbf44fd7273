"""Weekly statistics: a short button-led flow to note downloads and earnings, and `/statistik`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.messages import Button, Reply
from bot.reminders.chart import render_chart
from bot.reminders.schedule import local_today, week_start
from bot.stats.levels import IMAGE, MEDIA, VIDEO, counting_year, progress
from bot.storage.reminder_store import PLATFORMS, WeekStat
from handlers.common import menu_button
from handlers.context import Turn
from handlers.reminders import store

WEEKS_SHOWN = 8
MAX_DOWNLOADS = 1_000_000
MAX_EARNINGS = Decimal(1_000_000)
ASK_DOWNLOADS, ASK_EARNINGS = "stats_downloads", "stats_earnings"
SHUTTERSTOCK, BOTH = "shutterstock", "both"
SELLS = (IMAGE, VIDEO, BOTH)  # what a user can sell on Shutterstock
ALL = "all"  # the downloads question of a platform without media types
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
    """Buttons under `st:`: start, p:<platform>, m:<sells>:<note|show>, media, show, cancel."""
    if arg.startswith("p:"):
        platform = arg[2:]
        if platform not in PLATFORMS:
            return await start(turn)
        if platform != SHUTTERSTOCK:
            return await _ask_downloads(turn, platform, [ALL])
        sells = await store(turn).shutterstock_media(turn.user.id)
        if sells is None:
            return [_ask_what_is_sold(turn, "note")]
        return await _ask_downloads(turn, platform, _parts(sells))
    if arg.startswith("m:"):
        sells, _sep, then = arg[2:].partition(":")
        if sells not in SELLS:
            return [_ask_what_is_sold(turn, then)]
        await store(turn).set_shutterstock_media(turn.user.id, sells)
        if then == "note":
            return await _ask_downloads(turn, SHUTTERSTOCK, _parts(sells))
        return await show(turn)
    if arg == "media":
        return [_ask_what_is_sold(turn, "show")]
    if arg == "start":
        return await start(turn)
    if arg == "cancel":
        await store(turn).clear_state(turn.user.id)
        return [Reply(turn._("OK, cancelled."), ((menu_button(turn),),))]
    return await show(turn)


def _parts(sells: str) -> list[str]:
    """The downloads questions for a Shutterstock seller: one per media type they sell."""
    return [IMAGE, VIDEO] if sells == BOTH else [sells]


def _ask_what_is_sold(turn: Turn, then: str) -> Reply:
    then = then if then in ("note", "show") else "show"
    text = turn._(
        "What do you sell on Shutterstock? Photos/illustrations and videos climb separate levels, "
        "so I count their downloads separately."
    )
    buttons = (
        (Button(turn._("📷 Photos & illustrations"), f"st:m:{IMAGE}:{then}"),),
        (Button(turn._("🎬 Videos"), f"st:m:{VIDEO}:{then}"),),
        (Button(turn._("📷🎬 Both"), f"st:m:{BOTH}:{then}"),),
        (Button(turn._("Cancel"), "st:cancel"),),
    )
    return Reply(text, buttons)


def _downloads_question(turn: Turn, platform: str, part: str) -> str:
    if part == IMAGE:
        return turn._("How many photo and illustration downloads on Shutterstock this week? Type the number, e.g. 12.")
    if part == VIDEO:
        return turn._("How many video downloads on Shutterstock this week? Type the number, e.g. 3.")
    return turn._(
        "How many downloads on {platform} this week? Type the number, e.g. 12.", platform=platform_name(turn, platform)
    )


async def _ask_downloads(turn: Turn, platform: str, parts: list[str]) -> list[Reply]:
    week = week_start(local_today(turn.services.clock(), turn.user.timezone))
    data = {"platform": platform, "week": week.isoformat(), "parts": parts, "got": {}}
    await store(turn).set_state(turn.user.id, ASK_DOWNLOADS, data)
    return [Reply(_downloads_question(turn, platform, parts[0]), _cancel_row(turn))]


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
    parts = [str(p) for p in data.get("parts") or [ALL]]
    got = {str(k): int(v) for k, v in dict(data.get("got") or {}).items()}
    if name == ASK_DOWNLOADS:
        downloads = parse_whole(text)
        if downloads is None or downloads > MAX_DOWNLOADS:
            return [
                Reply(
                    turn._("I couldn't read that as a number. Type just the number of downloads, e.g. 12."),
                    _cancel_row(turn),
                )
            ]
        got[parts[len(got)]] = downloads
        if len(got) < len(parts):
            await s.set_state(turn.user.id, ASK_DOWNLOADS, {**data, "got": got})
            return [Reply(_downloads_question(turn, platform, parts[len(got)]), _cancel_row(turn))]
        await s.set_state(turn.user.id, ASK_EARNINGS, {**data, "got": got})
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
    stat = WeekStat(
        date.fromisoformat(str(data["week"])),
        platform,
        sum(got.values()),
        int(earnings * 100),
        image_downloads=got.get(IMAGE),
        video_downloads=got.get(VIDEO),
    )
    await s.save_week_stat(turn.user.id, stat)
    await s.clear_state(turn.user.id)
    money = turn.t.money(Decimal(stat.earnings_cents) / 100, "USD")
    if stat.image_downloads is not None and stat.video_downloads is not None:
        saved = turn._(
            "Saved: {platform}, {images} photo and {videos} video downloads, {money}. Another platform?",
            platform=platform_name(turn, platform),
            images=turn.t.number(stat.image_downloads),
            videos=turn.t.number(stat.video_downloads),
            money=money,
        )
    else:
        saved = turn._(
            "Saved: {platform}, {downloads} downloads, {money}. Another platform?",
            platform=platform_name(turn, platform),
            downloads=turn.t.number(stat.downloads),
            money=money,
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
    ]
    sells = await s.shutterstock_media(turn.user.id)
    this_year = [st for st in stats if st.platform == SHUTTERSTOCK and counting_year(st.week_start) == today.year]
    extra_buttons: tuple[tuple[Button, ...], ...] = ()
    if sells is None:
        if this_year:
            lines.append(turn._("Tell me what you sell on Shutterstock to see your level progress."))
            extra_buttons = ((Button(turn._("Show my Shutterstock level"), "st:media"),),)
    else:
        lines.extend(_level_lines(turn, this_year, sells, today.year))
        extra_buttons = ((Button(turn._("Change photo/video"), "st:media"),),)
    lines.append(turn._("Checking once a week is plenty 🌿"))
    labels = {p: platform_name(turn, p) for p in PLATFORMS}
    chart_path = _chart_path(turn, today)
    render_chart(
        weeks, downloads, labels, [turn.t.short_date(w) for w in weeks], turn._("Downloads per week"), chart_path
    )
    buttons = ((Button(turn._("📝 Note this week"), "st:start"),), *extra_buttons, (menu_button(turn),))
    return [Reply("\n".join(lines), buttons, image=chart_path)]


def _level_lines(turn: Turn, year_stats: list[WeekStat], sells: str, year: int) -> list[str]:
    """Level progress for each media type the user sells, from the content's level tables."""
    tables = turn.services.content.levels
    lines = []
    unsplit = 0
    for media in MEDIA:
        if sells not in (media, BOTH):
            continue
        counted = [_media_downloads(st, media, sells) for st in year_stats]
        unsplit = max(unsplit, sum(st.downloads for st, n in zip(year_stats, counted, strict=True) if n is None))
        downloads = sum(n for n in counted if n is not None)
        level = progress(tables[media], downloads)
        values = {
            "year": year,
            "downloads": turn.t.number(downloads),
            "level": level.current.level,
            "percent": level.current.royalty_percent,
        }
        if media == IMAGE:
            lines.append(
                turn._("Shutterstock {year}, photos: {downloads} downloads → Level {level} ({percent}%).", **values)
            )
        else:
            lines.append(
                turn._("Shutterstock {year}, videos: {downloads} downloads → Level {level} ({percent}%).", **values)
            )
        if level.next is not None:
            lines.append(
                turn._(
                    "{missing} more to Level {level} ({percent}%).",
                    missing=turn.t.number(level.to_next),
                    level=level.next.level,
                    percent=level.next.royalty_percent,
                )
            )
    if unsplit:
        lines.append(
            turn._(
                "{downloads} older Shutterstock downloads were noted without photo/video "
                "and are left out of the levels.",
                downloads=turn.t.number(unsplit),
            )
        )
    lines.append(turn._("Photo and video levels are counted separately and reset on 1 January."))
    return lines


def _media_downloads(stat: WeekStat, media: str, sells: str) -> int | None:
    """A week's downloads of one media type; None when the week was noted without the split."""
    split = stat.image_downloads if media == IMAGE else stat.video_downloads
    if split is not None:
        return split
    if stat.image_downloads is None and stat.video_downloads is None:
        # noted before media types were asked: it is this type only if that is all the user sells
        return stat.downloads if sells == media else None
    return 0  # the week was split, and this type was not among what the user sold then


def _chart_path(turn: Turn, today: date) -> Path:
    folder = turn.services.settings.db_path.resolve().parent / "kawan-charts"
    return folder / f"statistik-{turn.user.id}-{today.isoformat()}.png"
