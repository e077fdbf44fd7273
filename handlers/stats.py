"""Weekly statistics: a short button-led flow to note downloads and earnings, and `/statistik`.

The flow notes the last complete Monday-to-Sunday week unless the user picks another, names its dates,
takes only figures it can read for sure (bot/stats/amounts.py), keeps rupiah as rupiah, and asks before
saving a figure that is implausible for one week.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.messages import Button, Reply
from bot.reminders.schedule import local_today, week_start
from bot.stats.amounts import (
    IDR,
    USD,
    Money,
    NotAnAnswer,
    Refusal,
    is_plausible_downloads,
    is_plausible_money,
    parse_count,
    parse_money,
)
from bot.stats.chart import chart_file, render_chart
from bot.stats.levels import IMAGE, MEDIA, VIDEO, counting_year, progress
from bot.stats.model import PLATFORMS, WeekStat
from handlers.common import menu_button
from handlers.context import Turn
from handlers.steps import StepResult, close_step, current, open_step, step

WEEKS_SHOWN = 8
WEEKS_PICKABLE = 4  # the last complete weeks a user can note, besides the current one
ASK_DOWNLOADS, ASK_EARNINGS, CONFIRM = "stats_downloads", "stats_earnings", "stats_confirm"
SHUTTERSTOCK, BOTH = "shutterstock", "both"
SELLS = (IMAGE, VIDEO, BOTH)  # what a user can sell on Shutterstock
ALL = "all"  # the downloads question of a platform without media types


def platform_name(turn: Turn, platform: str) -> str:
    names = {"shutterstock": "Shutterstock", "adobestock": "Adobe Stock", "freepik": "Freepik"}
    return names.get(platform) or turn._("Other")


def last_complete_week(today: date) -> date:
    """The Monday of the last Monday-to-Sunday week that has ended."""
    return week_start(today) - timedelta(weeks=1)


def _today(turn: Turn) -> date:
    return local_today(turn.services.clock(), turn.user.timezone)


def _week_arg(turn: Turn, text: str) -> date:
    """A week from a button (its Monday), kept within the weeks a user may note; else the last complete one."""
    today = _today(turn)
    try:
        week = week_start(date.fromisoformat(text))
    except ValueError:
        return last_complete_week(today)
    earliest = last_complete_week(today) - timedelta(weeks=WEEKS_PICKABLE - 1)
    return week if earliest <= week <= week_start(today) else last_complete_week(today)


def _platform_rows(turn: Turn, week: date) -> tuple[tuple[Button, ...], ...]:
    w = week.isoformat()
    buttons = [Button(platform_name(turn, p), f"st:p:{p}:{w}") for p in PLATFORMS]
    return (
        (buttons[0], buttons[1]),
        (buttons[2], buttons[3]),
        (Button(turn._("📅 Another week"), "st:weeks"), Button(turn._("✅ Done"), "st:show")),
    )


def _cancel_row(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return ((Button(turn._("Cancel"), "st:cancel"),),)


async def action(turn: Turn, arg: str) -> list[Reply]:
    """Buttons under `st:`: start, weeks, w:<monday>, p:<platform>:<monday>, m:<sells>:<then>[:<monday>],
    media, ok, redo, show, cancel."""
    what, _sep, rest = arg.partition(":")
    if what == "start":
        return start(turn, last_complete_week(_today(turn)))
    if what == "weeks":
        return [_week_picker(turn)]
    if what == "w":
        return start(turn, _week_arg(turn, rest))
    if what == "p":
        platform, _sep, week_text = rest.partition(":")
        week = _week_arg(turn, week_text)
        if platform not in PLATFORMS:
            return start(turn, week)
        if platform != SHUTTERSTOCK:
            return await _ask_downloads(turn, platform, [ALL], week)
        sells = await turn.services.users.shutterstock_media(turn.user.id)
        if sells is None:
            return [_ask_what_is_sold(turn, "note", week)]
        return await _ask_downloads(turn, platform, _parts(sells), week)
    if what == "m":
        sells, _sep, tail = rest.partition(":")
        then, _sep, week_text = tail.partition(":")
        week = _week_arg(turn, week_text)
        if sells not in SELLS:
            return [_ask_what_is_sold(turn, then, week)]
        await turn.services.users.set_shutterstock_media(turn.user.id, sells)
        if then == "note":
            return await _ask_downloads(turn, SHUTTERSTOCK, _parts(sells), week)
        return await show(turn)
    if what == "media":
        return [_ask_what_is_sold(turn, "show", last_complete_week(_today(turn)))]
    if what in ("ok", "redo"):
        return await _confirmed(turn, what == "ok")
    if what == "cancel":
        await close_step(turn)
        return [Reply(turn._("OK, cancelled. Nothing was saved."), ((menu_button(turn),),))]
    return await show(turn)


def start(turn: Turn, week: date) -> list[Reply]:
    text = turn._("Noting the week of {week}. Which platform?", week=turn.t.week(week))
    return [Reply(text, _platform_rows(turn, week), replace=True)]


def _week_picker(turn: Turn) -> Reply:
    today = _today(turn)
    newest = last_complete_week(today)
    weeks = [newest - timedelta(weeks=i) for i in range(WEEKS_PICKABLE)]
    buttons = [
        (Button(turn._("This week ({week})", week=turn.t.week(week_start(today))), f"st:w:{week_start(today)}"),)
    ]
    buttons += [(Button(turn.t.week(w), f"st:w:{w.isoformat()}"),) for w in weeks]
    buttons.append((Button(turn._("⬅️ Back"), f"st:w:{newest.isoformat()}"),))
    return Reply(turn._("Which week do you want to note?"), tuple(buttons), replace=True)


def _parts(sells: str) -> list[str]:
    """The downloads questions for a Shutterstock seller: one per media type they sell."""
    return [IMAGE, VIDEO] if sells == BOTH else [sells]


def _ask_what_is_sold(turn: Turn, then: str, week: date) -> Reply:
    then = then if then in ("note", "show") else "show"
    w = week.isoformat()
    text = turn._(
        "What do you sell on Shutterstock? Photos/illustrations and videos climb separate levels, "
        "so I count their downloads separately."
    )
    buttons = (
        (Button(turn._("📷 Photos & illustrations"), f"st:m:{IMAGE}:{then}:{w}"),),
        (Button(turn._("🎬 Videos"), f"st:m:{VIDEO}:{then}:{w}"),),
        (Button(turn._("📷🎬 Both"), f"st:m:{BOTH}:{then}:{w}"),),
        (Button(turn._("Cancel"), "st:cancel"),),
    )
    return Reply(text, buttons)


def _downloads_question(turn: Turn, platform: str, part: str, week: date) -> str:
    when = turn.t.week(week)
    if part == IMAGE:
        return turn._(
            "How many photo and illustration downloads on Shutterstock in {week}? Type the number, e.g. 12.", week=when
        )
    if part == VIDEO:
        return turn._("How many video downloads on Shutterstock in {week}? Type the number, e.g. 3.", week=when)
    return turn._(
        "How many downloads on {platform} in {week}? Type the number, e.g. 12.",
        platform=platform_name(turn, platform),
        week=when,
    )


def _earnings_question(turn: Turn, platform: str, week: date) -> str:
    return turn._(
        "And the earnings on {platform} in {week}? In dollars like 3,50 — or in rupiah like Rp50.000 (type 0 if none).",
        platform=platform_name(turn, platform),
        week=turn.t.week(week),
    )


async def _ask_downloads(turn: Turn, platform: str, parts: list[str], week: date) -> list[Reply]:
    data = {"platform": platform, "week": week.isoformat(), "parts": parts, "got": {}}
    await open_step(turn, ASK_DOWNLOADS, data)
    return [Reply(_downloads_question(turn, platform, parts[0], week), _cancel_row(turn))]


def _open_step_line(turn: Turn, data: dict[str, Any]) -> Reply:
    """The one line that follows a normal answer while a stats step is open."""
    text = turn._(
        "⏳ You are still noting {platform} for {week}: type the figure I asked for, or tap Cancel.",
        platform=platform_name(turn, str(data["platform"])),
        week=turn.t.week(date.fromisoformat(str(data["week"]))),
    )
    return Reply(text, _cancel_row(turn))


def _refusal(turn: Turn, refusal: Refusal, money: bool) -> str:
    if refusal is Refusal.RANGE:
        return turn._("Please type one number, not a range — for example 12.")
    if refusal is Refusal.NEGATIVE:
        return turn._("The figure can't be below zero. Type 0 if there was nothing.")
    if refusal is Refusal.TOO_LARGE:
        return turn._("That number is too large for one week. Check it and type it again.")
    if money and refusal is Refusal.TOO_PRECISE:
        return turn._("Write the cents with at most two digits, for example 3,50 — or in rupiah, e.g. Rp50.000.")
    if money:
        return turn._("I couldn't read that amount for sure. Type it like 3,50 (dollars) or Rp50.000 (rupiah).")
    return turn._("I couldn't read that as a number. Type just the number of downloads, e.g. 12.")


def _progress(data: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
    """The downloads questions of this flow, and the answers given so far."""
    parts = [str(p) for p in data.get("parts") or [ALL]]
    got = {str(k): int(v) for k, v in dict(data.get("got") or {}).items()}
    return parts, got


@step(ASK_DOWNLOADS, "st:cancel", "st:ok", "st:redo")
async def on_downloads(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    parts, got = _progress(data)
    try:
        count = parse_count(text)
    except NotAnAnswer:
        return StepResult(reminder=_open_step_line(turn, data))
    if isinstance(count, Refusal):
        return StepResult([Reply(_refusal(turn, count, money=False), _cancel_row(turn))])
    part = parts[len(got)]
    if not is_plausible_downloads(count):
        return StepResult(await _confirm(turn, data, {"kind": "downloads", "part": part, "value": count}))
    return StepResult(await _take_downloads(turn, data, part, count))


async def _take_downloads(turn: Turn, data: dict[str, Any], part: str, count: int) -> list[Reply]:
    parts, got = _progress(data)
    got[part] = count
    week = date.fromisoformat(str(data["week"]))
    platform = str(data["platform"])
    if len(got) < len(parts):
        await open_step(turn, ASK_DOWNLOADS, {**data, "got": got})
        return [Reply(_downloads_question(turn, platform, parts[len(got)], week), _cancel_row(turn))]
    await open_step(turn, ASK_EARNINGS, {**data, "got": got})
    return [Reply(_earnings_question(turn, platform, week), _cancel_row(turn))]


@step(ASK_EARNINGS, "st:cancel", "st:ok", "st:redo")
async def on_earnings(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    try:
        money = parse_money(text)
    except NotAnAnswer:
        return StepResult(reminder=_open_step_line(turn, data))
    if isinstance(money, Refusal):
        return StepResult([Reply(_refusal(turn, money, money=True), _cancel_row(turn))])
    if not is_plausible_money(money):
        pending = {"kind": "money", "currency": money.currency, "value": money.minor}
        return StepResult(await _confirm(turn, data, pending))
    return StepResult(await _save(turn, data, money))


async def _confirm(turn: Turn, data: dict[str, Any], pending: dict[str, Any]) -> list[Reply]:
    """A figure far beyond one week's usual: ask before it is stored."""
    await open_step(turn, CONFIRM, {**data, "pending": pending})
    week = turn.t.week(date.fromisoformat(str(data["week"])))
    if pending["kind"] == "downloads":
        figure = turn._("{n} downloads", n=turn.t.number(int(pending["value"])))
    else:
        figure = _money_text(turn, Money(str(pending["currency"]), int(pending["value"])))
    text = turn._("{figure} in one week ({week})? That's a lot — is it right?", figure=figure, week=week)
    buttons = ((Button(turn._("✅ Yes, that's right"), "st:ok"), Button(turn._("✏️ Change"), "st:redo")),)
    return [Reply(text, buttons)]


