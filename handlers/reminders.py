"""Reminder subscriptions, the reminder messages themselves, uploads, streaks and time zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator, translator
from bot.messages import Button, Reply, rows
from bot.reminders.model import STATS, UPLOAD, DueReminder, Reminder
from bot.reminders.schedule import (
    ZONE_NAMES,
    ZONE_REGIONS,
    ZONES,
    ClockTime,
    in_zone,
    local_today,
    parse_clock,
    parse_time,
    parse_weekday,
    zone_for,
)
from bot.reminders.streak import StreakStatus, is_overworking, milestone_reached, streak_status
from bot.stats.amounts import NotAnAnswer, Refusal, parse_count
from bot.storage.reminders import ReminderRepo
from handlers.common import menu_button
from handlers.context import Turn
from handlers.steps import StepResult, close_step, open_step, step

UPLOAD_TIMES = ("07:00", "12:00", "16:00", "19:00", "20:00", "21:00")
STATS_TIMES = ("08:00", "09:00", "12:00", "19:00", "20:00")
PAUSE_DAYS = (1, 3, 7)
MAX_PAUSE_DAYS = 30
MAX_UPLOADS_PER_DAY = 1000
LATE_TAP_DAYS = 2  # a reminder's buttons still count for its own day when tapped up to two days later
SNOOZE = timedelta(hours=1)
FIX_UPLOADS = "upload_fix"


def reminders_button(turn: Turn) -> Button:
    return Button(turn._("⏰ My reminders"), "rem:list")


def store(turn: Turn) -> ReminderRepo:
    return turn.services.reminders


def _now(turn: Turn) -> datetime:
    return turn.services.clock()


def _today(turn: Turn) -> date:
    return local_today(_now(turn), turn.user.timezone)


def _zone_name(zone: str) -> str:
    return ZONE_NAMES.get(zone, zone)


def _weekday_name(t: Translator, weekday: int) -> str:
    return t.weekday(weekday)


def _describe(turn: Turn, r: Reminder) -> str:
    at = f"{turn.t.time(r.local_time)} {_zone_name(turn.user.timezone)}"
    if r.kind == UPLOAD:
        line = turn._("⏰ Daily upload: {at}", at=at)
    else:
        line = turn._("📊 Weekly statistics: {day} {at}", day=_weekday_name(turn.t, r.weekday or 0), at=at)
    if not r.enabled:
        return line + " — " + turn._("off")
    if r.paused_until and r.paused_until > _today(turn):
        return line + " — " + turn._("paused, back on {date}", date=turn.t.date(r.paused_until))
    return line


# --- /pengingat --------------------------------------------------------------------------


async def command(turn: Turn, args: str) -> list[Reply]:
    """`/pengingat`, `/pengingat upload 19:00`, `/pengingat statistik senin 09:00` (either order), `mati`, `libur 3`.

    Times are read as people write them: `7`, `19.00`, `jam 7 malam`, `7 pagi`, `19:00 WITA`.
    """
    words = args.lower().split()
    if not words:
        return await overview(turn)
    head, rest = words[0], words[1:]
    if head == "upload":
        clock = parse_clock(" ".join(rest)) if rest else None
        if clock is None:
            return [
                Reply(turn._("Which time? For example: /pengingat upload 19:00. Or pick one:"), upload_time_rows(turn))
            ]
        return await set_upload(turn, clock)
    if head in ("statistik", "stat", "stats"):
        days = [d for d in (parse_weekday(w) for w in rest) if d is not None]
        clock = parse_clock(" ".join(w for w in rest if parse_weekday(w) is None)) if rest else None
        if len(days) != 1 or clock is None:
            return [
                Reply(
                    turn._("Which day and time? For example: /pengingat statistik senin 09:00. Or pick a day:"),
                    stats_day_rows(turn),
                )
            ]
        return await set_stats(turn, days[0], clock)
    if head in ("mati", "off", "stop"):
        return await turn_off(turn)
    if head in ("nyala", "nyalakan", "on", "lanjut", "lanjutkan"):
        return await resume(turn)
    if head in ("libur", "pause", "jeda"):
        days_off = int(rest[0]) if rest and rest[0].isdigit() else None
        if days_off is None:
            return [Reply(turn._("Pause for how many days?"), pause_rows(turn))]
        return await pause(turn, days_off)
    examples = turn._(
        "I didn't understand that. Examples:\n/pengingat upload 19:00\n/pengingat statistik senin 09:00\n"
        "/pengingat libur 3\n/pengingat mati"
    )
    return [Reply(examples, ((reminders_button(turn),),))]


async def overview(turn: Turn) -> list[Reply]:
    reminders = await store(turn).list_for(turn.user.id)
    lines = [_describe(turn, r) for r in reminders]
    if lines:
        text = turn._("Your reminders:") + "\n" + "\n".join(f"• {line}" for line in lines)
    else:
        text = turn._(
            "You have no reminders yet. I can remind you to upload every day (small and steady beats big bursts) "
            "and to check your sales once a week."
        )
    text += "\n" + turn._("Time zone: {zone}", zone=_zone_name(turn.user.timezone))
    buttons: list[tuple[Button, ...]] = [
        (Button(turn._("⏰ Set daily upload reminder"), "rem:up"),),
        (Button(turn._("📊 Set weekly statistics reminder"), "rem:st"),),
    ]
    enabled = {r.kind for r in reminders if r.enabled}
    if UPLOAD in enabled:
        buttons.append((Button(turn._("🔕 Turn off upload reminder"), f"rem:off:{UPLOAD}"),))
    if STATS in enabled:
        buttons.append((Button(turn._("🔕 Turn off statistics reminder"), f"rem:off:{STATS}"),))
    if enabled:
        buttons.append(
            (Button(turn._("😴 Pause a few days"), "rem:pause"), Button(turn._("🔕 Turn all off"), "rem:off"))
        )
    buttons.append((Button(turn._("🌏 Change time zone"), "zona"), menu_button(turn)))
    return [Reply(text, tuple(buttons), replace=True)]


def upload_time_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(turn.t.time(parse_time(t) or time()), f"rem:up:{t}") for t in UPLOAD_TIMES]
    return (*rows(*buttons, per_row=3), (Button(turn._("⬅️ Back"), "rem:list"),))


def stats_day_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(_weekday_name(turn.t, d), f"rem:st:{d}") for d in range(7)]
    return (*rows(*buttons, per_row=4), (Button(turn._("⬅️ Back"), "rem:list"),))


def stats_time_rows(turn: Turn, weekday: int) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(turn.t.time(parse_time(t) or time()), f"rem:st:{weekday}:{t}") for t in STATS_TIMES]
    return (*rows(*buttons, per_row=3), (Button(turn._("⬅️ Back"), "rem:st"),))


def pause_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(turn.t.ngettext("{n} day", "{n} days", d), f"rem:pause:{d}") for d in PAUSE_DAYS]
    return (tuple(buttons), (Button(turn._("⬅️ Back"), "rem:list"),))


def _in_user_zone(turn: Turn, clock: ClockTime, weekday: int | None = None) -> tuple[time, int | None, str | None]:
    """The typed time in the user's zone; the third value names the zone they typed when it differs."""
    if clock.zone is None or clock.zone == turn.user.timezone:
        return clock.at, weekday, None
    at, day = in_zone(clock.at, weekday, clock.zone, turn.user.timezone, _today(turn))
    return at, day, clock.zone


