"""The stand-in WhatsApp Cloud API server, driven over HTTP with aiohttp the way the bot will drive it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.graph_stub import (
    GraphError,
    GraphStub,
    SentMessage,
    button_reply,
    check_send,
    encode,
    list_reply,
    media_message,
    post_webhook,
    reaction,
    sign,
    status_update,
    template_button,
    text_message,
    verify_webhook,
)

WA = "6281234567890"
OTHER = "6289876543210"
JSONDict = dict[str, Any]


@pytest.fixture
async def graph() -> AsyncIterator[GraphStub]:
    async with GraphStub() as graph:
        yield graph


@pytest.fixture
async def client(graph: GraphStub) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {graph.token}"}) as session:
        yield session


async def post(client: aiohttp.ClientSession, url: str, body: JSONDict) -> tuple[int, JSONDict]:
    async with client.post(url, json=body) as response:
        return response.status, await response.json()


async def send(
    client: aiohttp.ClientSession, graph: GraphStub, content: JSONDict, to: str = WA
) -> tuple[int, JSONDict]:
    """POST a send of ``content`` (``{"type": ..., <type>: ...}``) to ``to``."""
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **content}
    return await post(client, f"{graph.base_url}/{graph.phone_id}/messages", body)


def text(body: str) -> JSONDict:
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def reply_buttons(*titles: str, ids: list[str] | None = None, body: str = "Pilih", **extra: Any) -> JSONDict:
    ids = ids or [f"id-{i}" for i in range(len(titles))]
    buttons = [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in zip(ids, titles, strict=True)]
    interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}, **extra}
    return {"type": "interactive", "interactive": interactive}


def list_menu(*sections: list[JSONDict], button: str = "Lihat", titles: list[str] | None = None) -> JSONDict:
    built = [{"rows": rows} | ({"title": titles[i]} if titles else {}) for i, rows in enumerate(sections)]
    action = {"button": button, "sections": built}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": "Menu"}, "action": action}}


def rows(count: int, start: int = 0, **fields: str) -> list[JSONDict]:
    return [{"id": f"r{i}", "title": f"Baris {i}", **fields} for i in range(start, start + count)]


def template(name: str = "pengingat_harian", *payloads: str, language: str = "id") -> JSONDict:
    components: list[JSONDict] = [{"type": "body", "parameters": [{"type": "text", "text": "Sari"}]}]
    components += [quick_reply(str(i), {"type": "payload", "payload": p}) for i, p in enumerate(payloads)]
    return {"type": "template", "template": {"name": name, "language": {"code": language}, "components": components}}


def quick_reply(index: str, parameter: JSONDict) -> JSONDict:
    return {"type": "button", "sub_type": "quick_reply", "index": index, "parameters": [parameter]}


def quick_replies(parameter: JSONDict, index: str = "0") -> JSONDict:
    """A template with one quick-reply button of this parameter."""
    components = [quick_reply(index, parameter)]
    return {"type": "template", "template": {"name": "t", "language": {"code": "id"}, "components": components}}


def error_of(answer: JSONDict) -> JSONDict:
    error = answer["error"]
    assert isinstance(error, dict) and error["type"] == "OAuthException" and error["fbtrace_id"]
    return error


# -- the API -----------------------------------------------------------------------------------------------------


async def test_phone_number_is_answered_and_every_call_recorded(
    graph: GraphStub, client: aiohttp.ClientSession
) -> None:
    assert graph.base_url.startswith("http://127.0.0.1:") and graph.base_url.endswith("/v26.0")
    async with client.get(f"{graph.base_url}/{graph.phone_id}") as response:
        assert response.status == 200
        assert await response.json() == {
            "id": "1055500001",
            "display_phone_number": "+62 811-0000-0001",
            "verified_name": "Kawan",
        }
    await send(client, graph, text("halo"))
    assert [(c.method, c.path, c.status) for c in graph.calls] == [
        ("GET", "/v26.0/1055500001", 200),
        ("POST", "/v26.0/1055500001/messages", 200),
    ]
    assert graph.calls[1].json["text"]["body"] == "halo"


async def test_a_text_send_gets_a_unique_wamid_and_is_recorded(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    status, answer = await send(client, graph, text("Halo, Sari!"))
    assert status == 200
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": WA, "wa_id": WA}]
    (sent,) = graph.sent_to(WA)
    assert answer["messages"] == [{"id": sent.id}] and sent.id.startswith("wamid.")
    assert (sent.to, sent.type, sent.kind, sent.text, sent.header) == (WA, "text", "text", "Halo, Sari!", None)
    _, again = await send(client, graph, text("lagi"), to=OTHER)
    assert again["messages"][0]["id"] != sent.id
    assert [m.to for m in graph.sent] == [WA, OTHER] and graph.rejected == []


async def test_a_send_to_a_business_scoped_user_id_answers_user_id(
    graph: GraphStub, client: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "recipient": "ID.12345", **text("hai")}
    status, answer = await post(client, f"{graph.base_url}/{graph.phone_id}/messages", body)
    assert status == 200 and answer["contacts"] == [{"input": "ID.12345", "user_id": "ID.12345"}]
    assert graph.sent_to("ID.12345")[0].text == "hai"


@pytest.mark.parametrize(
    ("content", "details"),
    [
        (text(""), "text.body must not be empty"),
        (text("  \n"), "text.body must not be empty"),
        (text("x" * 4097), "text.body is 4097 characters, at most 4096"),
        (reply_buttons("Ya", body=""), "interactive.body.text must not be empty"),
        (reply_buttons("Ya", body="é" * 1025), "interactive.body.text is 1025 characters"),
        ({"type": "interactive", "interactive": {"type": "button", "action": {}}}, "interactive.body is required"),
        (reply_buttons(), "buttons must hold 1 to 3 items, got 0"),
        (reply_buttons("A", "B", "C", "D"), "buttons must hold 1 to 3 items, got 4"),
        (reply_buttons("x" * 21), "buttons[0].reply.title is 21 characters, at most 20"),
        (reply_buttons(""), "buttons[0].reply.title must not be empty"),
        (reply_buttons("Ya", ids=["i" * 257]), "buttons[0].reply.id is 257 characters, at most 256"),
        (reply_buttons("Ya", ids=[""]), "buttons[0].reply.id must not be empty"),
        (reply_buttons("Ya", "Ya"), "button titles must be unique, repeated: ['Ya']"),
        (reply_buttons("Ya", "Tidak", ids=["a", "a"]), "button ids must be unique"),
        (reply_buttons("Ya", header={"type": "text", "text": "h" * 61}), "interactive.header.text is 61 characters"),
        (reply_buttons("Ya", footer={"text": "f" * 61}), "interactive.footer.text is 61 characters"),
        (list_menu(rows(1), button="b" * 21), "interactive.action.button is 21 characters, at most 20"),
        (list_menu(rows(1), button=""), "interactive.action.button must not be empty"),
        (list_menu(), "sections must hold 1 to 10 items, got 0"),
        (list_menu(*[rows(1, i) for i in range(11)], titles=[f"S{i}" for i in range(11)]), "got 11"),
        (list_menu(rows(6), rows(5, 6), titles=["A", "B"]), "at most 10 rows across its sections, got 11"),
        (list_menu([]), "sections[0].rows must hold 1 to 10 items, got 0"),
        (list_menu(rows(1), rows(1, 1)), "sections[0].title is required"),
        (list_menu(rows(1), rows(1, 1), titles=["A", "s" * 25]), "sections[1].title is 25 characters"),
        (list_menu([{"id": "i" * 201, "title": "t"}]), "rows[0].id is 201 characters, at most 200"),
        (list_menu([{"id": "a", "title": "t" * 25}]), "rows[0].title is 25 characters, at most 24"),
        (list_menu(rows(1, description="d" * 73)), "rows[0].description is 73 characters, at most 72"),
        (list_menu(rows(1), rows(1), titles=["A", "B"]), "list row ids must be unique, repeated: ['r0']"),
        ({"type": "image", "image": {"id": "123"}}, "image.id '123' is not a media id this server issued"),
        ({"type": "image", "image": {}}, "image needs exactly one of id and link"),
        (template(""), "template.name must not be empty"),
        ({"type": "template", "template": {"name": "t"}}, "template.language is required"),
        ({"type": "template", "template": {"name": "t", "language": {}}}, "template.language.code is required"),
        (template("t", ""), "components[1].parameters[0].payload must not be empty"),
        (quick_replies({"type": "text", "text": "x"}), "parameters[0].type must be 'payload'"),
        (quick_replies({"type": "payload", "payload": "a"}, index="10"), "index must be '0' to '9'"),
        ({"type": "sticker", "sticker": {"id": "1"}}, "type must be one of text, interactive, image, document"),
    ],
)
async def test_what_meta_refuses_is_refused_with_400(
    graph: GraphStub, client: aiohttp.ClientSession, content: JSONDict, details: str
) -> None:
    status, answer = await send(client, graph, content)
    error = error_of(answer)
    assert status == 400
    assert details in error["error_data"]["details"]
    if error["code"] == 131009:
        assert error["message"] == "(#131009) Parameter value is not valid"
    (rejection,) = graph.rejected
    assert (rejection.to, rejection.code, rejection.http_status) == (WA, error["code"], 400)
    assert graph.sent == []


@pytest.mark.parametrize(
    "content",
    [
        text("é" * 4096),
        text("😀" * 4096),  # counted in characters, not bytes or UTF-16 units
        reply_buttons("a" * 20, "b" * 20, "c" * 20, ids=["1" * 256, "2", "3"], body="x" * 1024),
        reply_buttons("Ya", header={"type": "text", "text": "h" * 60}, footer={"text": "f" * 60}),
        list_menu(*[rows(1, i, description="d" * 72) for i in range(10)], titles=["s" * 24] * 10, button="b" * 20),
        list_menu([{"id": "i" * 200, "title": "t" * 24}]),  # one section needs no title
        {"type": "image", "image": {"link": "https://kawan.example.com/chart.png", "caption": "c" * 1024}},
        template("pengingat_harian"),
    ],
)
async def test_limits_at_their_edge_are_accepted(
    graph: GraphStub, client: aiohttp.ClientSession, content: JSONDict
) -> None:
    status, answer = await send(client, graph, content)
    assert status == 200, answer
    assert len(graph.sent) == 1


async def test_sent_messages_expose_buttons_lists_and_templates(
    graph: GraphStub, client: aiohttp.ClientSession
) -> None:
    await send(client, graph, reply_buttons("Ya", "Tidak", ids=["yes", "no"], header={"type": "text", "text": "Judul"}))
    await send(client, graph, list_menu(rows(2), [{"id": "x", "title": "X"}], titles=["A", "B"]))
    payloads = {"type": "template", "template": template("streak", "lanjut", "berhenti")["template"]}
    payloads["template"]["components"].reverse()  # the order of components is not the order of buttons
    await send(client, graph, payloads)
    buttons, menu, reminder = await graph.wait_for_messages(WA, 3)
    assert (buttons.kind, buttons.text, buttons.header) == ("buttons", "Pilih", "Judul")
    assert (buttons.button_titles, buttons.button_ids, buttons.rows) == (["Ya", "Tidak"], ["yes", "no"], [])
    assert (menu.kind, menu.list_button, menu.button_titles) == ("list", "Lihat", [])
    assert menu.rows == [("r0", "Baris 0", ""), ("r1", "Baris 1", ""), ("x", "X", "")]
    assert (reminder.kind, reminder.text, reminder.template_name, reminder.template_language) == (
        "template",
        "streak",
        "streak",
        "id",
    )
    assert reminder.template_payloads == ["lanjut", "berhenti"]
    assert buttons.template_name is None and buttons.image_id is None


async def test_unknown_templates_fail_when_the_approved_names_are_given(client: aiohttp.ClientSession) -> None:
    async with GraphStub(templates=["pengingat_harian"]) as graph:
        status, answer = await send(client, graph, template("pengingat_harian"))
        assert status == 200
        status, answer = await send(client, graph, template("tidak_ada"))
        assert (status, error_of(answer)["code"]) == (400, 132001)


async def test_uploaded_media_can_be_sent_as_an_image(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "image/png")
    form.add_field("file", png, filename="chart.png", content_type="image/png")
    async with client.post(f"{graph.base_url}/{graph.phone_id}/media", data=form) as response:
        assert response.status == 200
        media_id = (await response.json())["id"]
    assert graph.media[media_id].data == png and graph.media[media_id].content_type == "image/png"
    assert graph.calls[0].form == {
        "messaging_product": "whatsapp",
        "type": "image/png",
        "file": "<file chart.png, image/png, 264 bytes>",
    }

    status, _ = await send(client, graph, {"type": "image", "image": {"id": media_id, "caption": "Minggu ini"}})
    assert status == 200
    (image,) = graph.sent
    assert (image.kind, image.image_id, image.text) == ("image", media_id, "Minggu ini")


async def test_an_upload_without_a_file_is_refused(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData({"messaging_product": "whatsapp", "type": "image/png"})
    async with client.post(f"{graph.base_url}/{graph.phone_id}/media", data=form) as response:
        assert response.status == 400
        error = error_of(await response.json())
    assert (error["code"], error["message"]) == (100, "(#100) The parameter file is required.")
    assert graph.media == {}


async def test_read_receipts_are_recorded_and_awaited(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    graph.fail_next(130429)  # injected failures are for sends only
    waiting = asyncio.create_task(graph.wait_for_reads(2))
    url = f"{graph.base_url}/{graph.phone_id}/messages"
    for wamid in ("wamid.in.a", "wamid.in.b"):
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        assert await post(client, url, body) == (200, {"success": True})
    assert await waiting == ["wamid.in.a", "wamid.in.b"]
    assert graph.sent == [] and graph.rejected == []
    status, answer = await send(client, graph, text("x"))
    assert (status, error_of(answer)["code"]) == (429, 130429)


async def test_a_missing_wrong_or_expired_token_gets_401_code_190(graph: GraphStub) -> None:
    url = f"{graph.base_url}/{graph.phone_id}"
    expected = {
        "message": "Error validating access token: Session has expired",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
    }
    async with aiohttp.ClientSession() as anonymous:
        for headers in ({}, {"Authorization": "Bearer EAAG-wrong"}, {"Authorization": graph.token}):
            async with anonymous.get(url, headers=headers) as response:
                assert response.status == 401
                error = error_of(await response.json())
                assert {k: error[k] for k in expected} == expected
        good = {"Authorization": f"Bearer {graph.token}"}
        graph.expire_token()
        async with anonymous.get(url, headers=good) as response:
            assert response.status == 401
        graph.restore_token()
        async with anonymous.get(url, headers=good) as response:
            assert response.status == 200


async def test_a_send_with_an_expired_token_is_a_rejection(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    graph.expire_token()
    status, answer = await send(client, graph, text("x"))
    assert (status, error_of(answer)["code"], graph.rejected[0].code) == (401, 190, 190)


async def test_unknown_paths_and_phone_ids_are_refused(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    async with client.get(f"{graph.base_url}/{graph.phone_id}/telepathy") as response:
        assert (response.status, error_of(await response.json())["code"]) == (400, 2500)
    status, answer = await post(client, f"{graph.base_url}/999/messages", {"messaging_product": "whatsapp"})
    assert (status, error_of(answer)["code"], error_of(answer)["error_subcode"]) == (400, 100, 33)


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (130429, 429, "(#130429) Rate limit hit"),
        (131056, 400, "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
        (131047, 400, "(#131047) Re-engagement message"),
        (131026, 400, "(#131026) Message undeliverable"),
        (190, 401, "Error validating access token: Session has expired"),
    ],
)
async def test_fail_next_answers_like_meta(
    graph: GraphStub, client: aiohttp.ClientSession, code: int, status: int, message: str
) -> None:
    graph.fail_next(code)
    answered, answer = await send(client, graph, text("x"))
    assert (answered, error_of(answer)["code"], error_of(answer)["message"]) == (status, code, message)
    assert (await send(client, graph, text("y")))[0] == 200


async def test_fail_next_counts_times_per_recipient(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    graph.fail_next(131000, to=WA, times=2, http_status=500, message="(#131000) Something went wrong")
    assert (await send(client, graph, text("lain"), to=OTHER))[0] == 200
    for _ in range(2):
        status, answer = await send(client, graph, text("x"))
        assert (status, error_of(answer)["message"]) == (500, "(#131000) Something went wrong")
    assert (await send(client, graph, text("akhirnya")))[0] == 200
    assert [m.text for m in graph.sent] == ["lain", "akhirnya"]
    assert [(r.to, r.code, r.http_status) for r in graph.rejected] == [(WA, 131000, 500)] * 2


async def test_a_closed_window_lets_only_templates_through(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    graph.close_window(WA)
    for content in (text("x"), reply_buttons("Ya"), list_menu(rows(1))):
        status, answer = await send(client, graph, content)
        assert (status, error_of(answer)["code"]) == (400, 131047)
    assert "24 hours" in error_of(answer)["error_data"]["details"]
    assert (await send(client, graph, template("pengingat_harian", "ya")))[0] == 200
    assert (await send(client, graph, text("lain"), to=OTHER))[0] == 200
    graph.open_window(WA)
    assert (await send(client, graph, text("kembali")))[0] == 200
    assert [m.kind for m in graph.sent_to(WA)] == ["template", "text"]
    assert [r.code for r in graph.rejected] == [131047] * 3


async def test_a_blocked_user_gets_nothing(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    graph.block(WA)
    for content in (text("x"), template()):
        status, answer = await send(client, graph, content)
        assert (status, error_of(answer)["code"]) == (400, 131026)
    graph.unblock(WA)
    assert (await send(client, graph, text("x")))[0] == 200


async def test_waiting_returns_as_soon_as_enough_messages_arrived(
    graph: GraphStub, client: aiohttp.ClientSession
) -> None:
    waiting = asyncio.create_task(graph.wait_for_messages(WA, 2, timeout=5))
    matching = asyncio.create_task(graph.wait_for(lambda m: m.kind == "buttons"))
    await send(client, graph, text("satu"))
    await send(client, graph, text("lain"), to=OTHER)
    assert not waiting.done()
    started = time.monotonic()
    await send(client, graph, reply_buttons("Ya"))
    await send(client, graph, text("tiga"))
    first_two = await waiting
    assert time.monotonic() - started < 0.5
    assert [m.text for m in first_two] == ["satu", "Pilih"]
    (buttons,) = await matching
    assert isinstance(buttons, SentMessage) and buttons.button_titles == ["Ya"]
    assert len(await graph.wait_for(count=4)) == 4


async def test_waiting_times_out_with_what_was_sent(graph: GraphStub, client: aiohttp.ClientSession) -> None:
    await send(client, graph, reply_buttons("Ya", "Tidak", body="Lanjut?"))
    await send(client, graph, text(""), to=OTHER)
    with pytest.raises(AssertionError, match="expected 2 message") as timed_out:
        await graph.wait_for_messages(WA, 2, timeout=0.1)
    assert "buttons 'Lanjut?' [Ya | Tidak]" in str(timed_out.value)
    assert "text.body must not be empty" in str(timed_out.value)
    with pytest.raises(AssertionError, match="1 read receipt"):
        await graph.wait_for_reads(timeout=0.05)
    assert (await graph.wait_for_rejections())[0].to == OTHER


async def test_delay_holds_each_send(client: aiohttp.ClientSession) -> None:
    async with GraphStub(delay=0.2) as graph:
        started = time.monotonic()
        await asyncio.gather(*(send(client, graph, text(str(i))) for i in range(5)))
        assert 0.2 <= time.monotonic() - started < 1.0  # delayed, but concurrently
        assert len(graph.sent) == 5


# -- webhooks ----------------------------------------------------------------------------------------------------


def the_message(payload: JSONDict) -> JSONDict:
    (entry,) = payload["entry"]
    (change,) = entry["changes"]
    assert payload["object"] == "whatsapp_business_account" and change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp" and value["metadata"]["phone_number_id"] == "1055500001"
    (message,) = value["messages"]
    assert isinstance(message, dict)
    return message


def test_text_messages_look_like_meta_sends_them() -> None:
    payload = text_message(WA, "halo", timestamp=1700000000)
    contact = payload["entry"][0]["changes"][0]["value"]["contacts"][0]
    assert contact == {"profile": {"name": "Sari"}, "wa_id": WA}
    message = the_message(payload)
    assert message["from"] == WA and message["id"].startswith("wamid.in.")
    assert (message["timestamp"], message["type"], message["text"]) == ("1700000000", "text", {"body": "halo"})
    assert the_message(text_message(WA, "lagi"))["id"] != message["id"]

    username_user = text_message(None, "hai", bsuid="ID.12345", name="Budi", message_id="wamid.in.x")
    value = username_user["entry"][0]["changes"][0]["value"]
    assert value["contacts"] == [{"profile": {"name": "Budi"}, "user_id": "ID.12345"}]
    assert "from" not in value["messages"][0] and value["messages"][0]["id"] == "wamid.in.x"
    with pytest.raises(ValueError, match="wa_id or a bsuid"):
        text_message(None, "siapa?")


def test_replies_to_buttons_lists_and_templates() -> None:
    button = the_message(button_reply(WA, "yes", "Ya", context_id="wamid.out.7"))
    assert button["type"] == "interactive" and button["context"]["id"] == "wamid.out.7"
    assert button["interactive"] == {"type": "button_reply", "button_reply": {"id": "yes", "title": "Ya"}}
    row = the_message(list_reply(WA, "r1", "Baris 1", "Penjelasan"))["interactive"]
    assert row == {"type": "list_reply", "list_reply": {"id": "r1", "title": "Baris 1", "description": "Penjelasan"}}
    assert the_message(button_reply(WA, "a", "A"))["context"]["id"]  # a dummy when the test does not care
    quick = the_message(template_button(WA, "lanjut", "Lanjut"))
    assert (quick["type"], quick["button"]) == ("button", {"payload": "lanjut", "text": "Lanjut"})


def test_media_and_reactions_carry_realistic_fields() -> None:
    image = the_message(media_message(WA, "image", caption="foto"))["image"]
    assert image["mime_type"] == "image/jpeg" and len(image["sha256"]) == 64 and image["caption"] == "foto"
    assert the_message(media_message(WA, "audio"))["audio"]["voice"] is True
    assert the_message(media_message(WA, "sticker"))["sticker"]["mime_type"] == "image/webp"
    assert the_message(media_message(WA, "document"))["document"]["filename"].endswith(".pdf")
    assert the_message(media_message(WA, "video"))["type"] == "video"
    location = the_message(media_message(WA, "location"))["location"]
    assert set(location) == {"latitude", "longitude"}
    liked = the_message(reaction(WA, "👍", "wamid.out.3"))
    assert (liked["type"], liked["reaction"]) == ("reaction", {"message_id": "wamid.out.3", "emoji": "👍"})


def test_status_updates_have_no_messages_and_errors_only_when_failed() -> None:
    read = status_update("wamid.out.1", "read", WA, timestamp=5)["entry"][0]["changes"][0]["value"]
    assert "messages" not in read and "contacts" not in read
    assert read["statuses"] == [{"id": "wamid.out.1", "status": "read", "timestamp": "5", "recipient_id": WA}]
    failed = status_update("wamid.out.2", "failed", WA, error_code=131047)
    (error,) = failed["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"]
    assert (error["code"], error["title"], error["message"]) == (
        131047,
        "Re-engagement message",
        "Re-engagement message",
    )
    assert "24 hours" in error["error_data"]["details"]


async def test_post_webhook_sends_the_exact_bytes_it_signed() -> None:
    secret = "app-secret-for-tests"
    received: list[tuple[bytes, str | None]] = []

    async def bot_webhook(request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get("X-Hub-Signature-256")
        received.append((body, header))
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return web.Response(status=200 if header is not None and hmac.compare_digest(header, expected) else 403)

    async def verification(request: web.Request) -> web.Response:
        ok = request.query.get("hub.mode") == "subscribe" and request.query.get("hub.verify_token") == "verify-me"
        return web.Response(text=request.query["hub.challenge"]) if ok else web.Response(status=403)

    app = web.Application()
    app.router.add_post("/whatsapp", bot_webhook)
    app.router.add_get("/whatsapp", verification)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
    try:
        payload = text_message(WA, "Rp1.500/bulan, café ☕")
        assert await post_webhook(url, payload, secret) == 200
        body, header = received[-1]
        assert json.loads(body) == payload and body == encode(payload) and header == sign(body, secret)
        assert b"\\u00e9" in body and b"\\/" in body  # Meta's escapes: verify over the raw bytes, never re-encode
        assert json.dumps(payload).encode() != body

        assert await post_webhook(url, payload, "wrong-secret") == 403
        assert await post_webhook(url, payload, secret, signature="sha256=" + "0" * 64) == 403
        assert await post_webhook(url, payload, secret, signature=None) == 403
        assert received[-1][1] is None
        async with aiohttp.ClientSession() as session:
            assert await post_webhook(url, b'{"object":"x"}', secret, session=session) == 200
        assert received[-1][0] == b'{"object":"x"}'

        assert await verify_webhook(url, "verify-me", "1158201444") == (200, "1158201444")
        assert (await verify_webhook(url, "nope"))[0] == 403
    finally:
        await runner.cleanup()


def test_sign_is_hmac_sha256_in_lowercase_hex() -> None:
    assert sign(b"{}", "s") == "sha256=" + hmac.new(b"s", b"{}", hashlib.sha256).hexdigest()
    assert sign(b"{}", "s").removeprefix("sha256=").islower()


async def test_a_document_needs_an_uploaded_media_id_and_keeps_its_filename() -> None:
    body = {"messaging_product": "whatsapp", "to": "628123", "type": "document"}
    check_send({**body, "document": {"id": "m1", "filename": "kawan-dataku.json"}}, media_ids={"m1"})
    with pytest.raises(GraphError):
        check_send({**body, "document": {"id": "unknown"}}, media_ids={"m1"})
