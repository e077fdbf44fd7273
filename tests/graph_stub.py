"""A stand-in for Meta's WhatsApp Business Cloud API (the Graph API), for end-to-end tests.

Configure the bot with ``WHATSAPP_GRAPH_URL=graph.base_url`` and the stub's token, phone number id and app secret;
the bot then sends over HTTP to 127.0.0.1 only, and the test talks to the bot with Meta-shaped webhooks::

    async with GraphStub() as graph:
        ...  # start the bot against graph.base_url; it serves POST /whatsapp at bot_url
        payload = text_message("6281234567890", "halo")
        assert await post_webhook(f"{bot_url}/whatsapp", payload, graph.app_secret) == 200
        (reply,) = await graph.wait_for_messages("6281234567890", 1)
        assert reply.kind == "buttons" and reply.button_titles == ["Ya", "Tidak"]

The stub answers like the Cloud API does: a bearer token on every request, ``wamid`` ids for sends, media ids for
uploads, and HTTP 400 with code 131009 for what Meta refuses (empty or too long text, too many or too long buttons
and list rows, duplicate ids, unknown media). Every request is recorded, failures can be injected (rate limits, the
closed 24-hour window, blocked users, an expired token), and waiting is event driven.

Everything runs on the event loop that entered ``async with``; call the helpers from that loop. Recording happens
without an ``await`` in between, so concurrent sends never see half-updated state.

Deliberate differences: failures Meta reports later in a ``failed`` status webhook (131047, 131026) are answered
synchronously here; build that webhook with ``status_update`` when the asynchronous path is what a test is about.
``to`` must be a bare wa_id (digits), which is what the bot should send, although Meta also accepts formatted numbers.
A text or interactive body of only whitespace counts as empty. Only the send types and interactive types Kawan uses
are known (text, reply buttons, lists, images, templates); others are refused with a message saying so.

``check_send`` is the validation on its own, for tests of a renderer that need no server.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self, TypedDict, Unpack

import aiohttp
from aiohttp import web

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "EAAG-test-token-0123456789"
DEFAULT_PHONE_ID = "1055500001"
DEFAULT_APP_SECRET = "app-secret-for-tests"
DEFAULT_VERIFY_TOKEN = "verify-me"
GRAPH_VERSION = "v26.0"
WABA_ID = "1099900001"
DISPLAY_NUMBER = "+62 811-0000-0001"
DISPLAY_DIGITS = "6281100000001"  # how webhooks spell the business number
VERIFIED_NAME = "Kawan"

MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_HEADER_FOOTER = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10  # in the whole list, not per section
MAX_ROW_ID = 200
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_SECTION_TITLE = 24
MAX_CAPTION = 1024
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
NO_LIMIT = 1 << 30
SEND_TYPES = ("text", "interactive", "image", "document", "template")

# Graph error code -> (title, details) as Meta words them; the error message is "(#code) title".
ERRORS: dict[int, tuple[str, str]] = {
    100: ("Invalid parameter", ""),
    190: ("Error validating access token: Session has expired", ""),
    2500: ("Unknown path components", ""),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached."),
    131000: ("Something went wrong", "Message failed to send due to an unknown error."),
    131009: ("Parameter value is not valid", ""),
    131026: ("Message undeliverable", "Message failed to send because the recipient cannot receive it."),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    ),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone number to the same "
        "phone number in a short period of time.",
    ),
    132001: ("Template name does not exist in the translation", ""),
}
ERROR_DOCS = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


class GraphError(Exception):
    """An error answer of the Graph API: ``{"error": {...}}`` with an HTTP status."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        message: str | None = None,
        http_status: int | None = None,
        subcode: int | None = None,
    ) -> None:
        title, default_details = ERRORS.get(code, ("Error", ""))
        self.code = code
        self.message = message or (title if code == 190 else f"(#{code}) {title}")
        self.details = default_details if details is None else details
        self.http_status = http_status or {130429: 429, 190: 401}.get(code, 400)
        self.subcode = subcode if subcode is not None else (463 if code == 190 else None)
        super().__init__(f"{self.message}: {self.details}" if self.details else self.message)

    def body(self) -> JSONDict:
        """The JSON body Meta sends for this error."""
        error: JSONDict = {"message": self.message, "type": "OAuthException", "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(15)
        return {"error": error}


def _invalid(details: str) -> GraphError:
    return GraphError(131009, details)


def _required(name: str) -> GraphError:
    return GraphError(100, "", message=f"(#100) The parameter {name} is required.")


class Call(NamedTuple):
    """One request to the stub and the HTTP status it was answered with."""

    method: str
    path: str
    json: Any  # the decoded JSON body, None without one
    form: dict[str, str] | None  # multipart or urlencoded fields; a file part as "<file name, type, N bytes>"
    status: int


@dataclass(frozen=True)
class Media:
    """A file the bot uploaded to ``/media``."""

    id: str
    content_type: str
    data: bytes
    filename: str | None


@dataclass(frozen=True)
class Rejection:
    """A send the stub refused, for whatever reason (validation, token, injected failure)."""

    to: str | None
    code: int
    http_status: int
    message: str
    details: str
    raw: Any


@dataclass(frozen=True)
class SentMessage:
    """A message the stub accepted. ``to`` is the ``to`` or ``recipient`` value; ``raw`` the JSON body as sent."""

    to: str
    id: str
    type: str
    raw: JSONDict

    @property
    def kind(self) -> str:
        """One of "text", "buttons", "list", "image" and "template"."""
        if self.type == "interactive":
            return "buttons" if self._interactive.get("type") == "button" else "list"
        return self.type

    @property
    def text(self) -> str:
        """The text body, the interactive body text, the template name, or an image's caption ("" without)."""
        if self.type == "text":
            return str(self.raw["text"]["body"])
        if self.type == "interactive":
            return str(self._interactive["body"]["text"])
        if self.type == "template":
            return str(self.raw["template"]["name"])
        return str(self.raw.get(self.type, {}).get("caption", ""))

    @property
    def header(self) -> str | None:
        """The interactive message's text header, if it has one."""
        header = self._interactive.get("header") or {}
        return str(header["text"]) if header.get("type") == "text" else None

    @property
    def footer(self) -> str | None:
        """The interactive message's footer text, if it has one."""
        footer = self._interactive.get("footer")
        return str(footer["text"]) if footer else None

    @property
    def button_titles(self) -> list[str]:
        """The reply buttons' titles, ``[]`` for other kinds."""
        return [str(b["reply"]["title"]) for b in self._buttons]

    @property
    def button_ids(self) -> list[str]:
        """The reply buttons' ids, ``[]`` for other kinds."""
        return [str(b["reply"]["id"]) for b in self._buttons]

    @property
    def list_button(self) -> str | None:
        """The text of the button that opens a list message."""
        return str(self._interactive["action"]["button"]) if self.kind == "list" else None

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """``(id, title, description)`` of every list row across sections ("" without a description)."""
        if self.kind != "list":
            return []
        sections = self._interactive["action"]["sections"]
        return [(r["id"], r["title"], r.get("description", "")) for s in sections for r in s["rows"]]

    @property
    def template_name(self) -> str | None:
        return str(self.raw["template"]["name"]) if self.type == "template" else None

    @property
    def template_language(self) -> str | None:
        return str(self.raw["template"]["language"]["code"]) if self.type == "template" else None

    @property
    def template_payloads(self) -> list[str]:
        """The quick-reply buttons' payloads, in button index order."""
        if self.type != "template":
            return []
        quick = [c for c in self.raw["template"].get("components", []) if c.get("sub_type") == "quick_reply"]
        quick.sort(key=lambda c: int(c["index"]))
        return [str(c["parameters"][0]["payload"]) for c in quick]

    @property
    def document_id(self) -> str | None:
        """The uploaded media id of a document message (None for a link or another kind)."""
        return self.raw["document"].get("id") if self.type == "document" else None

    @property
    def image_id(self) -> str | None:
        """The uploaded media id of an image message (None for a link or another kind)."""
        return self.raw["image"].get("id") if self.type == "image" else None

    @property
    def summary(self) -> str:
        """One line for failure messages: kind, text, and the choices offered."""
        choices = self.button_titles or [row[1] for row in self.rows] or self.template_payloads
        extra = f" [{' | '.join(choices)}]" if choices else ""
        text = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"{self.kind} {text!r}{extra}"

    @property
    def _interactive(self) -> JSONDict:
        return dict(self.raw.get("interactive") or {})

    @property
    def _buttons(self) -> list[JSONDict]:
        return list(self._interactive["action"]["buttons"]) if self.kind == "buttons" else []


# --------------------------------------------------------------------------------------------------------------
# Validating a send the way Meta does. Lengths are counted in characters (Python's len()).


def _object(value: Any, where: str) -> JSONDict:
    if not isinstance(value, dict):
        raise _invalid(f"{where} is required and must be an object")
    return value


def _items(value: Any, where: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        count = len(value) if isinstance(value, list) else "none"
        raise _invalid(f"{where} must hold {low} to {high} items, got {count}")
    return value


def _text(value: Any, where: str, high: int, *, required: bool = True, blank: bool = True) -> str:
    """The string at ``where``, checked for presence and length (``blank=False``: whitespace alone is empty)."""
    if value is None:
        if required:
            raise _invalid(f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise _invalid(f"{where} must be a string")
    if required and not (value if blank else value.strip()):
        raise _invalid(f"{where} must not be empty")
    if len(value) > high:
        raise _invalid(f"{where} is {len(value)} characters, at most {high} allowed")
    return value


def _unique(values: list[str], what: str) -> None:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise _invalid(f"{what} must be unique, repeated: {duplicates}")


def check_send(body: JSONDict, media_ids: Collection[str], templates: Collection[str] | None = None) -> str:
    """Validate a send like the Cloud API; return the recipient (``to``, else ``recipient``) or raise GraphError."""
    if body.get("messaging_product") != "whatsapp":
        raise _required("messaging_product")
    to, user_id = body.get("to"), body.get("recipient")
    if to is None and user_id is None:
        raise _required("to")
    if to is not None and not (isinstance(to, str) and to.isascii() and to.isdigit()):
        raise _invalid(f"to must be a wa_id (digits only), got {to!r}")
    if to is None and not (isinstance(user_id, str) and user_id[:2].isalpha() and user_id[2:3] == "."):
        raise _invalid(f"recipient must be a business-scoped user id like 'ID.12345', got {user_id!r}")
    kind = body.get("type", "text")
    if kind not in SEND_TYPES:
        raise GraphError(100, f"type must be one of {', '.join(SEND_TYPES)} (the types this stub knows)")
    content = _object(body.get(kind), kind)
    if kind == "text":
        _text(content.get("body"), "text.body", MAX_TEXT, blank=False)
    elif kind == "interactive":
        _check_interactive(content)
    elif kind in ("image", "document"):
        _check_media(kind, content, media_ids)
    else:
        _check_template(content, templates)
    return str(to if to is not None else user_id)


def _check_interactive(interactive: JSONDict) -> None:
    kind = interactive.get("type")
    if kind not in ("button", "list"):
        raise _invalid(f"interactive.type must be button or list (the types this stub knows), got {kind!r}")
    body = _object(interactive.get("body"), "interactive.body")
    _text(body.get("text"), "interactive.body.text", MAX_INTERACTIVE_BODY, blank=False)
    header = interactive.get("header")
    if header is not None:
        header = _object(header, "interactive.header")
        if header.get("type") == "text":
            _text(header.get("text"), "interactive.header.text", MAX_HEADER_FOOTER)
        elif kind == "list" or header.get("type") not in ("image", "video", "document"):
            raise _invalid(f"interactive.header.type {header.get('type')!r} is not allowed for a {kind} message")
    if interactive.get("footer") is not None:
        footer = _object(interactive["footer"], "interactive.footer")
        _text(footer.get("text"), "interactive.footer.text", MAX_HEADER_FOOTER)
    action = _object(interactive.get("action"), "interactive.action")
    if kind == "button":
        _check_buttons(action)
    else:
        _check_list(action)


def _check_buttons(action: JSONDict) -> None:
    titles, ids = [], []
    for i, button in enumerate(_items(action.get("buttons"), "interactive.action.buttons", 1, MAX_BUTTONS)):
        where = f"interactive.action.buttons[{i}]"
        if _object(button, where).get("type") != "reply":
            raise _invalid(f"{where}.type must be 'reply'")
        reply = _object(button.get("reply"), f"{where}.reply")
        titles.append(_text(reply.get("title"), f"{where}.reply.title", MAX_BUTTON_TITLE))
        ids.append(_text(reply.get("id"), f"{where}.reply.id", MAX_BUTTON_ID))
    _unique(titles, "button titles")
    _unique(ids, "button ids")


def _check_list(action: JSONDict) -> None:
    _text(action.get("button"), "interactive.action.button", MAX_LIST_BUTTON)
    sections = _items(action.get("sections"), "interactive.action.sections", 1, MAX_SECTIONS)
    ids = []
    for i, section in enumerate(sections):
        where = f"interactive.action.sections[{i}]"
        _object(section, where)
        _text(section.get("title"), f"{where}.title", MAX_SECTION_TITLE, required=len(sections) > 1)
        for j, row in enumerate(_items(section.get("rows"), f"{where}.rows", 1, MAX_ROWS)):
            row_where = f"{where}.rows[{j}]"
            _object(row, row_where)
            ids.append(_text(row.get("id"), f"{row_where}.id", MAX_ROW_ID))
            _text(row.get("title"), f"{row_where}.title", MAX_ROW_TITLE)
            _text(row.get("description"), f"{row_where}.description", MAX_ROW_DESCRIPTION, required=False)
    if len(ids) > MAX_ROWS:
        raise _invalid(f"a list holds at most {MAX_ROWS} rows across its sections, got {len(ids)}")
    _unique(ids, "list row ids")


def _check_media(kind: str, media: JSONDict, media_ids: Collection[str]) -> None:
    """An image or a document: an uploaded media id or a link, an optional caption (and a document's filename)."""
    if ("id" in media) == ("link" in media):
        raise _invalid(f"{kind} needs exactly one of id and link")
    if "id" in media and media["id"] not in media_ids:
        raise _invalid(f"{kind}.id {media['id']!r} is not a media id this server issued")
    if "link" in media and not str(media["link"]).startswith(("https://", "http://")):
        raise _invalid(f"{kind}.link must be an http(s) URL, got {media['link']!r}")
    _text(media.get("caption"), f"{kind}.caption", MAX_CAPTION, required=False)
    if kind == "document":
        _text(media.get("filename"), "document.filename", 240, required=False)


def _check_template(template: JSONDict, templates: Collection[str] | None) -> None:
    name = _text(template.get("name"), "template.name", 512)
    language = _text(_object(template.get("language"), "template.language").get("code"), "template.language.code", 15)
    if templates is not None and name not in templates:
        raise GraphError(132001, f"template name ({name}) does not exist in {language}")
    indexes = []
    for i, component in enumerate(_items(template.get("components", []), "template.components", 0, 20)):
        where = f"template.components[{i}]"
        if _object(component, where).get("type") != "button":
            continue
        index = str(component.get("index"))
        if not (index.isdigit() and int(index) < 10):
            raise _invalid(f"{where}.index must be '0' to '9', got {component.get('index')!r}")
        indexes.append(index)
        parameters = _items(component.get("parameters"), f"{where}.parameters", 1, 1)
        if component.get("sub_type") == "quick_reply":
            parameter = _object(parameters[0], f"{where}.parameters[0]")
            if parameter.get("type") != "payload":
                raise _invalid(f"{where}.parameters[0].type must be 'payload' for a quick reply")
            _text(parameter.get("payload"), f"{where}.parameters[0].payload", NO_LIMIT)
    _unique(indexes, "template button indexes")


# --------------------------------------------------------------------------------------------------------------
# The server.


@dataclass
class _Failure:
    code: int
    to: str | None
    times: int
    http_status: int | None
    message: str | None


class GraphStub:
    """A Cloud API server on 127.0.0.1 with an ephemeral port, for ``async with``.

    Attributes:
        token, phone_id, app_secret, verify_token, version: what the bot is configured with.
        calls: every request in arrival order, as ``Call(method, path, json, form, status)``.
        sent: every accepted send, as ``SentMessage``; ``rejected``: every refused one, as ``Rejection``.
        read_receipts: the message ids the bot marked as read.
        media: uploaded files by media id.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        phone_id: str = DEFAULT_PHONE_ID,
        app_secret: str = DEFAULT_APP_SECRET,
        verify_token: str = DEFAULT_VERIFY_TOKEN,
        delay: float = 0.0,
        templates: Iterable[str] | None = None,
    ) -> None:
        """``delay``: seconds before each send is answered; ``templates``: the approved template names (any
        name passes when None, else others fail with 132001)."""
        self.token = token
        self.phone_id = phone_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.version = GRAPH_VERSION
        self.delay = delay
        self.templates = None if templates is None else frozenset(templates)
        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.rejected: list[Rejection] = []
        self.read_receipts: list[str] = []
        self.media: dict[str, Media] = {}
        self._failures: list[_Failure] = []
        self._closed_windows: set[str] = set()
        self._blocked: set[str] = set()
        self._token_expired = False
        self._counter = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """The WHATSAPP_* variables that point a `kawan run` process at this stand-in."""
        return {
            "WHATSAPP_TOKEN": self.token,
            "WHATSAPP_PHONE_NUMBER_ID": self.phone_id,
            "WHATSAPP_APP_SECRET": self.app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.verify_token,
            "WHATSAPP_GRAPH_URL": self.base_url,
        }

    async def start(self) -> None:
        """Start listening on 127.0.0.1 with an ephemeral port."""
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The port the stub listens on (only while started)."""
        if self._port is None:
            raise RuntimeError("GraphStub is not started; use 'async with GraphStub() as graph'")
        return self._port

    @property
    def base_url(self) -> str:
        """The bot's WHATSAPP_GRAPH_URL: the API root with the version, no trailing slash."""
        return f"http://127.0.0.1:{self.port}/{self.version}"

    # -- injecting failures ----------------------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        *,
        to: str | None = None,
        times: int = 1,
        http_status: int | None = None,
        message: str | None = None,
    ) -> None:
        """Fail the next ``times`` sends (to ``to``, or any) with Graph error ``code``; read receipts pass."""
        self._failures.append(_Failure(code, to, times, http_status, message))

    def close_window(self, wa_id: str) -> None:
        """The 24-hour window with ``wa_id`` is over: every send but a template fails with 131047."""
        self._closed_windows.add(wa_id)

    def open_window(self, wa_id: str) -> None:
        self._closed_windows.discard(wa_id)

    def block(self, wa_id: str) -> None:
        """Every send to ``wa_id`` fails with 131026 (the user blocked the business or cannot receive)."""
        self._blocked.add(wa_id)

    def unblock(self, wa_id: str) -> None:
        self._blocked.discard(wa_id)

    def expire_token(self) -> None:
        """Answer every request with 401, code 190 subcode 463, until ``restore_token``."""
        self._token_expired = True

    def restore_token(self) -> None:
        self._token_expired = False

    # -- inspecting and waiting ------------------------------------------------------------------------------

    def sent_to(self, wa_id: str) -> list[SentMessage]:
        """The messages accepted for ``wa_id`` (a ``to`` or ``recipient`` value), oldest first."""
        return [m for m in self.sent if m.to == wa_id]

    def describe(self, wa_id: str | None = None) -> str:
        """What was sent (to ``wa_id``, if given) and refused so far, for assertion messages."""
        messages = self.sent if wa_id is None else self.sent_to(wa_id)
        lines = [f"sent{'' if wa_id is None else f' to {wa_id}'}: {len(messages)}"]
        lines += [f"  {m.to}: {m.summary}" for m in messages]
        if wa_id is not None and len(self.sent) > len(messages):
            lines.append(f"  (and {len(self.sent) - len(messages)} to others: {sorted({m.to for m in self.sent})})")
        lines += [f"rejected {r.to}: {r.code} {r.details or r.message}" for r in self.rejected]
        return "\n".join(lines)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0, *, what: str = "") -> None:
        """Wait until ``condition()`` holds, re-checking on every request; AssertionError after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}\n{self.describe()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_messages(self, wa_id: str, count: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until ``count`` messages to ``wa_id`` were accepted; return the first ``count``."""
        try:
            await self.wait_until(lambda: len(self.sent_to(wa_id)) >= count, timeout)
        except AssertionError:
            raise AssertionError(
                f"expected {count} message(s) to {wa_id} within {timeout}s\n{self.describe(wa_id)}"
            ) from None
        return self.sent_to(wa_id)[:count]

    async def wait_for(
        self, match: Callable[[SentMessage], bool] | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Wait until ``count`` accepted messages satisfy ``match`` (any message when None); return the first."""

        def matching() -> list[SentMessage]:
            return [m for m in self.sent if match is None or match(m)]

        await self.wait_until(lambda: len(matching()) >= count, timeout, what=f"{count} matching message(s)")
        return matching()[:count]

    async def wait_for_reads(self, count: int = 1, timeout: float = 5.0) -> list[str]:
        """Wait until ``count`` read receipts arrived; return the first ``count`` message ids."""
        await self.wait_until(lambda: len(self.read_receipts) >= count, timeout, what=f"{count} read receipt(s)")
        return self.read_receipts[:count]

    async def wait_for_rejections(self, count: int = 1, timeout: float = 5.0) -> list[Rejection]:
        """Wait until ``count`` sends were refused; return the first ``count``."""
        await self.wait_until(lambda: len(self.rejected) >= count, timeout, what=f"{count} rejected send(s)")
        return self.rejected[:count]

    # -- plumbing --------------------------------------------------------------------------------------------

    def _pulse(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _handle(self, request: web.Request) -> web.Response:
        body, form, files = await _read_body(request)
        is_send = False
        try:
            route = self._route(request)
            is_send = route == "messages" and not (isinstance(body, dict) and body.get("status") == "read")
            self._authorize(request)
            if route == "phone":
                result: JSONDict = {
                    "id": self.phone_id,
                    "display_phone_number": DISPLAY_NUMBER,
                    "verified_name": VERIFIED_NAME,
                }
            elif route == "media":
                result = self._upload(form or {}, files)
            elif is_send:
                result = await self._send(body)
            else:
                result = self._read(body)
            status = 200
        except GraphError as error:
            result, status = error.body(), error.http_status
            if is_send:
                to = body.get("to") or body.get("recipient") if isinstance(body, dict) else None
                to = None if to is None else str(to)
                self.rejected.append(Rejection(to, error.code, status, error.message, error.details, body))
        self.calls.append(Call(request.method, request.path, body, form, status))
        self._pulse()
        return web.json_response(result, status=status)

    def _route(self, request: web.Request) -> str:
        """Which endpoint the request is for ("phone", "messages", "media"); GraphError for anything else."""
        parts = request.path.strip("/").split("/")
        if parts[0] != self.version or len(parts) not in (2, 3) or parts[2:] not in ([], ["messages"], ["media"]):
            raise GraphError(2500, message=f"Unknown path components: {request.path}")
        route = "phone" if len(parts) == 2 else parts[2]
        verb = request.method.lower()
        if (verb, route) not in (("get", "phone"), ("post", "messages"), ("post", "media")):
            raise GraphError(100, message=f"(#100) Unsupported {verb} request.")
        if parts[1] != self.phone_id:
            unknown = f"(#100) Unsupported {verb} request. Object with ID '{parts[1]}' does not exist."
            raise GraphError(100, message=unknown, subcode=33)
        return route

    def _authorize(self, request: web.Request) -> None:
        if self._token_expired or request.headers.get("Authorization") != f"Bearer {self.token}":
            raise GraphError(190)

    async def _send(self, body: Any) -> JSONDict:
        if self.delay:
            await asyncio.sleep(self.delay)
        if not isinstance(body, dict):
            raise GraphError(100, "the request body must be a JSON object")
        to = check_send(body, self.media, self.templates)
        for failure in self._failures:
            if failure.to in (None, to):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise GraphError(failure.code, http_status=failure.http_status, message=failure.message)
        if to in self._blocked:
            raise GraphError(131026)
        if to in self._closed_windows and body.get("type") != "template":
            raise GraphError(131047)
        message = SentMessage(to, f"wamid.out.{next(self._counter)}", str(body.get("type", "text")), body)
        self.sent.append(message)
        contact = {"input": to, "wa_id" if "to" in body else "user_id": to}
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": message.id}]}

    def _read(self, body: Any) -> JSONDict:
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            raise _required("messaging_product")
        message_id = body.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise _required("message_id")
        self.read_receipts.append(message_id)
        return {"success": True}

    def _upload(self, form: dict[str, str], files: dict[str, Media]) -> JSONDict:
        if form.get("messaging_product") != "whatsapp":
            raise _required("messaging_product")
        upload = files.get("file")
        if upload is None:
            raise _required("file")
        if not upload.data:
            raise GraphError(100, "the uploaded file is empty")
        media_id = str(4_200_000_000_000_000 + next(self._counter))
        content_type = form.get("type") or upload.content_type
        self.media[media_id] = Media(media_id, content_type, upload.data, upload.filename)
        return {"id": media_id}


async def _read_body(request: web.Request) -> tuple[Any, dict[str, str] | None, dict[str, Media]]:
    """The JSON body, or the form fields and file parts, of a request."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form: dict[str, str] = {}
        files: dict[str, Media] = {}
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                files[name] = Media("", value.content_type, data, value.filename)
                form[name] = f"<file {value.filename}, {value.content_type}, {len(data)} bytes>"
            else:
                form[name] = str(value)
        return None, form, files
    raw = await request.read()
    if not raw:
        return None, None, {}
    try:
        return json.loads(raw), None, {}
    except ValueError:
        return raw.decode("utf-8", "replace"), None, {}  # recorded as text; the endpoint then refuses it


# --------------------------------------------------------------------------------------------------------------
# Webhooks: Meta-shaped payloads for the bot's POST /whatsapp, signed like Meta signs them.

_inbound_ids = itertools.count(1)
MediaKind = Literal["image", "audio", "sticker", "video", "document", "location"]
MEDIA_TYPES = {
    "image": "image/jpeg",
    "audio": "audio/ogg; codecs=opus",
    "sticker": "image/webp",
    "video": "video/mp4",
    "document": "application/pdf",
}


class Inbound(TypedDict, total=False):
    """Options every incoming-message builder takes."""

    message_id: str | None  # default: a unique "wamid.in.<n>"
    timestamp: int | str | None  # default: now; Meta sends Unix seconds as a string
    name: str  # the sender's profile name, default "Sari"
    bsuid: str | None  # the business-scoped user id, sent as contacts[0].user_id and messages[0].from_user_id
    phone_id: str  # the business phone number id, default DEFAULT_PHONE_ID


def envelope(value: JSONDict, phone_id: str = DEFAULT_PHONE_ID) -> JSONDict:
    """The ``whatsapp_business_account`` notification around one ``messages`` change ``value``."""
    metadata = {"display_phone_number": DISPLAY_DIGITS, "phone_number_id": phone_id}
    change = {"value": {"messaging_product": "whatsapp", "metadata": metadata, **value}, "field": "messages"}
    return {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [change]}]}


