"""A stand-in Telegram Bot API server for end-to-end tests.

Point python-telegram-bot at it with ``base_url=stub.base_url`` and the fake ``stub.token``; the real ``Bot`` or
``Application`` then talks HTTP to 127.0.0.1 only::

    async with TelegramStub() as stub:
        async with Bot(stub.token, base_url=stub.base_url) as bot:
            stub.push_text(42, "halo")
            (update,) = await bot.get_updates(timeout=2)
            await bot.send_message(42, "<b>hai</b>", parse_mode="HTML")
        assert stub.sent_messages(42)[0].text == "hai"

The stub answers like Telegram does: Message objects PTB can read, long polling with ``offset`` and ``timeout``,
and 400 errors for what Telegram refuses (malformed HTML, too long or empty text, oversized callback data, editing
a message into itself). Every call is recorded, failures can be injected, and waiting is event driven.

Everything runs on the event loop that entered ``async with``. Recording and state changes happen without an
``await`` in between, so PTB's concurrent requests never see half-updated state; the ``push_*`` and failure
helpers may also be called from another thread.

One deliberate difference: a bare ``&`` that starts no HTML entity is an error here, while Telegram keeps it as
a literal character. Code that escapes correctly never sends one; pass ``strict_ampersand=False`` to get
Telegram's leniency.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, NamedTuple, Self

from aiohttp import web

JSONDict = dict[str, Any]


def words(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


DEFAULT_TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_POLL_TIMEOUT = 50.0
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a current "
    "content and reply markup of the message"
)
CHAT_ACTIONS = words(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note"
)
# Parameters whose form value is the string itself; every other form value is JSON (PTB json-dumps non-strings).
STRING_PARAMS = words(
    "text caption parse_mode callback_query_id inline_message_id url action language_code description "
    "short_description name title emoji query question explanation business_connection_id "
    "message_effect_id secret_token ip_address photo document audio video animation voice video_note "
    "sticker thumbnail file_id first_name last_name phone_number address custom_title payload currency "
    "provider_token start_parameter"
)


class UploadedFile(NamedTuple):
    """A file part of a multipart request, as recorded in the call's params."""

    filename: str | None
    content_type: str
    data: bytes


class Call(NamedTuple):
    """One request to the stub: the method as PTB spelled it and its decoded parameters."""

    method: str
    params: JSONDict


class Rejection(NamedTuple):
    """A call the stub answered with an error."""

    method: str
    params: JSONDict
    error_code: int
    description: str


