"""Reading Meta's webhooks: signatures, messages, receipts, and what each message means to the conversation."""

from __future__ import annotations

import json

from bot.channels.whatsapp_webhook import content, parse, signature_ok
from tests.graph_stub import (
    DEFAULT_PHONE_ID,
    button_reply,
    encode,
    list_reply,
    media_message,
    reaction,
    sign,
    status_update,
    template_button,
    text_message,
)

SECRET = "app-secret"


def test_the_signature_is_checked_on_the_raw_bytes_in_constant_time() -> None:
    body = encode(text_message("628123", "halo / apa kabar"))
    assert signature_ok(body, sign(body, SECRET), SECRET)
    assert not signature_ok(body, sign(body, "other-secret"), SECRET)
    assert not signature_ok(json.dumps(json.loads(body)).encode(), sign(body, SECRET), SECRET)  # re-encoded
    assert not signature_ok(body, None, SECRET) and not signature_ok(body, "", SECRET)
    assert not signature_ok(body, sign(body, SECRET).replace("sha256=", "sha1="), SECRET)


def test_a_text_message_gives_its_sender_time_and_words() -> None:
    [message], statuses = parse(
        text_message("628123", "halo", timestamp=1_790_000_000, bsuid="ID.77"), DEFAULT_PHONE_ID
    )
    assert statuses == []
    assert (message.phone, message.user_id) == ("628123", "ID.77")
    assert message.sent_at.timestamp() == 1_790_000_000
    assert content(message.raw) is not None and content(message.raw).text == "halo"  # type: ignore[union-attr]


def test_buttons_lists_and_template_replies_are_actions() -> None:
    for payload, action in (
        (button_reply("628123", "up:done:2026-12-01", "Sudah"), "up:done:2026-12-01"),
        (list_reply("628123", "faq:burnout", "Burnout"), "faq:burnout"),
        (template_button("628123", "st:start", "Catat"), "st:start"),
    ):
        [message], _ = parse(payload, DEFAULT_PHONE_ID)
        said = content(message.raw)
        assert said is not None and said.action == action and said.text is None


def test_media_is_media_and_reactions_are_ignored() -> None:
    for kind in ("audio", "sticker", "image", "video", "document", "location"):
        [message], _ = parse(media_message("628123", kind), DEFAULT_PHONE_ID)  # type: ignore[arg-type]
        said = content(message.raw)
        assert said is not None and said.media == kind
    [message], _ = parse(reaction("628123", "👍", "wamid.out.1"), DEFAULT_PHONE_ID)
    assert content(message.raw) is None


def test_receipts_carry_the_error_code_and_other_numbers_are_left_alone() -> None:
    _, [status] = parse(status_update("wamid.out.5", "failed", "628123", error_code=131047), DEFAULT_PHONE_ID)
    assert (status.message_id, status.status, status.recipient, status.error_code) == (
        "wamid.out.5",
        "failed",
        "628123",
        131047,
    )
    assert parse(text_message("628123", "halo", phone_id="999"), DEFAULT_PHONE_ID) == ([], [])


def test_nonsense_payloads_parse_to_nothing() -> None:
    for data in (None, [], {"entry": "x"}, {"entry": [{"changes": [{"field": "messages", "value": []}]}]}):
        assert parse(data, DEFAULT_PHONE_ID) == ([], [])
    group = text_message("628123", "halo")
    group["entry"][0]["changes"][0]["value"]["messages"][0]["group_id"] = "g1"
    assert parse(group, DEFAULT_PHONE_ID) == ([], [])
