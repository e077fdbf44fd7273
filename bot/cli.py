"""The `kawan` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from bot.config import ConfigError, Settings, check_db_path, load_settings
from bot.content_check import check_folder
from bot.faq.content import STALE_AFTER_DAYS, ContentError, stale_entries
from bot.faq.engine import FaqEngine, Match
from bot.logging_setup import configure_logging

log = logging.getLogger("kawan")
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kawan", description="Kawan: FAQ and reminder bot for freelancers.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run every configured channel (Telegram, WhatsApp) with the reminders")
    sub.add_parser("dashboard", help="only the read-only web dashboard (needs KAWAN_DASHBOARD_TOKEN)")
    sub.add_parser("chat", help="chat with Kawan in the terminal (no token or network needed)")
    ask = sub.add_parser("ask", help="answer one question as the bot would ('-' reads one per line)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("question", nargs="+", help="the question, or '-' for standard input")
    faq = sub.add_parser("faq", help="list the FAQ entries")
    faq.add_argument("--json", action="store_true", help="as a JSON array")
    content = sub.add_parser("content", help="work with the content folder")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate the content folder")
    check.add_argument(
        "--stale", action="store_true", help=f"list entries reviewed more than {STALE_AFTER_DAYS} days ago"
    )
    gaps = content_sub.add_parser("gaps", help="most frequent questions the bot could not answer")
    gaps.add_argument("--limit", type=int, default=20)
    db = sub.add_parser("db", help="the database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    to_pg = db_sub.add_parser("migrate", help="copy the SQLite database (KAWAN_DB) into an empty PostgreSQL one")
    to_pg.add_argument("--to", required=True, metavar="postgresql://…", help="the empty target database")
    ev = sub.add_parser("eval", help="score the FAQ engine on labelled questions")
    ev.add_argument("file", type=Path, help="TSV: expected_id<TAB>question ('-' for out of scope)")
    ev.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"kawan: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    level = settings.log_level
    if args.command != "run" and "KAWAN_LOG_LEVEL" not in os.environ:
        level = max(level, logging.WARNING)  # keep the terminal conversation free of start-up chatter
    configure_logging(level, settings.secrets)
    try:
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"kawan: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ContentError as exc:
        print("kawan: the content folder has problems (run 'kawan content check'):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_engine

    if args.command == "content" and args.content_command == "check":
        return _content_check(settings, args.stale)
    if settings.db_url is None and (
        args.command in ("run", "chat") or (args.command == "content" and args.content_command == "gaps")
    ):
        check_db_path(settings.db_path)
    if args.command == "content" and args.content_command == "gaps":
        return asyncio.run(_content_gaps(settings, args.limit))
    if args.command == "run":
        return _run(settings)
    if args.command == "db":
        return asyncio.run(_db_migrate(settings, args.to))
    if args.command == "dashboard":
        if settings.db_url is None:
            check_db_path(settings.db_path)
        return asyncio.run(_dashboard(settings))
    engine = build_engine(settings, _training_progress)
    if args.command == "chat":
        return asyncio.run(_chat(settings, engine))
    if args.command == "ask":
        return _ask(engine, " ".join(args.question), args.json)
    if args.command == "faq":
        return _faq(engine, args.json)
    if args.command == "eval":
        return _eval(engine, args.file, args.quiet)
    raise AssertionError(args.command)


def _training_progress(seconds: float | None) -> None:
    """One line on standard error while the FAQ model trains (only after the content or code changed)."""
    from bot.i18n import translator

    t = translator("id")
    if seconds is None:
        print(
            t.gettext("Preparing the FAQ model (once after the content changes, about half a minute)…"), file=sys.stderr
        )
    else:
        print(t.gettext("FAQ model ready in {seconds} s.", seconds=t.number(round(seconds, 1))), file=sys.stderr)


def _content_check(settings: Settings, list_stale: bool) -> int:
    """Problems fail the check (exit 1); entries due for a fact review only warn."""
    content, problems = check_folder(settings.content_dir)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    assert content is not None
    stale = stale_entries(content, date.today())
    if list_stale:
        for entry, age in stale:
            print(f"{entry.id} ({entry.category}): reviewed {entry.reviewed}, {age} days ago")
        if not stale:
            print(f"no entry was reviewed more than {STALE_AFTER_DAYS} days ago")
        return 0
    if stale:
        print(
            f"warning: {len(stale)} entries were reviewed more than {STALE_AFTER_DAYS} days ago; "
            "'kawan content check --stale' lists them"
        )
    print(f"content ok: {len(content.entries)} entries in {len(content.categories)} categories")
    return 0


async def _content_gaps(settings: Settings, limit: int) -> int:
    from bot.storage import open_database
    from bot.storage.faq_log import FaqLog

    db = await open_database(settings.db_path, settings.db_url)
    try:
        gaps = await FaqLog(db).top_gaps(limit)
    finally:
        await db.close()
    if not gaps:
        print("no unanswered questions recorded yet")
    for question, count, outcome in gaps:
        print(f"{count:5d}  {outcome:8s} {question}")
    return 0


async def _chat(settings: Settings, engine: FaqEngine) -> int:
    """The terminal conversation until end of input, with the terminal's reminders running meanwhile."""
    from bot.app import Kawan, terminal_channel

    kawan = await Kawan.open(settings, engine, [terminal_channel(sys.stdin, sys.stdout)])
    await kawan.start()
    try:
        await kawan.channels["terminal"].run()  # type: ignore[attr-defined]
    finally:
        await kawan.stop()
    return 0