@dataclass
class BotMessage:
    """A message the bot has in a chat, in its current state (edits applied).

    ``text`` is what the user sees (HTML parsed, the caption for a photo); ``sent_text`` is the parameter as the bot
    sent it. ``reply_markup`` is the markup as sent, ``None`` once an edit removed it.
    """

    chat_id: int | str
    message_id: int
    method: str
    sent_text: str | None
    parse_mode: str | None
    text: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    date: int
    photo: UploadedFile | str | None = None
    document: UploadedFile | str | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False
    synthetic: bool = field(default=False, repr=False)

    @property
    def button_rows(self) -> list[list[JSONDict]]:
        """The inline keyboard rows, ``[]`` without one."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def button_labels(self) -> list[str]:
        """Every inline button's label, row by row."""
        return [str(button.get("text", "")) for row in self.button_rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        """Every inline button's callback data, row by row (buttons without one are skipped)."""
        return [str(b["callback_data"]) for row in self.button_rows for b in row if "callback_data" in b]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, error_code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        """The JSON body Telegram sends for this error."""
        body: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------------------------------------------
# HTML, parsed the way Telegram's server (tdlib's parse_html) does it.

HTML_TAGS = words("a b strong i em u ins s strike del span tg-spoiler code pre blockquote tg-emoji")
ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = frozenset(" \t\r\n\v\0")
SPECIAL = re.compile(r"[<&]")


class HtmlError(Exception):
    """Malformed HTML; the message is the part after "can't parse entities: "."""


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _OpenTag:
    tag: str
    attrs: dict[str, str]
    offset: int


class _HtmlParser:
    """One pass over the source, producing plain text and Telegram MessageEntity dicts."""

    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.i = 0
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.offset = 0  # UTF-16 length of the output so far

    def parse(self) -> tuple[str, list[JSONDict]]:
        stack: list[_OpenTag] = []
        entities: list[JSONDict] = []
        while self.i < len(self.src):
            found = SPECIAL.search(self.src, self.i)
            end = found.start() if found else len(self.src)
            self._emit(self.src[self.i : end])
            self.i = end
            if found is None:
                break
            if found.group() == "&":
                self._ampersand()
            elif self.src.startswith("</", self.i):
                self._end_tag(stack, entities)
            else:
                stack.append(self._start_tag())
        if stack:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
        entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), entities

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_length(text)

    def _error(self, message: str, position: int, detail: str = "") -> HtmlError:
        byte_offset = len(self.src[:position].encode("utf-8", "surrogatepass"))
        return HtmlError(f"{message} at byte offset {byte_offset}{detail}")

    def _peek(self) -> str:
        return self.src[self.i] if self.i < len(self.src) else ""

    def _skip_spaces(self) -> None:
        while self.i < len(self.src) and self.src[self.i] in SPACES:
            self.i += 1

    def _ampersand(self) -> None:
        char = self._decode_entity()
        if char is not None:
            self._emit(char)
            return
        if self.strict_ampersand:
            raise self._error('Character "&" must be escaped as "&amp;"', self.i)
        self._emit("&")
        self.i += 1

    def _decode_entity(self) -> str | None:
        """At "&": decode &lt; &gt; &amp; &quot; or a numeric reference (";" optional, like tdlib) or return None."""
        src, pos = self.src, self.i + 1
        if src.startswith("#", pos):
            pos += 1
            is_hex = src.startswith(("x", "X"), pos)
            pos += is_hex
            digits = "0123456789abcdefABCDEF" if is_hex else "0123456789"
            start = pos
            while pos < len(src) and src[pos] in digits:
                pos += 1
            if pos == start:
                return None
            code = int(src[start:pos], 16 if is_hex else 10)
            if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            char = chr(code)
        else:
            start = pos
            while pos < len(src) and src[pos].isascii() and src[pos].isalpha():
                pos += 1
            named = NAMED_ENTITIES.get(src[start:pos])
            if named is None:
                return None
            char = named
        self.i = pos + 1 if src.startswith(";", pos) else pos
        return char

    def _start_tag(self) -> _OpenTag:
        begin = self.i
        self.i += 1
        while self.i < len(self.src) and self.src[self.i] not in SPACES and self.src[self.i] != ">":
            self.i += 1
        if self.i >= len(self.src):
            raise self._error("Unclosed start tag", begin)
        tag = self.src[begin + 1 : self.i].lower()
        if tag not in HTML_TAGS:
            raise self._error(f'Unsupported start tag "{tag}"', begin)
        attrs: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if self._peek() == ">":
                self.i += 1
                break
            name, value = self._attribute(tag, begin)
            attrs[name] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self._error('Tag "span" must have class "tg-spoiler"', begin)
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise self._error('Tag "tg-emoji" must have attribute "emoji-id"', begin)
        return _OpenTag(tag, attrs, self.offset)

    def _attribute(self, tag: str, begin: int) -> tuple[str, str]:
        if self.i >= len(self.src):
            raise self._error("Unclosed start tag", begin)
        start = self.i
        while self.i < len(self.src) and self.src[self.i] not in SPACES and self.src[self.i] not in "=>":
            self.i += 1
        name = self.src[start : self.i].lower()
        if not name:
            raise self._error(f'Empty attribute name in the tag "{tag}"', begin)
        self._skip_spaces()
        if self._peek() != "=":
            if tag == "blockquote" and name == "expandable":
                return name, ""
            raise self._error(f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin)
        self.i += 1
        self._skip_spaces()
        quote = self._peek()
        if not quote:
            raise self._error("Unclosed start tag", begin)
        if quote not in "\"'":
            start = self.i
            while self.i < len(self.src) and (self.src[self.i].isalnum() or self.src[self.i] in ".-"):
                self.i += 1
            if self._peek() not in SPACES and self._peek() != ">":
                raise self._error("Unexpected end of name token", start)
            return name, self.src[start : self.i].lower()
        self.i += 1
        value: list[str] = []
        while self.i < len(self.src) and self.src[self.i] != quote:
            char = self._decode_entity() if self.src[self.i] == "&" else None
            if char is None:
                char = self.src[self.i]
                self.i += 1
            value.append(char)
        if self.i >= len(self.src):
            raise self._error("Unclosed start tag", begin)
        self.i += 1
        return name, "".join(value)

    def _end_tag(self, stack: list[_OpenTag], entities: list[JSONDict]) -> None:
        begin = self.i
        if not stack:
            raise self._error("Unexpected end tag", begin)
        self.i += 2
        start = self.i
        while self.i < len(self.src) and self.src[self.i] not in SPACES and self.src[self.i] != ">":
            self.i += 1
        name = self.src[start : self.i].lower()
        self._skip_spaces()
        if self._peek() != ">":
            raise self._error("Unclosed end tag", begin)
        self.i += 1
        opened = stack.pop()
        if name and name != opened.tag:
            raise self._error("Unmatched end tag", begin, f', expected "</{opened.tag}>", found "</{name}>"')
        entity = _entity(opened, self.offset - opened.offset)
        if entity is not None:
            entities.append(entity)