def incoming(wa_id: str | None, kind: str, content: JSONDict, **options: Unpack[Inbound]) -> JSONDict:
    """A notification of one message of type ``kind`` from a user; ``content`` holds its type-specific fields.

    ``wa_id=None`` with a ``bsuid`` is a user whose phone number Meta withholds (a username user).
    """
    bsuid = options.get("bsuid")
    if wa_id is None and bsuid is None:
        raise ValueError("an incoming message needs a wa_id or a bsuid")
    contact: JSONDict = {"profile": {"name": options.get("name", "Sari")}}
    message: JSONDict = {}
    if wa_id is not None:
        contact["wa_id"] = message["from"] = wa_id
    if bsuid is not None:
        contact["user_id"] = message["from_user_id"] = bsuid
    message["id"] = options.get("message_id") or f"wamid.in.{next(_inbound_ids)}"
    message["timestamp"] = str(options.get("timestamp") or int(time.time()))
    message["type"] = kind
    value = {"contacts": [contact], "messages": [{**message, **content}]}
    return envelope(value, options.get("phone_id", DEFAULT_PHONE_ID))


def text_message(wa_id: str | None, body: str, **options: Unpack[Inbound]) -> JSONDict:
    return incoming(wa_id, "text", {"text": {"body": body}}, **options)