async def _db_migrate(settings: Settings, url: str) -> int:
    """Copy the SQLite database into an empty PostgreSQL one and verify every table's count."""
    from bot.db_url import is_postgres_url, redacted, valid_postgres_url
    from bot.storage.copy import CopyError, copy_to_postgres

    if not (is_postgres_url(url) and valid_postgres_url(url)):
        print("kawan db migrate: --to must be a URL like postgresql://user:password@host:5432/kawan", file=sys.stderr)
        return 2
    if settings.db_url is not None or not settings.db_path.is_file():
        print(
            f"kawan db migrate: KAWAN_DB must name an existing SQLite file (now: {settings.db_path})", file=sys.stderr
        )
        return 2
    check_db_path(settings.db_path)
    try:
        copied = await copy_to_postgres(
            settings.db_path, url, lambda table, rows: print(f"  {table}: {rows:,} rows", file=sys.stderr)
        )
    except CopyError as exc:
        print(f"kawan db migrate: {exc}; nothing was copied", file=sys.stderr)
        return 1
    print(f"copied {copied.rows:,} rows in {len(copied.tables)} tables to {redacted(url)}; every count verified")
    return 0


async def _dashboard(settings: Settings) -> int:
    """The web dashboard on its own listener, until SIGTERM or SIGINT: no channel, no model needed."""
    import signal

    from bot.channels.http import WebhookServer
    from bot.dashboard.web import Dashboard
    from bot.faq.content import load_content
    from bot.i18n import translator
    from bot.storage import open_database

    t = translator("id")
    if settings.dashboard_token is None:
        print(
            t.gettext("kawan: set KAWAN_DASHBOARD_TOKEN (16 characters or more) to open the dashboard."),
            file=sys.stderr,
        )
        return 2
    db = await open_database(settings.db_path, settings.db_url)
    server = WebhookServer(settings.webhook_listen, settings.webhook_port)
    content = load_content(settings.content_dir)
    Dashboard(db, lambda: content, settings.dashboard_token, lambda: datetime.now(UTC)).attach(server.add_route)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await server.start()
    print(
        t.gettext(
            "Dashboard at http://{host}:{port}/admin (Ctrl+C stops it).",
            host=settings.webhook_listen,
            port=settings.webhook_port,
        ),
        file=sys.stderr,
    )
    try:
        await stopping.wait()
    finally:
        await server.stop()
        await db.close()
    return 0


EXIT_UNREACHABLE = 1


def _run(settings: Settings) -> int:
    """Every configured channel in one process, until SIGTERM or SIGINT."""
    from bot.app import ChannelFactory, Kawan, telegram_channel, whatsapp_channel
    from bot.channels.telegram import wait_until_reachable
    from bot.services import build_engine

    settings.require_a_channel()
    channels: list[ChannelFactory] = []
    if settings.telegram is not None:
        telegram = settings.telegram
        if not asyncio.run(wait_until_reachable(telegram, settings.startup_timeout)):
            print(
                f"kawan: the Telegram Bot API did not answer within {settings.startup_timeout} s "
                f"({telegram.base_url}…); check the network or TELEGRAM_BASE_URL",
                file=sys.stderr,
            )
            return EXIT_UNREACHABLE
        channels.append(telegram_channel)
    if settings.whatsapp is not None:
        channels.append(whatsapp_channel)  # a webhook: Meta retries while we are away, so no wait here
    engine = build_engine(settings, _training_progress)

    async def serve() -> None:
        kawan = await Kawan.open(settings, engine, channels, dashboard=True)
        await kawan.serve()

    asyncio.run(serve())
    return 0


def match_json(engine: FaqEngine, match: Match) -> dict[str, object]:
    entry = engine.content.entry(match.entry_id) if match.entry_id else None
    return {
        "question": match.question,
        "id": match.entry_id,
        "confident": match.confident,
        "outcome": match.outcome,
        "score": match.score,
        "suggestions": list(match.suggestions),
        "answer": entry.answer if entry is not None and match.confident else None,
    }


def _ask(engine: FaqEngine, question: str, as_json: bool) -> int:
    questions: Sequence[str] = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]  # type: ignore[assignment]
    for q in questions:
        if not q.strip() and question == "-":
            continue
        match = engine.match(q)
        if as_json:
            print(json.dumps(match_json(engine, match), ensure_ascii=False), flush=True)
        else:
            print(_ask_text(engine, match), flush=True)
    return 0


def _ask_text(engine: FaqEngine, match: Match) -> str:
    content = engine.content
    if match.confident and match.entry_id:
        entry = content.entry(match.entry_id)
        assert entry is not None
        return f"{entry.question}\n\n{entry.answer}"
    if match.outcome == "suggest" and match.entry_id:
        names = [content.entry(i) for i in (match.entry_id, *match.suggestions)]
        return "Maksud kamu:\n" + "\n".join(f"  - {e.question}" for e in names if e)
    return f"({match.outcome}: tidak dijawab dari FAQ)"


def _faq(engine: FaqEngine, as_json: bool) -> int:
    entries = engine.content.entries
    if as_json:
        data = [
            {
                "id": e.id,
                "category": e.category,
                "question": e.question,
                "answer": e.answer,
                "alternates": list(e.alternates),
                "related": list(e.related),
                "label": e.label,
                "sources": list(e.sources),
                "reviewed": e.reviewed,
            }
            for e in entries
        ]
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for e in entries:
            print(f"{e.id:40s} {e.category:12s} {e.question}")
    return 0


def _eval(engine: FaqEngine, path: Path, quiet: bool) -> int:
    from bot.faq.evaluate import evaluate, read_cases

    try:
        cases = read_cases(path)
    except (OSError, ValueError) as exc:
        print(f"kawan: cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    report = evaluate(engine, cases)
    print("\n".join(report.figures() if quiet else report.lines()))
    return 0
