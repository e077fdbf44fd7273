"""For the people who run Kawan: usage at a glance (`/admin`) and announcements to everyone (`/siaran`).

Admins are the chats in `KAWAN_ADMINS`; in the terminal (`kawan chat`) the person at the keyboard runs
Kawan and is one. Announcements are written here and delivered by the announcement dispatcher, from the
database, within each channel's limits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.i18n import translator
from bot.messages import Button, Reply
from bot.storage.admin_stats import Overview, overview
from bot.users import StoredUser
from handlers.common import menu_button
from handlers.context import Turn
from handlers.steps import StepResult, close_step, current, open_step, step

CHANNELS = ("telegram", "whatsapp")  # where announcements go; the terminal is the operator's own seat
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "terminal": "Terminal"}
WRITE, CONFIRM = "broadcast_write", "broadcast_confirm"
MAX_ANNOUNCEMENT = 2000


def is_admin(turn: Turn) -> bool:
    channel, chat = turn.user.channel, turn.user.chat_id
    return channel == "terminal" or turn.services.settings.is_admin(channel, chat)


def not_for_you(turn: Turn) -> list[Reply]:
    return [Reply(turn._("Sorry, that command is only for the people who run Kawan 🙏"), ((menu_button(turn),),))]


# --- /admin ------------------------------------------------------------------------------------


async def at_a_glance(turn: Turn) -> list[Reply]:
    if not is_admin(turn):
        return not_for_you(turn)
    now = turn.services.clock()
    periods = [await overview(turn.services.db, now, days) for days in (7, 30)]
    subscribers = periods[0].subscribers
    lines = [turn._("📊 Kawan at a glance"), ""]
    for figures in periods:
        lines += _period(turn, figures)
        lines.append("")
    lines.append(
        turn._(
            "Reminders on now: upload {upload}, weekly statistics {stats}.",
            upload=turn.t.number(subscribers.get("upload", 0)),
            stats=turn.t.number(subscribers.get("stats", 0)),
        )
    )
    return [
        Reply(
            "\n".join(lines).strip(), ((Button(turn._("📢 Send an announcement"), "siaran:new"),), (menu_button(turn),))
        )
    ]


def _period(turn: Turn, figures: Overview) -> list[str]:
    t = turn.t
    content = turn.services.content
    lines = [turn._("Last {days} days", days=t.number(figures.days))]
    lines.append(turn._("• New users: {counts}", counts=_per_channel(turn, figures.new_users)))
    lines.append(turn._("• Active users: {counts}", counts=_per_channel(turn, figures.active_users)))
    asked = figures.asked
    if asked:
        share = {
            o: t.number(round(100 * figures.questions.get(o, 0) / asked)) for o in ("answer", "suggest", "decline")
        }
        lines.append(
            turn._(
                '• Questions: {n} — {answer}% answered, {suggest}% "maksud kamu…?", {decline}% declined',
                n=t.number(asked),
                **share,
            )
        )
    else:
        lines.append(turn._("• Questions: none yet"))
    if figures.top_entries:
        top = ", ".join(f"{_label(content, e)} ({t.number(n)})" for e, n in figures.top_entries)
        lines.append(turn._("• Most asked: {entries}", entries=top))
    if figures.disliked:
        down = ", ".join(f"{_label(content, e)} (👎 {t.number(d)}, 👍 {t.number(u)})" for e, d, u in figures.disliked)
        lines.append(turn._("• Most 👎: {entries}", entries=down))
    if figures.gaps:
        gaps = "; ".join(f"\u201c{q[:60]}\u201d ×{t.number(n)}" for q, n in figures.gaps)
        lines.append(turn._("• Not answered yet: {questions}", questions=gaps))
    return lines


def _per_channel(turn: Turn, counts: dict[str, int]) -> str:
    if not counts:
        return turn.t.number(0)
    return ", ".join(f"{CHANNEL_NAMES.get(c, c)} {turn.t.number(n)}" for c, n in sorted(counts.items()))


def _label(content: Any, entry_id: str) -> str:
    entry = content.entry(entry_id)
    return entry.label if entry is not None else entry_id


# --- /siaran ------------------------------------------------------------------------------------


async def broadcast(turn: Turn, args: str) -> list[Reply]:
    """`/siaran` (write one), `/siaran TEXT` (straight to the preview), `/siaran status`."""
    if not is_admin(turn):
        return not_for_you(turn)
    if args.strip().lower() == "status":
        return await status(turn)
    if args.strip():
        return await _preview(turn, args.strip())
    return await _ask_for_text(turn)


async def _ask_for_text(turn: Turn) -> list[Reply]:
    await open_step(turn, WRITE, {})
    text = turn._(
        "📢 Write the announcement as one message. Everyone who has not turned announcements off gets it "
        "(on WhatsApp, only those who wrote to Kawan in the last 24 hours)."
    )
    return [Reply(text, ((Button(turn._("Cancel"), "siaran:cancel"),),))]


@step(WRITE, "siaran:")
async def on_text(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    return StepResult(replies=await _preview(turn, text.strip()))


@step(CONFIRM, "siaran:")
async def on_new_text(turn: Turn, data: dict[str, Any], text: str) -> StepResult:
    """A message typed at the preview replaces the announcement: a new preview, nothing sent."""
    return StepResult(replies=await _preview(turn, text.strip()))


async def _preview(turn: Turn, text: str) -> list[Reply]:
    if len(text) > MAX_ANNOUNCEMENT:
        await open_step(turn, WRITE, {})
        warning = turn._(
            "That is {n} characters; keep an announcement under {max} so it reads well on a phone. Write it again:",
            n=turn.t.number(len(text)),
            max=turn.t.number(MAX_ANNOUNCEMENT),
        )
        return [Reply(warning, ((Button(turn._("Cancel"), "siaran:cancel"),),))]
    audience = await turn.services.broadcasts.audience(CHANNELS)
    total = sum(audience.values())
    await open_step(turn, CONFIRM, {"text": text})
    who = _per_channel(turn, audience)
    lines = turn._(
        "This goes to {n} people ({channels}). On WhatsApp, only those who wrote in the last 24 hours get it.",
        n=turn.t.number(total),
        channels=who,
    )
    buttons = (
        (Button(turn._("✅ Send"), "siaran:send"),),
        (Button(turn._("✏️ Rewrite"), "siaran:edit"),),
        (Button(turn._("Cancel"), "siaran:cancel"),),
    )
    preview = replace(announcement_reply(turn.t.language, text), buttons=(), notice=None)  # as people see it
    return [preview, Reply(lines, buttons)]


async def action(turn: Turn, arg: str) -> list[Reply]:
    if not is_admin(turn):
        return not_for_you(turn)
    if arg in ("new", "edit"):
        return await _ask_for_text(turn)
    if arg == "cancel":
        await close_step(turn)
        return [Reply(turn._("OK, no announcement was sent."), ((menu_button(turn),),))]
    if arg == "send":
        state = await current(turn)
        if state is None or state[0] != CONFIRM:
            return [Reply(turn._("That preview has expired. Send /siaran to write the announcement again."))]
        await close_step(turn)
        created = await turn.services.broadcasts.create(
            str(state[1]["text"]), turn.user.id, CHANNELS, turn.services.clock()
        )
        if created.total == 0:
            return [Reply(turn._("Nobody to send it to yet: no one has announcements on."), ((menu_button(turn),),))]
        text = turn._(
            "📢 On its way to {n} people, a little at a time within the chat platforms' limits. "
            "Send /siaran status to see how far it has got.",
            n=turn.t.number(created.total),
        )
        return [Reply(text, ((Button(turn._("📈 Progress"), "siaran:status"),),))]
    if arg == "status":
        return await status(turn)
    return [Reply(turn._("That button is out of date. Send /menu to start again."))]


async def status(turn: Turn) -> list[Reply]:
    progress = await turn.services.broadcasts.progress()
    if progress is None:
        return [Reply(turn._("No announcement has been sent yet. Send /siaran to write one."))]
    c, t = progress.counts, turn.t
    delivered = c.get("sent", 0)
    waiting = c.get("pending", 0) + c.get("sending", 0)
    text = turn._(
        "📢 Last announcement: {sent} of {total} delivered, {waiting} still waiting.\n"
        "Not delivered: {window} outside WhatsApp's 24 hours, {blocked} blocked Kawan, {skipped} turned "
        "announcements off, {failed} failed.",
        sent=t.number(delivered),
        total=t.number(progress.total),
        waiting=t.number(waiting),
        window=t.number(c.get("window_closed", 0)),
        blocked=t.number(c.get("unreachable", 0)),
        skipped=t.number(c.get("skipped", 0)),
        failed=t.number(c.get("failed", 0)),
    )
    done = turn._("✅ Done.") if progress.done else ""
    return [Reply(f"{text}\n{done}".strip(), ((Button(turn._("🔄 Refresh"), "siaran:status"),),))]


def announcement_reply(language: str, text: str) -> Reply:
    """An announcement as everyone gets it: the admins' text, and a way to stop getting them."""
    t = translator(language)
    return Reply(
        text,
        ((Button(t.gettext("🔕 No more announcements"), "ann:off"),),),
        title=t.gettext("📢 Announcement from Kawan"),
        notice="announcement",
    )


def compose_announcement(user: StoredUser, text: str) -> Reply:
    return announcement_reply(user.language, text)