@step(CONFIRM, "st:cancel", "st:ok", "st:redo")
async def on_confirm(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    answer = text.strip().lower()
    if answer in ("ya", "iya", "y", "yes", "benar", "betul", "bener"):
        return StepResult(await _confirmed(turn, True))
    if answer in ("tidak", "ga", "gak", "nggak", "no", "ubah", "salah", "bukan"):
        return StepResult(await _confirmed(turn, False))
    return StepResult(reminder=_open_step_line(turn, data))


async def _confirmed(turn: Turn, yes: bool) -> list[Reply]:
    state = await current(turn)
    if state is None or state[0] != CONFIRM:
        return [Reply(turn._("That question has expired. Start again with /statistik."), ((menu_button(turn),),))]
    data = state[1]
    pending = dict(data.pop("pending"))
    week = date.fromisoformat(str(data["week"]))
    platform = str(data["platform"])
    if pending["kind"] == "downloads":
        if yes:
            return await _take_downloads(turn, data, str(pending["part"]), int(pending["value"]))
        await open_step(turn, ASK_DOWNLOADS, data)
        return [Reply(_downloads_question(turn, platform, str(pending["part"]), week), _cancel_row(turn))]
    if yes:
        return await _save(turn, data, Money(str(pending["currency"]), int(pending["value"])))
    await open_step(turn, ASK_EARNINGS, data)
    return [Reply(_earnings_question(turn, platform, week), _cancel_row(turn))]


async def _save(turn: Turn, data: dict[str, Any], money: Money) -> list[Reply]:
    _parts, got = _progress(data)
    week = date.fromisoformat(str(data["week"]))
    platform = str(data["platform"])
    stat = WeekStat(
        week,
        platform,
        sum(got.values()),
        money.minor,
        image_downloads=got.get(IMAGE),
        video_downloads=got.get(VIDEO),
        currency=money.currency,
    )
    await turn.services.week_stats.save(turn.user.id, stat)
    await close_step(turn)
    values = {"platform": platform_name(turn, platform), "week": turn.t.week(week), "money": _money_text(turn, money)}
    if stat.image_downloads is not None and stat.video_downloads is not None:
        saved = turn._(
            "Saved for {week}: {platform}, {images} photo and {videos} video downloads, {money}. Another platform?",
            images=turn.t.number(stat.image_downloads),
            videos=turn.t.number(stat.video_downloads),
            **values,
        )
    else:
        saved = turn._(
            "Saved for {week}: {platform}, {downloads} downloads, {money}. Another platform?",
            downloads=turn.t.number(stat.downloads),
            **values,
        )
    return [Reply(saved, _platform_rows(turn, week))]


def _money_text(turn: Turn, money: Money) -> str:
    return turn.t.money(money.amount, money.currency)


def _totals_text(turn: Turn, stats: list[WeekStat]) -> str:
    """Earnings per currency as typed: `US$12,25 + Rp50.000` (no invented exchange rate)."""
    totals = {USD: 0, IDR: 0}
    for st in stats:
        totals[st.currency] = totals.get(st.currency, 0) + st.earnings_minor
    parts = [_money_text(turn, Money(c, v)) for c, v in totals.items() if v]
    return " + ".join(parts) if parts else _money_text(turn, Money(USD, 0))


async def show(turn: Turn) -> list[Reply]:
    """The last weeks as a chart and a short summary, with Shutterstock level progress."""
    today = _today(turn)
    this_week = week_start(today)
    first_week = this_week - timedelta(weeks=WEEKS_SHOWN - 1)
    year_start = week_start(date(today.year, 1, 1))
    stats = await turn.services.week_stats.since(turn.user.id, min(first_week, year_start))
    recent = [st for st in stats if st.week_start >= first_week]
    if not recent:
        text = turn._("No statistics yet. Note last week's downloads and earnings — it takes a minute.")
        return [Reply(text, ((Button(turn._("📝 Note them now"), "st:start"),), (menu_button(turn),)))]

    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    downloads = {p: [0] * WEEKS_SHOWN for p in PLATFORMS if any(st.platform == p for st in recent)}
    for st in recent:
        downloads[st.platform][weeks.index(st.week_start)] += st.downloads
    total_downloads = sum(st.downloads for st in recent)
    per_week = [sum(v[i] for v in downloads.values()) for i in range(WEEKS_SHOWN)]
    best = max(range(WEEKS_SHOWN), key=lambda i: per_week[i])

    lines = [
        turn._(
            "📈 Last {weeks} weeks: {downloads} downloads, {money}.",
            weeks=WEEKS_SHOWN,
            downloads=turn.t.number(total_downloads),
            money=_totals_text(turn, recent),
        ),
        turn._(
            "Best week: {week} ({downloads} downloads).",
            week=turn.t.week(weeks[best]),
            downloads=turn.t.number(per_week[best]),
        ),
    ]
    sells = await turn.services.users.shutterstock_media(turn.user.id)
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
    buttons = ((Button(turn._("📝 Note a week"), "st:start"),), *extra_buttons, (menu_button(turn),))
    return [Reply("\n".join(lines), buttons, image=chart_path)]


def _level_lines(turn: Turn, year_stats: list[WeekStat], sells: str, year: int) -> list[str]:
    """Level progress for each media type the user sells, from the content's level tables."""
    tables = turn.services.levels
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
    return chart_file(turn.services.settings.cache_dir, turn.user.id, today)