def _other_zone_note(
    turn: Turn, clock: ClockTime, at: time, typed_zone: str | None
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """When the time was typed in another zone: say what it is in the user's zone, offer to switch."""
    if typed_zone is None:
        return "", ()
    name = _zone_name(typed_zone)
    note = turn._(
        "{typed} {typed_zone} is {at} {zone}, your current time zone. Live in {typed_zone}? Switch with the button.",
        typed=turn.t.time(clock.at),
        typed_zone=name,
        at=turn.t.time(at),
        zone=_zone_name(turn.user.timezone),
    )
    return "\n\n" + note, ((Button(turn._("🌏 Use {zone}", zone=name), f"zona:{name}"),),)


async def set_upload(turn: Turn, clock: ClockTime | time) -> list[Reply]:
    clock = clock if isinstance(clock, ClockTime) else ClockTime(clock)
    at, _day, typed_zone = _in_user_zone(turn, clock)
    r = await store(turn).set_reminder(turn.user, UPLOAD, at, _now(turn))
    assert r.next_local_date is not None
    text = turn._(
        "Done! I'll remind you to upload every day at {at} {zone}. First one: {date}.\n\n"
        "One piece a day is enough to keep your streak; rest days are allowed too.",
        at=turn.t.time(at),
        zone=_zone_name(turn.user.timezone),
        date=turn.t.date(r.next_local_date),
    )
    note, extra = _other_zone_note(turn, clock, at, typed_zone)
    return [Reply(text + note, (*extra, (reminders_button(turn), menu_button(turn))))]


async def set_stats(turn: Turn, weekday: int, clock: ClockTime | time) -> list[Reply]:
    clock = clock if isinstance(clock, ClockTime) else ClockTime(clock)
    at, day, typed_zone = _in_user_zone(turn, clock, weekday)
    assert day is not None
    r = await store(turn).set_reminder(turn.user, STATS, at, _now(turn), day)
    assert r.next_local_date is not None
    text = turn._(
        "Done! Every {day} at {at} {zone} I'll invite you to note the week's downloads and earnings. "
        "Once a week is enough: checking every day only wears you out. First one: {date}.",
        day=_weekday_name(turn.t, day),
        at=turn.t.time(at),
        zone=_zone_name(turn.user.timezone),
        date=turn.t.date(r.next_local_date),
    )
    note, extra = _other_zone_note(turn, clock, at, typed_zone)
    return [Reply(text + note, (*extra, (reminders_button(turn), menu_button(turn))))]


async def turn_off(turn: Turn, kind: str | None = None) -> list[Reply]:
    count = await store(turn).disable(turn.user.id, kind)
    if not count:
        return [Reply(turn._("You had no reminders switched on."), ((reminders_button(turn),),))]
    if kind == UPLOAD:
        text = turn._("Your upload reminder is off.")
    elif kind == STATS:
        text = turn._("Your statistics reminder is off.")
    else:
        text = turn._("All your reminders are off.")
    again = Button(turn._("🔔 Turn it back on"), f"rem:on:{kind}" if kind else "rem:on")
    return [Reply(text, ((again,), (reminders_button(turn),)))]


async def turn_on(turn: Turn, kind: str | None) -> list[Reply]:
    """Switch reminders that were turned off back on, at the times they had."""
    s = store(turn)
    kinds = [kind] if kind in (UPLOAD, STATS) else [UPLOAD, STATS]
    switched = [r for r in [await s.enable(turn.user, k, _now(turn)) for k in kinds] if r is not None]
    if not switched:
        return [Reply(turn._("There is no reminder to turn back on. Set one:"), ((reminders_button(turn),),))]
    return await overview(turn)


async def pause(turn: Turn, days: int) -> list[Reply]:
    if not 1 <= days <= MAX_PAUSE_DAYS:
        return [Reply(turn._("Pick a pause of 1 to 30 days."), pause_rows(turn))]
    today = _today(turn)
    until = today + timedelta(days=days)  # the first day reminders come again
    s = store(turn)
    if not any(r.enabled for r in await s.list_for(turn.user.id)):
        return [Reply(turn._("You have no reminders switched on to pause."), ((reminders_button(turn),),))]
    await s.reschedule(turn.user, _now(turn), paused_until=until)
    last_quiet = until - timedelta(days=1)
    text = turn._(
        "Enjoy the break 😴 No reminders from today until {last} inclusive; they come again from {back}. "
        "Rest is part of the job.",
        last=turn.t.date(last_quiet),
        back=turn.t.date(until),
    )
    buttons = ((Button(turn._("▶️ Resume now"), "rem:resume"),), (reminders_button(turn),))
    return [Reply(text, buttons)]


async def resume(turn: Turn) -> list[Reply]:
    """End a pause (or switch reminders that are off back on)."""
    s = store(turn)
    reminders = await s.list_for(turn.user.id)
    if not any(r.enabled for r in reminders):
        return await turn_on(turn, None)
    await s.resume(turn.user, _now(turn))
    return await overview(turn)


async def action(turn: Turn, arg: str) -> list[Reply]:
    """Buttons under `rem:`: list, up[:HH:MM], st[:day[:HH:MM]], pause[:N], off."""
    parts = arg.split(":", 1)
    what, rest = parts[0], parts[1] if len(parts) > 1 else ""
    if what == "list":
        return await overview(turn)
    if what == "up":
        at = parse_time(rest) if rest else None
        if at is None:
            return [Reply(turn._("What time should I remind you to upload?"), upload_time_rows(turn), replace=True)]
        return await set_upload(turn, at)
    if what == "st":
        day_text, _, time_text = rest.partition(":")
        weekday = int(day_text) if day_text.isdigit() and int(day_text) < 7 else None
        if weekday is None:
            return [
                Reply(
                    turn._("Which day should I remind you to check your statistics?"),
                    stats_day_rows(turn),
                    replace=True,
                )
            ]
        at = parse_time(time_text) if time_text else None
        if at is None:
            return [
                Reply(
                    turn._("What time on {day}?", day=_weekday_name(turn.t, weekday)),
                    stats_time_rows(turn, weekday),
                    replace=True,
                )
            ]
        return await set_stats(turn, weekday, at)
    if what == "pause":
        if rest.isdigit():
            return await pause(turn, int(rest))
        return [Reply(turn._("Pause for how many days?"), pause_rows(turn), replace=True)]
    if what == "resume":
        return await resume(turn)
    if what == "off":
        return await turn_off(turn, rest if rest in (UPLOAD, STATS) else None)
    if what == "on":
        return await turn_on(turn, rest if rest in (UPLOAD, STATS) else None)
    return await overview(turn)


# --- the reminders themselves and their buttons ------------------------------------------------


def compose(due: DueReminder) -> Reply:
    """The message a due reminder sends (built without a Turn: there is no incoming message)."""
    t = translator(due.user.language)
    if due.reminder.kind == UPLOAD:
        text = t.gettext(
            "⏰ Time to upload! Have you uploaded today? A little, regularly, beats a lot at once. "
            "Tired? A rest day is part of the job too 😊"
        )
        day = due.local_date.isoformat()
        return Reply(
            text,
            (
                (Button(t.gettext("✅ Uploaded"), f"up:done:{day}"),),
                (Button(t.gettext("😴 Rest day today"), f"up:rest:{day}"),),
                (Button(t.gettext("⏰ Remind me in 1 hour"), f"up:snooze:{day}"),),
            ),
            notice=UPLOAD,
        )
    text = t.gettext(
        "📊 Time for your weekly statistics check! Once a week is enough. Note this week's downloads and "
        "earnings per platform, it takes a minute."
    )
    return Reply(
        text,
        ((Button(t.gettext("📝 Note them now"), "st:start"),), (Button(t.gettext("📈 See my chart"), "st:show"),)),
        notice=STATS,
    )


def _reminder_day(turn: Turn, day_text: str) -> date | None:
    """The day a reminder button belongs to; None when it is more than two days old (or unreadable)."""
    today = _today(turn)
    if day_text in ("", "today"):
        return today
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return None
    return day if 0 <= (today - day).days <= LATE_TAP_DAYS else None


def _day_words(turn: Turn, day: date) -> str:
    """`today`, `yesterday (Senin, 30 November 2026)` or the date: said whenever it is not today."""
    diff = (_today(turn) - day).days
    if diff == 0:
        return turn._("today")
    if diff == 1:
        return turn._("yesterday ({date})", date=turn.t.date(day))
    return turn.t.date(day)


async def upload_action(turn: Turn, arg: str) -> list[Reply]:
    """Buttons on the upload reminder and upload replies: `done`, `rest`, `snooze`, `fix`, each with its day."""
    what, _, day_text = arg.partition(":")
    if what == "snooze":
        snooze_day = _reminder_day(turn, day_text) or _today(turn)
        due = _now(turn) + SNOOZE
        if not await store(turn).snooze(turn.user.id, UPLOAD, due, snooze_day):
            return [Reply(turn._("Your upload reminder is off, so there is nothing to snooze."))]
        local = due.astimezone(ZoneInfo(turn.user.timezone))
        return [Reply(turn._("OK, I'll remind you again at {at}.", at=turn.t.time(local)))]
    if what not in ("done", "rest", "fix"):
        return [Reply(turn._("That button is out of date. Send /menu to start again."))]
    day = _reminder_day(turn, day_text)
    if day is None:
        text = turn._(
            "That reminder is more than two days old, so I can't note it any more. Note today's uploads with /upload."
        )
        return [Reply(text, ((Button(turn._("✅ Uploaded today"), "up:done:today"),), (menu_button(turn),)))]
    if what == "done":
        return await record_uploads(turn, 1, day)
    if what == "rest":
        return await rest_day(turn, day)
    await open_step(turn, FIX_UPLOADS, {"day": day.isoformat()})
    text = turn._(
        "How many works did you upload {day} in total? Type the number (0 if none).", day=_day_words(turn, day)
    )
    return [Reply(text, ((Button(turn._("Cancel"), "up:fixcancel"),),))]


async def upload_command(turn: Turn, args: str) -> list[Reply]:
    """`/upload`, `/upload 5`, `/upload 3 foto`, `/upload tiga`."""
    text = args.strip()
    if not text:
        return await record_uploads(turn, 1, _today(turn))
    try:
        count = parse_count(text)
    except NotAnAnswer:
        count = Refusal.NOT_A_NUMBER
    if isinstance(count, Refusal) or not 1 <= count <= MAX_UPLOADS_PER_DAY:
        return [Reply(turn._("Write how many works you uploaded, as a number from 1 to 1000. Example: /upload 5"))]
    return await record_uploads(turn, count, _today(turn))


async def status_for(turn: Turn, today: date) -> StreakStatus:
    """The one streak calculation every reply uses: uploads, declared rest today, target and sign-up day."""
    uploads = turn.services.uploads
    counts = await uploads.counts(turn.user.id)
    rest_days = await uploads.rest_days(turn.user.id)
    return streak_status(
        set(counts),
        today,
        await turn.services.users.weekly_target(turn.user.id),
        rest_today=today in rest_days,
        since=_signed_up(turn),
    )


def _signed_up(turn: Turn) -> date | None:
    try:
        created = datetime.fromisoformat(turn.user.created_at)
    except ValueError:
        return None
    return local_today(created, turn.user.timezone)


async def record_uploads(turn: Turn, count: int, day: date) -> list[Reply]:
    uploads, today = turn.services.uploads, _today(turn)
    counts = await uploads.counts(turn.user.id)
    if counts.get(day, 0) + count > MAX_UPLOADS_PER_DAY:
        text = turn._(
            "That would make more than 1000 uploads on one day, which can't be right. "
            "Tap Correct to set the day's total."
        )
        return [Reply(text, ((Button(turn._("✏️ Correct"), f"up:fix:{day.isoformat()}"),), (menu_button(turn),)))]
    before = await status_for(turn, today)
    total = await uploads.add(turn.user.id, day, count)
    after = await status_for(turn, today)
    if day == today:
        lines = [turn.t.ngettext("Noted: {n} upload today. 👍", "Noted: {n} uploads today. 👍", total)]
    else:
        lines = [
            turn.t.ngettext(
                "Noted for {day}: {n} upload. 👍", "Noted for {day}: {n} uploads. 👍", total, day=_day_words(turn, day)
            )
        ]
    lines.append(turn.t.ngettext("🔥 Streak: {n} upload day", "🔥 Streak: {n} upload days", after.current))
    milestone = milestone_reached(before, after)
    if milestone:
        lines.append(turn._("🎉 Your streak has reached {days} upload days! Keep the pace gentle.", days=milestone))
    if is_overworking(await uploads.counts(turn.user.id), day):
        lines.append(
            turn._(
                "That's far more than usual today. Great energy — but rest is part of the job too; "
                "steady beats bursts 🌿"
            )
        )
    buttons = (
        (Button(turn._("✏️ Correct"), f"up:fix:{day.isoformat()}"), Button(turn._("🔥 My streak"), "streak")),
        (menu_button(turn),),
    )
    return [Reply("\n".join(lines), buttons)]


@step(FIX_UPLOADS, "up:fixcancel", "up:fix")
async def on_fix(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    day = date.fromisoformat(str(data["day"]))
    try:
        count = parse_count(text)
    except NotAnAnswer:
        line = turn._(
            "⏳ You are still correcting the uploads of {day}: type the total, or tap Cancel.",
            day=_day_words(turn, day),
        )
        return StepResult(reminder=Reply(line, ((Button(turn._("Cancel"), "up:fixcancel"),),)))
    if isinstance(count, Refusal) or count > MAX_UPLOADS_PER_DAY:
        text = turn._("Type the day's total as a number from 0 to 1000, for example 4.")
        return StepResult([Reply(text, ((Button(turn._("Cancel"), "up:fixcancel"),),))])
    await turn.services.uploads.set_day(turn.user.id, day, count)
    await close_step(turn)
    status = await status_for(turn, _today(turn))
    text = turn._("Corrected: {n} uploads {day}.", n=turn.t.number(count), day=_day_words(turn, day))
    text += "\n" + turn.t.ngettext("🔥 Streak: {n} upload day", "🔥 Streak: {n} upload days", status.current)
    return StepResult([Reply(text, ((Button(turn._("🔥 My streak"), "streak"), menu_button(turn)),))])


async def cancel_fix(turn: Turn) -> list[Reply]:
    await close_step(turn)
    return [Reply(turn._("OK, nothing was changed."), ((menu_button(turn),),))]


async def rest_day(turn: Turn, day: date) -> list[Reply]:
    uploads, today = turn.services.uploads, _today(turn)
    counts = await uploads.counts(turn.user.id)
    if day in counts:
        text = turn._("You already uploaded {day}, so it counts anyway. Rest well 😊", day=_day_words(turn, day))
        return [Reply(text, ((Button(turn._("🔥 My streak"), "streak"),),))]
    await uploads.add_rest_day(turn.user.id, day)
    status = await status_for(turn, today)
    if status.current or status.rest_days_left:
        text = turn.t.ngettext(
            "Rest well 😴 Your streak stays safe. Rest days left this week: {n}.",
            "Rest well 😴 Your streak stays safe. Rest days left this week: {n}.",
            status.rest_days_left,
        )
    else:
        text = turn._(
            "Rest well 😴 This week's rest days are used up, so the streak will start again — that's fine. "
            "Your health matters more than a number."
        )
    return [Reply(text, ((Button(turn._("🔥 My streak"), "streak"),),))]


async def streak(turn: Turn) -> list[Reply]:
    today = _today(turn)
    counts = await turn.services.uploads.counts(turn.user.id)
    target = await turn.services.users.weekly_target(turn.user.id)
    status = await status_for(turn, today)
    lines = [
        turn.t.ngettext("🔥 Current streak: {n} upload day", "🔥 Current streak: {n} upload days", status.current),
        turn.t.ngettext("🏆 Longest streak: {n} day", "🏆 Longest streak: {n} days", status.longest),
        turn._("📅 This week: uploads on {done} of {target} target days", done=status.week_upload_days, target=target),
        turn.t.ngettext("😴 Rest days left this week: {n}", "😴 Rest days left this week: {n}", status.rest_days_left),
    ]
    if not counts:
        lines.append(
            turn._(
                "\nRecord an upload with /upload or the button below. Rest days within your weekly target "
                "never break the streak."
            )
        )
    elif status.current and not status.uploaded_today:
        lines.append(turn._("\nNo upload yet today — one is enough. Or take a rest day, that's allowed too."))
    buttons = (
        (Button(turn._("✅ Record an upload today"), "up:done:today"),),
        (Button(turn._("🎯 Change weekly target"), "tgt"), menu_button(turn)),
    )
    return [Reply("\n".join(lines), buttons)]


async def target_action(turn: Turn, arg: str) -> list[Reply]:
    if arg.isdigit() and 1 <= int(arg) <= 7:
        await turn.services.users.set_weekly_target(turn.user.id, int(arg))
        text = turn._(
            "Weekly target: upload on {n} of 7 days. The other days are rest days that keep your streak.", n=int(arg)
        )
        return [Reply(text, ((Button(turn._("🔥 My streak"), "streak"),),))]
    buttons = tuple(Button(str(n), f"tgt:{n}") for n in range(3, 8))
    text = turn._("On how many days a week do you want to upload? Fewer days means more rest; 5 is a good start.")
    return [Reply(text, (buttons, (Button(turn._("⬅️ Back"), "streak"),)), replace=True)]


# --- time zone ---------------------------------------------------------------------------


def _zone_rows(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(name, f"zona:{name}") for name in ZONES), (Button(turn._("⬅️ Back"), "rem:list"),))


def _regions(turn: Turn) -> str:
    return " · ".join(f"{name}: {ZONE_REGIONS[name]}" for name in ZONES)


async def zone(turn: Turn, args: str) -> list[Reply]:
    """`/zona`, `/zona WITA`, `/zona makassar`, `/zona bali`, `/zona GMT+8`."""
    if not args.strip():
        text = turn._("Your time zone is {zone}. Pick yours:", zone=_zone_name(turn.user.timezone))
        return [Reply(text + "\n" + _regions(turn), _zone_rows(turn), replace=True)]
    tz = zone_for(args.strip())
    if tz is None:
        text = turn._("I don't know that place. Pick WIB, WITA or WIT, or write your city (e.g. /zona makassar):")
        return [Reply(text + "\n" + _regions(turn), _zone_rows(turn))]
    await turn.services.users.set_timezone(turn.user.id, tz)
    user = await turn.services.users.get(turn.user.channel, turn.user.chat_id)
    assert user is not None
    await store(turn).reschedule(user, _now(turn))
    text = turn._("Time zone set to {zone}. Your reminders follow it from now on.", zone=_zone_name(tz))
    return [Reply(text, ((reminders_button(turn), menu_button(turn)),))]