def _context(context_id: str | None) -> JSONDict:
    """Which bot message a reply belongs to; a dummy id when the test does not care."""
    return {"from": DISPLAY_DIGITS, "id": context_id or "wamid.out.0"}


def button_reply(
    wa_id: str | None, button_id: str, title: str, *, context_id: str | None = None, **options: Unpack[Inbound]
) -> JSONDict:
    """A tap on a reply button of the bot message ``context_id``."""
    interactive = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
    return incoming(wa_id, "interactive", {"context": _context(context_id), "interactive": interactive}, **options)


def list_reply(
    wa_id: str | None,
    row_id: str,
    title: str,
    description: str = "",
    *,
    context_id: str | None = None,
    **options: Unpack[Inbound],
) -> JSONDict:
    """A row chosen from the list message ``context_id``."""
    reply = {"id": row_id, "title": title} | ({"description": description} if description else {})
    interactive = {"type": "list_reply", "list_reply": reply}
    return incoming(wa_id, "interactive", {"context": _context(context_id), "interactive": interactive}, **options)


def template_button(
    wa_id: str | None, payload: str, text: str, *, context_id: str | None = None, **options: Unpack[Inbound]
) -> JSONDict:
    """A tap on a template's quick-reply button (type "button", unlike reply buttons)."""
    content = {"context": _context(context_id), "button": {"payload": payload, "text": text}}
    return incoming(wa_id, "button", content, **options)


