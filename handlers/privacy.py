"""What Kawan keeps about a person, a copy of it, and whether they want announcements (UU PDP 27/2022)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from bot import user_files
from bot.messages import Button, Reply
from bot.storage.personal_data import personal_data
from handlers.common import menu_button
from handlers.context import Turn

# How each stored table is named in the copy people read (Indonesian, plain words).
SECTIONS = {
    "users": "akun",
    "reminders": "pengingat",
    "deliveries": "riwayat_pengingat_terkirim",
    "uploads": "upload_per_hari",
    "rest_days": "hari_libur",
    "weekly_stats": "statistik_mingguan",
    "conversation_state": "langkah_yang_sedang_terbuka",
    "unanswered": "pertanyaan_yang_belum_terjawab",
    "feedback": "penilaian_jawaban",
    "broadcast_recipients": "pengumuman_yang_dikirim",
    "inbound_messages": "pesan_whatsapp_yang_diterima",
    "whatsapp_user_ids": "id_whatsapp_lain",
    "list_pages": "daftar_pilihan_tersimpan",
}


def privacy(turn: Turn) -> list[Reply]:
    settings = turn.services.settings
    text = turn._(
        "🔒 What Kawan keeps about you, and why\n\n"
        "• Your account: your chat id (your Telegram id or WhatsApp number), time zone and when you started — "
        "so I can reply to you and send reminders at your time.\n"
        "• Your reminders and streak: reminder times, the days you uploaded or rested, your weekly target — "
        "to remind you and count your streak.\n"
        "• Your weekly statistics: the downloads and earnings you type in, e.g. 12 downloads, US$3.50 — "
        "to show your chart and level.\n"
        "• Questions I could not answer yet, and your 👍/👎 on answers — so the people who write my answers "
        "know what to add.\n\n"
        "How long: until you delete it. Questions I could not answer lose any link to you after {days} days "
        "(the text stays for the editors, without your name or number). Records of reminders and "
        "announcements sent, and your 👍/👎, are deleted after {records} days.\n\n"
        "Who can see it: you, in this chat. The people who run Kawan look at counts (how many people, how many "
        "questions) and at the text of unanswered questions, without who sent them. Nothing is sold or shared. "
        "Your messages also pass through Telegram or WhatsApp, under their own privacy rules.\n\n"
        "Your rights (UU PDP No. 27/2022): /dataku sends you a copy of everything I keep; /hapusdata deletes it "
        "all. Don't want announcements? Tap the button below.",
        days=turn.t.number(settings.retention_days),
        records=turn.t.number(settings.records_days),
    )
    buttons = (
        (Button(turn._("📄 A copy of my data"), "data:copy"),),
        (Button(turn._("🔕 No announcements"), "ann:off"),),
        (Button(turn._("🗑️ Delete my data"), "data:delete"),),
        (menu_button(turn),),
    )
    return [Reply(text, buttons)]


async def my_data(turn: Turn) -> list[Reply]:
    """`/dataku`: everything stored about the user as a JSON file, with a short summary above it."""
    found = await personal_data(turn.services.db, turn.user.id)
    copy = {
        "dibuat": turn.services.clock().isoformat(timespec="seconds"),
        "keterangan": turn._("Everything Kawan keeps about you, as stored. Dates and times are in UTC."),
        **{SECTIONS[table]: rows for table, rows in found.items()},
    }
    path = export_file(turn.services.settings.cache_dir, turn.user.id, turn.services.clock().date())
    path.write_text(json.dumps(copy, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return [Reply(_summary(turn, found), document=path)]


def _summary(turn: Turn, found: dict[str, list[dict[str, Any]]]) -> str:
    t = turn.t
    lines = [turn._("📄 Here is a copy of everything I keep about you (the file below). In short:")]
    counts = [
        (len(found["reminders"]), t.ngettext("{n} reminder", "{n} reminders", len(found["reminders"]))),
        (len(found["uploads"]), t.ngettext("{n} day with uploads", "{n} days with uploads", len(found["uploads"]))),
        (len(found["rest_days"]), t.ngettext("{n} rest day", "{n} rest days", len(found["rest_days"]))),
        (
            len(found["weekly_stats"]),
            t.ngettext("{n} week of statistics", "{n} weeks of statistics", len(found["weekly_stats"])),
        ),
        (
            len(found["unanswered"]),
            t.ngettext("{n} unanswered question", "{n} unanswered questions", len(found["unanswered"])),
        ),
        (
            len(found["feedback"]),
            t.ngettext("{n} rating of an answer", "{n} ratings of answers", len(found["feedback"])),
        ),
    ]
    kept = [text for n, text in counts if n]
    if kept:
        lines += [f"• {line}" for line in kept]
    else:
        lines.append(turn._("• nothing besides your account (chat id, time zone, the day you started)"))
    lines.append(turn._("To delete it all: /hapusdata."))
    return "\n".join(lines)


def export_file(cache_dir: Path | None, user_id: int, day: date) -> Path:
    """Where a user's copy is written (old copies and charts are swept on the way)."""
    user_files.sweep(cache_dir)
    exports = user_files.folder(cache_dir, "exports")
    exports.mkdir(parents=True, exist_ok=True)
    return exports / f"kawan-dataku-{user_id}-{day.isoformat()}.json"


async def announcements(turn: Turn, wanted: bool) -> list[Reply]:
    await turn.services.users.set_announcements(turn.user.id, wanted)
    if wanted:
        text = turn._("🔔 OK, you'll get Kawan's announcements again.")
        return [Reply(text, ((menu_button(turn),),))]
    text = turn._("🔕 OK, no more announcements. Your reminders are not affected.")
    return [Reply(text, ((Button(turn._("🔔 Announcements back on"), "ann:on"),), (menu_button(turn),)))]
