"""Reminder subscriptions, the reminder messages themselves, uploads, streaks and time zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator, translator
from bot.messages import Button, Reply, rows
from bot.reminders.schedule import ZONE_NAMES, ZONES, local_today, parse_time, parse_weekday, zone_for
from bot.reminders.streak import is_overworking, milestone_reached, streak_status
from bot.storage.reminder_store import STATS, UPLOAD, DueReminder, Reminder, ReminderStore
from handlers.common import menu_button
from handlers.context import Turn

UPLOAD_TIMES = ("07:00", "12:00", "16:00", "19:00", "20:00", "21:00")
STATS_TIMES = ("08:00", "09:00", "12:00", "19:00", "20:00")
PAUSE_DAYS = (1, 3, 7)
MAX_PAUSE_DAYS = 30
MAX_UPLOADS_AT_ONCE = 1000
SNOOZE = timedelta(hours=1)


def reminders_button(turn: Turn) -> Button:
    return Button(turn._("⏰ My reminders"), "rem:list")


def store(turn: Turn) -> ReminderStore:
    return ReminderStore(turn.services.db)


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
        return line + " — " + turn._("paused until {date}", date=turn.t.date(r.paused_until))
    return line


# --- /pengingat --------------------------------------------------------------------------


async def command(turn: Turn, args: str) -> list[Reply]:
    """`/pengingat`, `/pengingat upload 19:00`, `/pengingat statistik senin 09:00`, `mati`, `libur 3`."""
    words = args.lower().split()
    if not words:
        return await overview(turn)
    head, rest = words[0], words[1:]
    if head == "upload":
        at = parse_time(rest[0]) if rest else None
        if at is None:
            return [
                Reply(turn._("Which time? For example: /pengingat upload 19:00. Or pick one:"), upload_time_rows(turn))
            ]
        return await set_upload(turn, at)
    if head in ("statistik", "stat", "stats"):
        weekday = parse_weekday(rest[0]) if rest else None
        at = parse_time(rest[1]) if len(rest) > 1 else None
        if weekday is None or at is None:
            return [
                Reply(
                    turn._("Which day and time? For example: /pengingat statistik senin 09:00. Or pick a day:"),
                    stats_day_rows(turn),
                )
            ]
        return await set_stats(turn, weekday, at)
    if head in ("mati", "off", "stop"):
        return await turn_off(turn)
    if head in ("libur", "pause", "jeda"):
        days = int(rest[0]) if rest and rest[0].isdigit() else None
        if days is None:
            return [Reply(turn._("Pause for how many days?"), pause_rows(turn))]
        return await pause(turn, days)
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


async def set_upload(turn: Turn, at: time) -> list[Reply]:
    r = await store(turn).set_reminder(turn.user, UPLOAD, at, _now(turn))
    assert r.next_local_date is not None
    text = turn._(
        "Done! I'll remind you to upload every day at {at} {zone}. First one: {date}.\n\n"
        "One piece a day is enough to keep your streak; rest days are allowed too.",
        at=turn.t.time(at),
        zone=_zone_name(turn.user.timezone),
        date=turn.t.date(r.next_local_date),
    )
    return [Reply(text, ((reminders_button(turn), menu_button(turn)),))]


async def set_stats(turn: Turn, weekday: int, at: time) -> list[Reply]:
    r = await store(turn).set_reminder(turn.user, STATS, at, _now(turn), weekday)
    assert r.next_local_date is not None
    text = turn._(
        "Done! Every {day} at {at} {zone} I'll invite you to note the week's downloads and earnings. "
        "Once a week is enough: checking every day only wears you out. First one: {date}.",
        day=_weekday_name(turn.t, weekday),
        at=turn.t.time(at),
        zone=_zone_name(turn.user.timezone),
        date=turn.t.date(r.next_local_date),
    )
    return [Reply(text, ((reminders_button(turn), menu_button(turn)),))]


async def turn_off(turn: Turn, kind: str | None = None) -> list[Reply]:
    count = await store(turn).disable(turn.user.id, kind)
    if not count:
        text = turn._("You had no reminders switched on.")
    elif kind == UPLOAD:
        text = turn._("Your upload reminder is off.")
    elif kind == STATS:
        text = turn._("Your statistics reminder is off.")
    else:
        text = turn._("All your reminders are off.")
    return [Reply(text, ((reminders_button(turn),),))]


async def pause(turn: Turn, days: int) -> list[Reply]:
    if not 1 <= days <= MAX_PAUSE_DAYS:
        return [Reply(turn._("Pick a pause of 1 to 30 days."), pause_rows(turn))]
    until = _today(turn) + timedelta(days=days)
    s = store(turn)
    if not any(r.enabled for r in await s.list_for(turn.user.id)):
        return [
            Reply(
                turn._("You have no reminders switched on to pause."),
                ((reminders_button(turn),),),
            )
        ]
    await s.reschedule(turn.user, _now(turn), paused_until=until)
    text = turn._("Enjoy the break 😴 No reminders until {date}. Rest is part of the job.", date=turn.t.date(until))
    return [Reply(text, ((reminders_button(turn),),))]


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
    if what == "off":
        return await turn_off(turn, rest if rest in (UPLOAD, STATS) else None)
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
        )
    text = t.gettext(
        "📊 Time for your weekly statistics check! Once a week is enough. Note this week's downloads and "
        "earnings per platform, it takes a minute."
    )
    return Reply(
        text, ((Button(t.gettext("📝 Note them now"), "st:start"),), (Button(t.gettext("📈 See my chart"), "st:show"),))
    )


async def upload_action(turn: Turn, arg: str) -> list[Reply]:
    """Buttons on the upload reminder: `done`, `rest`, `snooze`, each with the reminder's local date."""
    what, _, day_text = arg.partition(":")
    if what == "done":
        return await record_uploads(turn, 1)
    if what == "rest":
        return await rest_today(turn)
    if what == "snooze":
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            day = _today(turn)
        due = _now(turn) + SNOOZE
        if not await store(turn).snooze(turn.user.id, UPLOAD, due, day):
            return [Reply(turn._("Your upload reminder is off, so there is nothing to snooze."))]
        local = due.astimezone(ZoneInfo(turn.user.timezone))
        return [Reply(turn._("OK, I'll remind you again at {at}.", at=turn.t.time(local)))]
    return [Reply(turn._("That button is out of date. Send /menu to start again."))]