def media_message(
    wa_id: str | None, kind: MediaKind, *, caption: str | None = None, **options: Unpack[Inbound]
) -> JSONDict:
    """An image, voice note, sticker, video, document or location from a user."""
    if kind == "location":
        return incoming(wa_id, kind, {"location": {"latitude": -6.2088, "longitude": 106.8456}}, **options)
    media_id = str(7_700_000_000_000_000 + next(_inbound_ids))
    media: JSONDict = {
        "id": media_id,
        "mime_type": MEDIA_TYPES[kind],
        "sha256": hashlib.sha256(media_id.encode()).hexdigest(),
    }
    if kind == "audio":
        media["voice"] = True
    elif kind == "sticker":
        media["animated"] = False
    elif kind == "document":
        media["filename"] = "dokumen.pdf"
    if caption is not None and kind in ("image", "video", "document"):
        media["caption"] = caption
    return incoming(wa_id, kind, {kind: media}, **options)


def reaction(wa_id: str | None, emoji: str, to_message_id: str, **options: Unpack[Inbound]) -> JSONDict:
    """An emoji reaction to the bot message ``to_message_id`` ("" removes a reaction)."""
    return incoming(wa_id, "reaction", {"reaction": {"message_id": to_message_id, "emoji": emoji}}, **options)


