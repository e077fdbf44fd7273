"""Answering from the FAQ: free text, browsing by category, suggestions and feedback."""

from __future__ import annotations

import re

from bot.faq.content import FaqEntry
from bot.messages import Button, Reply
from handlers.common import category_rows, main_menu_rows, menu_button
from handlers.context import Turn

MAX_QUESTION_CHARS = 1000
_BARE_NUMBER = re.compile(r"^[\d\s.,]{1,6}$")


def menu(turn: Turn) -> list[Reply]:
    return [Reply(turn._("Pick a topic:"), (*category_rows(turn), (Button(turn._("❓ Help"), "help"),)), replace=True)]


def category(turn: Turn, key: str) -> list[Reply]:
    title = turn.services.content.categories.get(key)
    entries = turn.services.content.in_category(key)
    if title is None or not entries:
        return _gone(turn)
    buttons = tuple((entry_button(e),) for e in entries)
    reply = Reply(turn._("{title} — pick a question:", title=title), (*buttons, (menu_button(turn),)), replace=True)
    return [reply]


def entry_button(entry: FaqEntry) -> Button:
    """An entry as a choice: its short label, with the full question where the channel shows more."""
    return Button(entry.label, f"faq:{entry.id}", detail=entry.question)


def answer(turn: Turn, entry_id: str) -> list[Reply]:
    entry = turn.services.content.entry(entry_id)
    if entry is None:
        return _gone(turn)
    return [_answer_reply(turn, entry)]


def _answer_reply(turn: Turn, entry: FaqEntry) -> Reply:
    turn.services.usage.answer(turn.services.clock(), entry.id)
    content = turn.services.content
    related = [r for r in (content.entry(i) for i in entry.related) if r is not None]
    buttons: list[tuple[Button, ...]] = [(entry_button(r),) for r in related]
    buttons.append(
        (
            Button(turn._("👍 Helpful"), f"fb:{entry.id}:1"),
            Button(turn._("👎 Not helpful"), f"fb:{entry.id}:0"),
        )
    )
    buttons.append((menu_button(turn),))
    return Reply(entry.answer, tuple(buttons), title=entry.question)


async def ask(turn: Turn, question: str) -> list[Reply]:
    question = question.strip()
    if not question:
        return [Reply(turn._("Type your question after /tanya, for example: /tanya what is microstock"))]
    if len(question) > MAX_QUESTION_CHARS:
        return [Reply(turn._("That message is too long for me. Try asking in one or two short sentences 🙏"))]
    if _BARE_NUMBER.match(question):
        # a number with no question around it: a choice from a menu that is not on screen, not a topic
        text = turn._("To choose, tap one of the buttons 🙂 Or type your question in words.")
        return [Reply(text, main_menu_rows(turn))]
    services = turn.services
    match = services.engine.match(question)
    if match.outcome == "smalltalk":
        return [_smalltalk(turn, match.smalltalk or "nonsense")]
    services.usage.question(services.clock(), turn.user.channel, match.outcome)
    gap = 0
    if match.outcome in ("suggest", "decline"):
        gap = await services.faq_log.record_unanswered(turn.user.id, question, match.normalized, match.outcome)
    if match.outcome == "answer" and match.entry_id:
        entry = services.content.entry(match.entry_id)
        if entry is not None:
            return [_answer_reply(turn, entry)]
    if match.outcome == "suggest" and match.entry_id:
        ids = (match.entry_id, *match.suggestions)
        entries = [e for e in (services.content.entry(i) for i in ids) if e is not None]
        buttons = tuple((entry_button(e),) for e in entries)
        return [Reply(turn._("Did you mean…?"), (*buttons, (Button(turn._("None of these"), f"none:{gap}"),)))]
    return [
        Reply(
            turn._(
                "Sorry, I don't have an answer for that yet 🙏 I can help with microstock, Shutterstock, "
                "Fiverr, tax (NPWP), burnout and AI. Pick a topic:"
            ),
            category_rows(turn),
        )
    ]


def _smalltalk(turn: Turn, kind: str) -> Reply:
    if kind == "greeting":
        return Reply(
            turn._("Hi! 😊 What would you like to ask? Type a question or browse the topics."),
            main_menu_rows(turn),
        )
    if kind == "thanks":
        return Reply(turn._("You're welcome! Good luck with your work 💪"), ((menu_button(turn),),))
    if kind == "bye":
        return Reply(turn._("See you! Come back any time 👋"))
    return Reply(
        turn._(
            'I didn\'t quite get that 😅 Try a question, e.g. "how to raise my Shutterstock level", or pick a topic:'
        ),
        category_rows(turn),
    )


async def none_of_these(turn: Turn, gap: str) -> list[Reply]:
    """None of the suggestions fit: the question is kept for the editors, and the user is told so."""
    if gap.isdigit():
        await turn.services.faq_log.reject_suggestions(turn.user.id, int(gap))
    text = turn._(
        "Thanks for telling me 🙏 I've noted your question for the people who write my answers. "
        "Try asking in other words, or pick a topic:"
    )
    return [Reply(text, category_rows(turn))]


async def feedback(turn: Turn, entry_id: str, helpful: bool) -> list[Reply]:
    if turn.services.content.entry(entry_id) is None:
        return _gone(turn)
    await turn.services.faq_log.record_feedback(turn.user.id, entry_id, helpful)
    if helpful:
        return [Reply(turn._("Thanks for the feedback! 🙏"))]
    return [
        Reply(
            turn._("Thanks, I'll pass it on so the answer gets better. Try asking in other words, or browse:"),
            ((menu_button(turn),),),
        )
    ]


def _gone(turn: Turn) -> list[Reply]:
    """A button from an old message whose target no longer exists."""
    return [
        Reply(
            turn._("That button is out of date — the content has changed. Here is the menu again:"),
            category_rows(turn),
        )
    ]
