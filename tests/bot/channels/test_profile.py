"""Channel capabilities as data: one pure `fit`, and every screen the conversation makes fits every channel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.channels.profile import PROFILES, TELEGRAM, TERMINAL, WHATSAPP, ChannelProfile, Screen, fit, page, shorten
from bot.messages import Button, Reply
from bot.reminders.model import STATS, UPLOAD, DueReminder, Reminder
from bot.services import Services
from bot.users import StoredUser
from handlers.commands import COMMANDS
from handlers.reminders import compose
from tests.conftest import ChatDriver


def _buttons(n: int, label: str = "Pilihan") -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"{label} {i}", f"x:{i}"),) for i in range(n))


def test_short_text_with_few_buttons_is_one_screen_everywhere() -> None:
    reply = Reply("Halo", ((Button("Ya", "y"), Button("Tidak", "n")),))
    for profile in PROFILES:
        [screen] = fit(reply, profile)
        assert screen.text == "Halo" and len(screen.all_buttons) == 2 and not screen.as_list


def test_more_buttons_than_whatsapp_shows_become_a_list_that_pages() -> None:
    assert fit(Reply("Pilih", _buttons(5)), WHATSAPP)[0].as_list
    [screen] = fit(Reply("Pilih", _buttons(18)), WHATSAPP)
    assert screen.as_list and len(screen.all_buttons) == 9  # the tenth row is the channel's "more"
    assert [b.action for b in screen.more] == [f"x:{i}" for i in range(9, 18)]
    shown, rest = page(screen.more, WHATSAPP.list_rows)
    assert len(shown) == 9 and rest == ()  # the last page uses every row
    assert [len(s.all_buttons) for s in fit(Reply("Pilih", _buttons(18)), TELEGRAM)] == [18]


def test_exactly_ten_choices_fit_one_list_without_paging() -> None:
    [screen] = fit(Reply("Pilih", _buttons(10)), WHATSAPP)
    assert len(screen.all_buttons) == 10 and screen.more == ()


def test_buttons_whose_short_labels_collide_become_a_list() -> None:
    same = ((Button("Sama", "a"), Button("Sama", "b")),)
    assert fit(Reply("Pilih", same), WHATSAPP)[0].as_list
    assert not fit(Reply("Pilih", ((Button("Ya", "a"), Button("Tidak", "b")),)), WHATSAPP)[0].as_list


def test_a_button_repeated_in_a_reply_is_one_choice() -> None:
    twice = ((Button("Menu", "menu"),), (Button("Menu utama", "menu"),), (Button("Bantuan", "help"),))
    [screen] = fit(Reply("Pilih", twice), WHATSAPP)
    assert [b.action for b in screen.all_buttons] == ["menu", "help"]


def test_a_long_answer_goes_as_text_then_its_buttons_under_a_prompt() -> None:
    text = "Jawaban yang cukup panjang. " * 60  # about 1,700 characters: over a button message's 1,024
    screens = fit(Reply(text, _buttons(2), title="Judul"), WHATSAPP, prompt="Pilih di bawah ini:")
    assert [s.text for s in screens] == [text.strip(), "Pilih di bawah ini:"]
    assert not screens[0].buttons and len(screens[1].all_buttons) == 2
    assert screens[0].title == "Judul"
    [one] = fit(Reply(text, _buttons(2), title="Judul"), TELEGRAM)  # Telegram carries both in one message
    assert one.text == text.strip() and one.buttons


def test_long_text_is_split_at_paragraphs_and_the_buttons_go_last() -> None:
    text = "\n\n".join("kalimat " * 100 for _ in range(6))  # about 4,800 characters
    screens = fit(Reply(text, _buttons(2)), WHATSAPP)
    assert len(screens) >= 2 and all(len(s.text) <= WHATSAPP.text_limit for s in screens)
    assert len(screens[-1].text) <= WHATSAPP.body_limit
    assert [bool(s.buttons) for s in screens] == [False] * (len(screens) - 1) + [True]
    words = " ".join(s.text for s in screens if s.text != "👇").split()
    assert words == text.split()  # every word arrives, in order


def test_labels_are_shortened_at_a_word_boundary_never_mid_word() -> None:
    assert shorten("Pekerjaan yang aman dari AI", 20) == "Pekerjaan yang aman…"
    assert shorten("Pendek", 20) == "Pendek"
    [screen] = fit(Reply("x", ((Button("Mencatat statistik mingguan", "a"),),)), WHATSAPP)
    assert screen.as_list and screen.all_buttons[0].label == "Mencatat statistik…"


def test_the_title_and_image_stay_with_the_first_and_last_screen(tmp_path: object) -> None:
    from pathlib import Path

    image = Path("/tmp/chart.png")
    screens = fit(Reply("a " * 3000, _buttons(1), image=image, title="Judul"), WHATSAPP)
    assert screens[0].title == "Judul" and all(s.title is None for s in screens[1:])
    assert screens[-1].image == image and all(s.image is None for s in screens[:-1])


# --- every screen the conversation produces ---------------------------------------------------


async def _tour(chat: ChatDriver, services: Services) -> list[Reply]:
    """Every kind of screen: commands, the whole FAQ, pickers, flows, errors, reminders."""
    services.clock = lambda: datetime(2026, 11, 30, 2, tzinfo=UTC)
    seen: list[Reply] = []

    async def say(text: str) -> None:
        seen.extend(await chat.say(text))

    async def press(action: str) -> None:
        seen.extend(await chat.press(action))

    for command in COMMANDS:
        await say(f"/{command.name}")
    for text in (
        "/pengingat upload 19:00",
        "/pengingat statistik senin 09:00",
        "/pengingat libur 3",
        "/pengingat upload 19:00 WITA",
        "/pengingat xyz",
        "/zona mars",
        "/upload 5",
        "/upload 5000",
        "halo",
        "makasih",
        "🙏",
        "level",
        "resep rendang padang",
        "3",
        "x" * 2000,
        "apa itu microstock",
    ):
        await say(text)  # fmt: skip
    for key in services.content.categories:
        await press(f"cat:{key}")
    for entry in services.content.entries:
        await press(f"faq:{entry.id}")
    for action in (
        "rem:list",
        "rem:up",
        "rem:st",
        "rem:st:0",
        "rem:pause",
        "rem:off:upload",
        "rem:on:upload",
        "rem:resume",
        "tgt",
        "tgt:5",
        "zona",
        "zona:WITA",
        "streak",
        "up:done:today",
        "up:rest:today",
        "up:fix:today",
        "up:fixcancel",
        "up:done:2020-01-01",
        "st:start",
        "st:weeks",
        "st:w:2026-11-16",
        "st:p:shutterstock",
        "st:m:both:note",
        "st:cancel",
        "del:no",
        "menu",
        "help",
        "junk:x",
    ):
        await press(action)  # fmt: skip
    await press("st:p:shutterstock:2026-11-23")
    for text in ("120", "12", "50.000"):
        await say(text)
    await press("st:ok")
    await say("/statistik")
    await press("st:media")
    await press("st:p:adobestock")
    await say("kenapa 5 foto saya ditolak")
    user = StoredUser(1, "test", "42", "id", "Asia/Jakarta", "2026-11-30T00:00:00+00:00", True)
    for kind in (UPLOAD, STATS):
        reminder = Reminder(1, 1, kind, datetime(2026, 1, 1, 19).time(), 0, True, None, None, None)
        seen.append(compose(DueReminder(reminder, user, "2026-11-30", date(2026, 11, 30), datetime.now(UTC), False)))
    await press("del:yes")
    return seen


def _check(screen: Screen, originals: list[str], profile: ChannelProfile) -> None:
    """`originals`: the reply's labels not yet matched to a screen, in order (fit keeps the order)."""
    text = f"{screen.title}\n\n{screen.text}" if screen.title else screen.text
    assert text.strip(), "a screen always has text (WhatsApp needs a body)"
    assert len(text) <= (profile.body_limit if screen.buttons else profile.text_limit), text[:80]
    buttons = screen.all_buttons
    if screen.as_list:
        assert len(buttons) + bool(screen.more) <= profile.list_rows  # a "more" row pages to the rest
        limit = profile.row_label_limit
    else:
        assert len(buttons) <= profile.reply_buttons
        limit = profile.label_limit
    for button in [*buttons, *screen.more]:
        assert len(button.label) <= limit, button.label
        assert len(button.action.encode()) <= profile.action_bytes
        full = originals.pop(0)
        if button.label != full:  # shortened: at a word boundary, never mid-word
            stem = button.label.removesuffix("…")
            assert full.startswith(stem) and full[len(stem)] == " ", (full, button.label)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
