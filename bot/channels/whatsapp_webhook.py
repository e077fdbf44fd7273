"""Reading what Meta posts to `/whatsapp`: the signature check, messages and status receipts.

Pure functions over the webhook JSON (the "messages" field of a WhatsApp Business Account), so they
are tested without a server. Meta signs the raw body with the app secret (`X-Hub-Signature-256`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Things a person sends that are not text or a button: Kawan says it can only read text.
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker", "location", "contacts", "unsupported"})
IGNORED_TYPES = frozenset({"reaction", "system", "ephemeral", "request_welcome"})


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@dataclass(frozen=True)
class InboundMessage:
    """One message a user sent, before we know which stored chat it belongs to."""

    message_id: str
    phone: str | None  # wa_id: the phone-based WhatsApp id (absent for some username-only users)
    user_id: str | None  # the business-scoped user id (BSUID), where Meta sends one
    sent_at: datetime
    raw: dict[str, Any]

    @property
    def payload(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class StatusUpdate:
    """A receipt for a message we sent: sent, delivered, read or failed (with Meta's error code)."""

    message_id: str
    status: str
    recipient: str
    error_code: int | None


def parse(data: Any, phone_number_id: str) -> tuple[list[InboundMessage], list[StatusUpdate]]:
    """Messages and receipts for our phone number; anything else in the payload is left alone."""
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    if not isinstance(data, dict):
        return messages, statuses
    for entry in _dicts(data.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id", phone_number_id) if isinstance(metadata, dict) else phone_number_id
            if str(number) != phone_number_id:
                continue  # another number of the same business account
            contacts = list(_dicts(value.get("contacts")))
            for message in _dicts(value.get("messages")):
                parsed = _message(message, contacts)
                if parsed is not None:
                    messages.append(parsed)
            for status in _dicts(value.get("statuses")):
                if isinstance(status.get("id"), str) and isinstance(status.get("status"), str):
                    errors = list(_dicts(status.get("errors")))
                    code = errors[0].get("code") if errors else None
                    statuses.append(
                        StatusUpdate(
                            status["id"],
                            status["status"],
                            str(status.get("recipient_id") or status.get("recipient_user_id") or ""),
                            int(code) if isinstance(code, int | str) and str(code).isdigit() else None,
                        )
                    )
    return messages, statuses


def _message(message: dict[str, Any], contacts: list[dict[str, Any]]) -> InboundMessage | None:
    message_id = message.get("id")
    if not isinstance(message_id, str) or not message_id or message.get("group_id"):
        return None  # Kawan talks one to one; group messages are not for it
    phone = message.get("from") if isinstance(message.get("from"), str) else None
    user_id = message.get("from_user_id") if isinstance(message.get("from_user_id"), str) else None
    for contact in contacts:
        if phone is not None and contact.get("wa_id") not in (None, phone):
            continue
        phone = phone or (contact.get("wa_id") if isinstance(contact.get("wa_id"), str) else None)
        user_id = user_id or (contact.get("user_id") if isinstance(contact.get("user_id"), str) else None)
        break
    if phone is None and user_id is None:
        return None
    return InboundMessage(message_id, phone, user_id, _sent_at(message.get("timestamp")), message)


def _sent_at(timestamp: Any) -> datetime:
    """Meta's Unix timestamp (a string); now when it is missing or unreadable."""
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


@dataclass(frozen=True)
class Content:
    """What the message says, in the conversation's terms: exactly one of text, action or media."""

    text: str | None = None
    action: str | None = None
    media: str | None = None


def content(message: dict[str, Any]) -> Content | None:
    """Text, a button press (reply button, list row, template quick reply), or media; None to ignore."""
    kind = message.get("type")
    if kind == "text":
        body = message.get("text", {}).get("body") if isinstance(message.get("text"), dict) else None
        return Content(text=body) if isinstance(body, str) and body.strip() else None
    if kind == "interactive" and isinstance(message.get("interactive"), dict):
        interactive = message["interactive"]
        chosen = interactive.get(interactive.get("type", ""))
        choice = chosen.get("id") if isinstance(chosen, dict) else None
        return Content(action=choice) if isinstance(choice, str) and choice else None
    if kind == "button" and isinstance(message.get("button"), dict):
        payload = message["button"].get("payload")
        return Content(action=payload) if isinstance(payload, str) and payload else None
    if kind in IGNORED_TYPES:
        return None
    return Content(media=str(kind or "unknown"))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