def _entity(opened: _OpenTag, length: int) -> JSONDict | None:
    """The MessageEntity for a closed tag, or None where Telegram drops it."""
    kind = ENTITY_TYPES[opened.tag]
    entity: JSONDict = {"type": kind, "offset": opened.offset, "length": length}
    if kind == "text_link":
        if not opened.attrs.get("href"):
            return None
        entity["url"] = opened.attrs["href"]
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.attrs["emoji-id"]
    elif kind == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    return entity if length > 0 else None


def parse_html(source: str, *, strict_ampersand: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into plain text and entities; raise HtmlError the way Telegram refuses it."""
    return _HtmlParser(source, strict_ampersand).parse()


# --------------------------------------------------------------------------------------------------------------
# Request parameters.


def decode_param(name: str, value: Any) -> Any:
    """A form value as Telegram reads it: strings stay strings for text-like parameters, the rest is JSON."""
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: web.Request) -> JSONDict:
    """The request's parameters from the query string and a JSON, urlencoded or multipart body."""
    raw: JSONDict = dict(request.query)
    if request.content_type == "application/json" and request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request")
        raw.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                raw[name] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                raw[name] = value
    return {name: decode_param(name, value) for name, value in raw.items()}


@dataclass
class _Failure:
    method: str
    chat_id: int | str | None
    error: ApiError


# --------------------------------------------------------------------------------------------------------------
# The server.


class TelegramStub:
    """A Bot API server on 127.0.0.1 with an ephemeral port, for ``async with``.

    Attributes:
        token: the fake bot token the stub accepts (any other gets 401 Unauthorized).
        calls: every request in arrival order, as ``Call(method, params)``.
        rejections: every request answered with an error, as ``Rejection(method, params, error_code, description)``.
        commands: what setMyCommands stored, keyed by ``(scope JSON, language_code)``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_name: str = "Kawan Test",
        bot_username: str = "kawan_test_bot",
        user_language: str | None = "id",
        strict_ampersand: bool = True,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.latency = latency  # seconds each send takes to answer, like the real API's round trip
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.user_language = user_language
        self.strict_ampersand = strict_ampersand
        self.calls: list[Call] = []
        self.rejections: list[Rejection] = []
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._lock = threading.RLock()
        self._updates: deque[JSONDict] = deque()
        self._last_update_id = 0
        self._last_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], BotMessage] = {}
        self._chats: dict[int | str, JSONDict] = {}
        self._open_queries: set[str] = set()
        self._query_count = 0
        self._failures: list[_Failure] = []
        self._blocked: set[int | str] = set()
        self._poll_generation = 0
        self._closing = False
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getme": lambda _: dict(self.bot_user, can_join_groups=True, can_read_all_group_messages=False),
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": lambda _: {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": 0,
            },
            "setwebhook": self._set_webhook,
            "setmycommands": self._set_my_commands,
            "getmycommands": lambda p: self.commands.get(self._commands_key(p), []),
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "close": lambda _: True,
            "logout": lambda _: True,
        }

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening on 127.0.0.1 with an ephemeral port."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release waiting long polls and shut the server down."""
        self._closing = True
        self._notify()
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
            raise RuntimeError("TelegramStub is not started; use 'async with TelegramStub() as stub'")
        return self._port

    @property
    def base_url(self) -> str:
        """The value for PTB's ``base_url`` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for PTB's ``base_file_url``; file downloads are not served."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- injecting updates -----------------------------------------------------------------------------------

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw Update (its ``update_id`` is always assigned anew) and return it as queued."""
        with self._lock:
            self._last_update_id += 1
            queued = {**update, "update_id": self._last_update_id}
            query = queued.get("callback_query")
            if isinstance(query, dict) and "id" in query:
                self._open_queries.add(str(query["id"]))
            self._updates.append(queued)
        self._notify()
        return queued

    def push_text(
        self, chat_id: int, text: str, user_id: int | None = None, chat_type: str = "private", **fields: Any
    ) -> JSONDict:
        """Queue a text message from a user; a leading "/command" gets its bot_command entity like in Telegram."""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields.setdefault("entities", [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}])
        message = self.user_message(chat_id, user_id=user_id, chat_type=chat_type, text=text, **fields)
        return self.push_update({"message": message})

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int | None = None,
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> JSONDict:
        """Queue a button press on a bot message: by default the latest one in the chat with an inline keyboard.

        A message the bot never sent is made up (and can then be edited), so a test can press any button.
        """
        with self._lock:
            chat = self._chat(chat_id, chat_type)
            message = self._find_for_callback(chat_id, message_id)
            if message is None:
                message_id = message_id or self._next_message_id(chat_id)
                self._last_message_id[chat_id] = max(message_id, self._last_message_id.get(chat_id, 0))
                markup = {"inline_keyboard": [[{"text": data, "callback_data": data}]]}
                message = BotMessage(
                    chat_id, message_id, "sendMessage", "…", None, "…", [], markup, _now(), synthetic=True
                )
                self._messages[(chat_id, message_id)] = message
            self._query_count += 1
            query = {
                "id": f"{self.bot_user['id']}{self._query_count:08d}",
                "from": self._user(chat_id, user_id, chat),
                "message": self._message_json(message),
                "chat_instance": f"ci{chat_id}",
                "data": data,
            }
        return self.push_update({"callback_query": query})

    def user_message(
        self, chat_id: int, *, user_id: int | None = None, chat_type: str = "private", **fields: Any
    ) -> JSONDict:
        """A Message dict from a user with the chat's next message_id, for ``push_update`` (stickers, photos,
        ``edited_message``, group chats). ``fields`` are added to or override the generated ones."""
        with self._lock:
            chat = self._chat(chat_id, chat_type)
            base = {
                "message_id": self._next_message_id(chat_id),
                "from": self._user(chat_id, user_id, chat),
                "chat": chat,
                "date": _now(),
            }
        return {**base, **fields}

    # -- injecting failures ----------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        chat_id: int | str | None = None,
        error_code: int = 403,
        description: str = BLOCKED,
        parameters: JSONDict | None = None,
    ) -> None:
        """Answer the next call of ``method`` (to ``chat_id``, if given) with this error, once."""
        with self._lock:
            self._failures.append(_Failure(method.lower(), chat_id, ApiError(error_code, description, parameters)))

    def rate_limit_next(self, method: str, retry_after: int = 1, chat_id: int | str | None = None) -> None:
        """Answer the next call of ``method`` with 429 Too Many Requests and ``parameters.retry_after``."""
        self.fail_next(
            method, chat_id, 429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    def block_chat(self, chat_id: int | str) -> None:
        """From now on every call naming this chat fails with 403 "bot was blocked by the user"."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int | str) -> None:
        """Undo ``block_chat``."""
        with self._lock:
            self._blocked.discard(chat_id)

    # -- inspecting ------------------------------------------------------------------------------------------

    def calls_to(self, method: str, chat_id: int | str | None = None) -> list[JSONDict]:
        """The params of every call of ``method`` (case-insensitive), optionally only those naming ``chat_id``."""
        with self._lock:
            return [
                c.params
                for c in self.calls
                if c.method.lower() == method.lower() and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def sent_messages(self, chat_id: int | str) -> list[BotMessage]:
        """The messages the bot sent to the chat, oldest first, in their current state (deleted ones flagged)."""
        with self._lock:
            return [m for m in self._messages.values() if m.chat_id == chat_id and not m.synthetic]

    def sent_texts(self, chat_id: int | str) -> list[str]:
        """What the user sees of each message the bot sent to the chat (text or caption, HTML parsed)."""
        return [m.text or "" for m in self.sent_messages(chat_id)]

    def pending_updates(self) -> list[JSONDict]:
        """The updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return list(self._updates)

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, chat_id: int | str | None = None
    ) -> list[JSONDict]:
        """Wait until ``count`` calls of ``method`` arrived (successful or not); return all their params."""
        if not await self._wait_until(lambda: len(self.calls_to(method, chat_id)) >= count, timeout):
            seen = [c.method for c in self.calls]
            raise TimeoutError(f"expected {count} call(s) of {method} within {timeout}s; calls so far: {seen}")
        return self.calls_to(method, chat_id)

    async def wait_for_messages(self, chat_id: int | str, count: int = 1, timeout: float = 5.0) -> list[BotMessage]:
        """Wait until the bot has sent ``count`` messages to the chat; return them all."""
        if not await self._wait_until(lambda: len(self.sent_messages(chat_id)) >= count, timeout):
            raise TimeoutError(
                f"expected {count} message(s) to {chat_id} within {timeout}s; got {self.sent_texts(chat_id)}, "
                f"rejected: {self.rejections}"
            )
        return self.sent_messages(chat_id)

    # -- plumbing --------------------------------------------------------------------------------------------

    def _notify(self) -> None:
        """Wake every waiter (the pulse works from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            in_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            in_loop = False
        if in_loop:
            self._pulse()
        else:
            loop.call_soon_threadsafe(self._pulse)

    def _pulse(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds, re-checking on every state change; False after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").body(), status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        method = request.match_info["method"]
        try:
            params = await read_params(request)
        except ApiError as error:
            return web.json_response(error.body(), status=error.error_code)
        try:
            if method.lower() == "getupdates":
                self._record(method, params)
                result = await self._get_updates(params)
            else:
                if self.latency and method.lower().startswith("send"):
                    await asyncio.sleep(self.latency)
                with self._lock:
                    self._record(method, params)
                    result = self._dispatch(method, params)
        except ApiError as error:
            with self._lock:
                self.rejections.append(Rejection(method, params, error.error_code, error.description))
            return web.json_response(error.body(), status=error.error_code)
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: JSONDict) -> None:
        with self._lock:
            self.calls.append(Call(method, params))

    def _set_webhook(self, params: JSONDict) -> bool:
        """Remember the webhook; the test then posts updates to the bot itself, as Telegram would."""
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = params.get("secret_token")
        return True

    def _dispatch(self, method: str, params: JSONDict) -> Any:
        key = method.lower()
        handler = self._handlers.get(key)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        self._check_failures(key, params)
        return handler(params)

    def _check_failures(self, key: str, params: JSONDict) -> None:
        """Raise an injected one-shot failure for this call, or 403 for a blocked chat."""
        chat_id = params.get("chat_id")
        for failure in self._failures:
            if failure.method == key and failure.chat_id in (None, chat_id):
                self._failures.remove(failure)
                raise failure.error
        if chat_id is not None and chat_id in self._blocked:
            raise ApiError(403, BLOCKED)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling: confirm by ``offset``, then return pending updates or wait up to ``timeout`` for some."""
        with self._lock:
            self._check_failures("getupdates", params)
            offset = int(params.get("offset") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            timeout = min(max(float(params.get("timeout") or 0), 0.0), MAX_POLL_TIMEOUT)
            if offset > 0:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            elif offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            self._poll_generation += 1
            generation = self._poll_generation
        self._notify()  # an older poll still waiting is now superseded
        await self._wait_until(
            lambda: bool(self._updates) or self._closing or self._poll_generation != generation, timeout
        )
        with self._lock:
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            return [] if self._closing else list(self._updates)[:limit]

    # -- chats, users, messages ------------------------------------------------------------------------------

    def _chat(self, chat_id: int | str, chat_type: str = "private") -> JSONDict:
        """The chat's dict: remembered from pushed updates, else made up from the id."""
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_type == "private" and isinstance(chat_id, int) and chat_id < 0:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        if chat_type == "private":
            chat: JSONDict = {"id": chat_id, "type": "private", "first_name": "Test", "username": f"user{chat_id}"}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}
        self._chats[chat_id] = chat
        return chat

    def _user(self, chat_id: int | str, user_id: int | None, chat: JSONDict) -> JSONDict:
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" and isinstance(chat_id, int) else 4242
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": "Test", "username": f"user{user_id}"}
        if self.user_language:
            user["language_code"] = self.user_language
        return user

    def _next_message_id(self, chat_id: int | str) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _find_for_callback(self, chat_id: int | str, message_id: int | None) -> BotMessage | None:
        if message_id is not None:
            return self._messages.get((chat_id, message_id))
        mine = [m for m in self._messages.values() if m.chat_id == chat_id and not m.deleted]
        with_buttons = [m for m in mine if m.button_rows]
        candidates = with_buttons or mine
        return candidates[-1] if candidates else None

    def _message_json(self, message: BotMessage) -> JSONDict:
        """The Message object Telegram returns for a bot message."""
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self._chat(message.chat_id),
            "date": message.date,
        }
        if message.document is not None:
            name = message.document.filename if isinstance(message.document, UploadedFile) else "file"
            file_id = f"stub-doc-{message.chat_id}-{message.message_id}"
            data["document"] = {"file_id": file_id, "file_unique_id": file_id, "file_name": name}
            if message.text:
                data["caption"] = message.text
        elif message.photo is not None:
            data["photo"] = self._photo_sizes(message)
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def _photo_sizes(self, message: BotMessage) -> list[JSONDict]:
        size = len(message.photo.data) if isinstance(message.photo, UploadedFile) else 0
        name = f"stub-photo-{message.chat_id}-{message.message_id}"
        return [
            {"file_id": f"{name}-s", "file_unique_id": f"{name}-s", "width": 90, "height": 90, "file_size": size // 10},
            {"file_id": f"{name}-m", "file_unique_id": f"{name}-m", "width": 800, "height": 800, "file_size": size},
        ]

    def _formatted(self, params: JSONDict, key: str, limit: int, too_long: str) -> tuple[str, list[JSONDict]]:
        """The text or caption as the user will see it, validated like Telegram does."""
        raw = str(params.get(key) or "")
        parse_mode = str(params.get("parse_mode") or "").lower()
        entities: list[JSONDict] = list(params.get(f"{'' if key == 'text' else 'caption_'}entities") or [])
        text = raw
        if parse_mode == "html":
            try:
                text, entities = parse_html(raw, strict_ampersand=self.strict_ampersand)
            except HtmlError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif parse_mode not in ("", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        if len(text) > limit:
            raise bad_request(too_long)
        return text, entities

    def _markup(self, params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard", [])
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for button in (b for row in rows for b in row):
            data = button.get("callback_data") if isinstance(button, dict) else None
            if data is not None and len(str(data).encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _store(self, params: JSONDict, method: str, text: str, entities: list[JSONDict], **extra: Any) -> JSONDict:
        chat_id = _require_chat(params)
        sent_text = params.get("caption" if method in ("sendPhoto", "sendDocument") else "text")
        message = BotMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            method=method,
            sent_text=None if sent_text is None else str(sent_text),
            parse_mode=params.get("parse_mode"),
            text=text,
            entities=entities,
            reply_markup=self._markup(params),
            date=_now(),
            **extra,
        )
        self._messages[(chat_id, message.message_id)] = message
        return self._message_json(message)

    def _editable(self, params: JSONDict) -> BotMessage:
        message = self._messages.get((_require_chat(params), int(params.get("message_id") or 0)))
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        return message

    # -- methods ---------------------------------------------------------------------------------------------

    def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _commands_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    def _send_message(self, params: JSONDict) -> JSONDict:
        _require_chat(params)
        text, entities = self._formatted(params, "text", MAX_TEXT_LENGTH, "message is too long")
        if not text.strip():
            raise bad_request("message text is empty")
        return self._store(params, "sendMessage", text, entities)

    def _send_photo(self, params: JSONDict) -> JSONDict:
        _require_chat(params)
        photo = params.get("photo")
        if not photo:
            raise bad_request("there is no photo in the request")
        if isinstance(photo, UploadedFile) and not photo.data:
            raise bad_request("file must be non-empty")
        caption, entities = self._formatted(params, "caption", MAX_CAPTION_LENGTH, "message caption is too long")
        return self._store(params, "sendPhoto", caption, entities, photo=photo)

    def _send_document(self, params: JSONDict) -> JSONDict:
        _require_chat(params)
        document = params.get("document")
        if not document:
            raise bad_request("there is no document in the request")
        if isinstance(document, UploadedFile) and not document.data:
            raise bad_request("file must be non-empty")
        caption, entities = self._formatted(params, "caption", MAX_CAPTION_LENGTH, "message caption is too long")
        return self._store(params, "sendDocument", caption, entities, document=document)

    def _send_chat_action(self, params: JSONDict) -> bool:
        _require_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text, entities = self._formatted(params, "text", MAX_TEXT_LENGTH, "message is too long")
        if not text.strip():
            raise bad_request("message text is empty")
        markup = self._markup(params)
        if params.get("inline_message_id"):
            return True
        message = self._editable(params)
        if message.photo is not None:
            raise bad_request("there is no text in the message to edit")
        if (message.text, message.entities, message.reply_markup) == (text, entities, markup):
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup  # no markup removes it
        message.sent_text, message.parse_mode = str(params.get("text")), params.get("parse_mode")
        message.edit_count += 1
        message.edit_date = _now()
        return self._message_json(message)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = self._markup(params)
        if params.get("inline_message_id"):
            return True
        message = self._editable(params)
        if message.reply_markup == markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_count += 1
        message.edit_date = _now()
        return self._message_json(message)

    def _delete_message(self, params: JSONDict) -> bool:
        message = self._messages.get((_require_chat(params), int(params.get("message_id") or 0)))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        return True


def _require_chat(params: JSONDict) -> int | str:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    if not isinstance(chat_id, int | str):
        raise bad_request("chat not found")
    return chat_id


def _now() -> int:
    return int(time.time())
