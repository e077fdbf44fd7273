"""Turning fitted screens into WhatsApp Cloud API message objects (the part of a send after `to`).

Within WhatsApp's limits (profile.WHATSAPP): up to three reply buttons with short unique titles, else one
list (ten rows, titles of 24 characters, descriptions of 72); a body of 1,024 characters when a message
carries buttons, 4,096 otherwise. Titles are *bold*, WhatsApp's own markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.profile import Screen, shorten
from bot.messages import Button

ROW_DESCRIPTION_LIMIT = 72
LIST_BUTTON_LIMIT = 20


@dataclass(frozen=True)
class Words:
    """The few words the channel itself says, already translated (from the gettext catalog)."""

    choose: str  # the list's button ("Pilih")
    more: str  # the row that opens the next page of a long list ("Lainnya…")
    more_text: str  # the body of such a next page
    prompt: str  # the body over buttons that follow a long text


def body_text(screen: Screen) -> str:
    return f"*{screen.title}*\n\n{screen.text}".rstrip() if screen.title else screen.text


def text_message(text: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": text, "preview_url": False}}


def screen_message(screen: Screen, words: Words, more_action: str | None = None) -> dict[str, Any]:
    """The message for one screen: text, reply buttons, or a list (with a "more" row when it pages)."""
    body = body_text(screen)
    buttons = screen.all_buttons
    if not buttons:
        return text_message(body)
    if not screen.as_list:
        replies = [{"type": "reply", "reply": {"id": b.action, "title": b.label}} for b in buttons]
        return {
            "type": "interactive",
            "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": replies}},
        }
    rows = [_row(b) for b in buttons]
    if more_action is not None:
        rows.append({"id": more_action, "title": words.more})
    action = {"button": shorten(words.choose, LIST_BUTTON_LIMIT), "sections": [{"rows": rows}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": body}, "action": action}}


def _row(button: Button) -> dict[str, str]:
    row = {"id": button.action, "title": button.label}
    if button.detail and button.detail != button.label:
        row["description"] = shorten(button.detail, ROW_DESCRIPTION_LIMIT)
    return row


def image_message(media_id: str) -> dict[str, Any]:
    return {"type": "image", "image": {"id": media_id}}


def document_message(media_id: str, filename: str) -> dict[str, Any]:
    return {"type": "document", "document": {"id": media_id, "filename": filename}}


def template_message(name: str, payloads: list[str], language: str = "id") -> dict[str, Any]:
    """An approved template whose quick-reply buttons carry `payloads` (they come back as button presses)."""
    components = [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(i),
            "parameters": [{"type": "payload", "payload": p}],
        }
        for i, p in enumerate(payloads)
    ]
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return {"type": "template", "template": template}