def status_update(
    wamid: str,
    status: str,
    recipient_id: str,
    *,
    error_code: int | None = None,
    error_title: str | None = None,
    timestamp: int | str | None = None,
    phone_id: str = DEFAULT_PHONE_ID,
) -> JSONDict:
    """A status notification (sent, delivered, read, failed) for a bot message; with ``error_code`` it has errors."""
    entry: JSONDict = {
        "id": wamid,
        "status": status,
        "timestamp": str(timestamp or int(time.time())),
        "recipient_id": recipient_id,
    }
    if error_code is not None:
        title, details = ERRORS.get(error_code, ("Error", ""))
        title = error_title or title
        error_data = {"details": details or title}
        entry["errors"] = [
            {"code": error_code, "title": title, "message": title, "error_data": error_data, "href": ERROR_DOCS}
        ]
    return envelope({"statuses": [entry]}, phone_id)


def encode(payload: JSONDict) -> bytes:
    """The body bytes as Meta sends them: compact JSON with non-ASCII and "/" escaped.

    The escapes make the bytes differ from a re-serialisation, so a bot that verifies the signature over anything
    but the raw body fails here as it would with Meta.
    """
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value for ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class _Signature(enum.Enum):
    COMPUTED = "computed"


COMPUTED = _Signature.COMPUTED


async def post_webhook(
    url: str,
    payload: JSONDict | bytes,
    app_secret: str,
    *,
    signature: str | _Signature | None = COMPUTED,
    session: aiohttp.ClientSession | None = None,
) -> int:
    """POST a notification to the bot like Meta does and return the HTTP status.

    The body is ``encode(payload)`` (or ``payload`` itself when bytes), signed with ``app_secret``; pass
    ``signature`` to send another header value, or None to send none.
    """
    if session is None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as own:
            return await post_webhook(url, payload, app_secret, signature=signature, session=own)
    body = payload if isinstance(payload, bytes) else encode(payload)
    headers = {"Content-Type": "application/json"}
    if isinstance(signature, _Signature):
        signature = sign(body, app_secret)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    async with session.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


async def verify_webhook(url: str, verify_token: str, challenge: str = "1158201444") -> tuple[int, str]:
    """Meta's subscription check: GET with ``hub.mode=subscribe``; return the status and the body."""
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as client, client.get(url, params=params) as response:
        return response.status, await response.text()