async def upload_command(turn: Turn, args: str) -> list[Reply]:
    text = args.strip()
    if not text:
        return await record_uploads(turn, 1)
    if not text.isdigit() or not 1 <= int(text) <= MAX_UPLOADS_AT_ONCE:
        return [Reply(turn._("Write how many works you uploaded, as a number from 1 to 1000. Example: /upload 5"))]
    return await record_uploads(turn, int(text))


async def record_uploads(turn: Turn, count: int) -> list[Reply]:
    s, today = store(turn), _today(turn)
    total = await s.add_uploads(turn.user.id, today, count)
    counts = await s.upload_counts(turn.user.id)
    status = streak_status(set(counts), today, await s.weekly_target(turn.user.id))
    lines = [turn.t.ngettext("Noted: {n} upload today. 👍", "Noted: {n} uploads today. 👍", total)]
    lines.append(turn.t.ngettext("🔥 Streak: {n} upload day", "🔥 Streak: {n} upload days", status.current))
    milestone = milestone_reached(status)
    if milestone:
        lines.append(
            turn._("🎉 {days} upload days in a row! That's consistency. Keep the pace gentle.", days=milestone)
        )
    if is_overworking(counts, today):
        lines.append(
            turn._(
                "That's far more than usual today. Great energy — but rest is part of the job too; "
                "steady beats bursts 🌿"
            )
        )
    return [Reply("\n".join(lines), ((Button(turn._("🔥 My streak"), "streak"), menu_button(turn)),))]


async def rest_today(turn: Turn) -> list[Reply]:
    s, today = store(turn), _today(turn)
    await s.add_rest_day(turn.user.id, today)
    counts = await s.upload_counts(turn.user.id)
    status = streak_status(set(counts), today, await s.weekly_target(turn.user.id))
    if status.uploaded_today:
        text = turn._("You already uploaded today, so today counts anyway. Rest well 😊")
    elif status.rest_days_left > 0:
        text = turn.t.ngettext(
            "Rest well 😴 Your streak stays safe: after today you have {n} rest day left this week.",
            "Rest well 😴 Your streak stays safe: after today you have {n} rest days left this week.",
            status.rest_days_left - 1,
        )
    else:
        text = turn._(
            "Rest well 😴 This week's rest days are used up, so the streak will start again — that's fine. "
            "Your health matters more than a number."
        )
    return [Reply(text, ((Button(turn._("🔥 My streak"), "streak"),),))]


async def streak(turn: Turn) -> list[Reply]:
    s, today = store(turn), _today(turn)
    counts = await s.upload_counts(turn.user.id)
    target = await s.weekly_target(turn.user.id)
    status = streak_status(set(counts), today, target)
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
        await store(turn).set_weekly_target(turn.user.id, int(arg))
        text = turn._(
            "Weekly target: upload on {n} of 7 days. The other days are rest days that keep your streak.", n=int(arg)
        )
        return [Reply(text, ((Button(turn._("🔥 My streak"), "streak"),),))]
    buttons = tuple(Button(str(n), f"tgt:{n}") for n in range(3, 8))
    text = turn._("On how many days a week do you want to upload? Fewer days means more rest; 5 is a good start.")
    return [Reply(text, (buttons,), replace=True)]


# --- time zone ---------------------------------------------------------------------------


async def zone(turn: Turn, args: str) -> list[Reply]:
    if not args.strip():
        text = turn._("Your time zone is {zone}. Pick yours:", zone=_zone_name(turn.user.timezone))
        return [Reply(text, (tuple(Button(name, f"zona:{name}") for name in ZONES),), replace=True)]
    tz = zone_for(args.strip())
    if tz is None:
        return [
            Reply(
                turn._("Pick WIB, WITA or WIT. Example: /zona WITA"),
                (tuple(Button(name, f"zona:{name}") for name in ZONES),),
            )
        ]
    await turn.services.db.set_timezone(turn.user.id, tz)
    user = await turn.services.db.get_user(turn.user.channel, turn.user.chat_id)
    assert user is not None
    await store(turn).reschedule(user, _now(turn))
    text = turn._("Time zone set to {zone}. Your reminders follow it from now on.", zone=_zone_name(tz))
    return [Reply(text, ((reminders_button(turn), menu_button(turn)),))]