async def test_every_screen_fits_every_channel(chat: ChatDriver, services: Services, profile: ChannelProfile) -> None:
    replies = await _tour(chat, services)
    assert len(replies) > 130
    for reply in replies:
        first_label: dict[str, str] = {}
        for b in reply.all_buttons:
            first_label.setdefault(b.action, " ".join(b.label.split()))
        originals = list(first_label.values())
        for screen in fit(reply, profile, more="Pilihan lainnya:"):
            _check(screen, originals, profile)
        assert originals == []  # no button lost


def test_the_terminal_shows_everything_as_it_is() -> None:
    reply = Reply("t" * 10_000, _buttons(40, "label yang sangat panjang sekali untuk tombol"))
    [screen] = fit(reply, TERMINAL)
    assert screen.text == reply.text and screen.buttons == reply.buttons


def test_reminders_keep_their_buttons_as_buttons_on_whatsapp() -> None:
    """Short actions are reply buttons (up to three, at most 20 characters each), not a list to open."""
    user = StoredUser(1, "whatsapp", "6281", "id", "Asia/Jakarta", "2026-11-30T00:00:00+00:00", True)
    for kind, count in ((UPLOAD, 3), (STATS, 2)):
        reminder = Reminder(1, 1, kind, datetime(2026, 1, 1, 19).time(), 0, True, None, None, None)
        reply = compose(DueReminder(reminder, user, "2026-11-30", date(2026, 11, 30), datetime.now(UTC), False))
        [screen] = fit(reply, WHATSAPP)
        assert not screen.as_list and len(screen.all_buttons) == count, [b.label for b in screen.all_buttons]
        assert reply.notice == kind
