"""The dashboard's HTML: a login form and one page of figures, in Indonesian, readable on a phone.

Everything a user typed (unanswered questions) is escaped; no user id or chat id is ever shown.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.dashboard import charts
from bot.dashboard.charts import Line
from bot.dashboard.figures import PERIODS, Figures
from bot.i18n import Translator
from bot.storage.usage import REPORT_ZONE

WEEKLY_AFTER = 92  # days; longer periods chart their bars per week
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "terminal": "Terminal"}
CHANNEL_COLORS = {"telegram": "#1e88e5", "whatsapp": "#2e7d32", "terminal": "#757575"}
OUTCOME_COLORS = {"answer": "#2e7d32", "suggest": "#f9a825", "decline": "#9e9e9e"}
DELIVERY_COLORS = {"sent": "#2e7d32", "window_closed": "#f9a825", "unreachable": "#9e9e9e", "failed": "#c62828"}

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1d;background:#f4f5f7}
main{max-width:760px;margin:0 auto;padding:12px}
h1{font-size:1.3rem;margin:.4rem 0}
h2{font-size:1.05rem;margin:0 0 .5rem}
section{background:#fff;border-radius:10px;padding:12px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.chart{width:100%;height:auto;display:block}
.legend{list-style:none;padding:0;margin:.4rem 0 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{background:#fff;border-radius:10px;padding:10px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:1.4rem}
.periods{display:flex;gap:6px;flex-wrap:wrap;margin:.3rem 0}
.periods a{padding:6px 12px;border-radius:16px;background:#fff;color:#1d1d1d;text-decoration:none;border:1px solid #ccc}
.periods a[aria-current]{background:#1e88e5;color:#fff;border-color:#1e88e5}
table{width:100%;border-collapse:collapse;font-size:.95rem}
td,th{text-align:left;padding:6px 4px;border-bottom:1px solid #eee;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}
.muted{color:#666;font-size:.9rem}
form.login{display:flex;flex-direction:column;gap:10px;max-width:360px}
input,button{font:inherit;padding:10px;border-radius:8px;border:1px solid #bbb}
button{background:#1e88e5;color:#fff;border:0;cursor:pointer}
.error{color:#c62828;font-weight:600}
header{display:flex;justify-content:space-between;align-items:center;gap:8px}
header form button{background:#fff;color:#1d1d1d;border:1px solid #ccc;padding:6px 12px}
"""


def _page(t: Translator, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{t.language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><link rel="icon" href="data:,">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/admin/style.css"></head>'
        f"<body><main>{body}</main></body></html>"
    )


def login_page(t: Translator, wrong: bool = False) -> str:
    title, wrong_token = escape(t.gettext("Kawan dashboard")), escape(t.gettext("That token is not right."))
    ask = escape(t.gettext("Enter the dashboard token (KAWAN_DASHBOARD_TOKEN) to continue."))
    label, log_in = escape(t.gettext("Token")), escape(t.gettext("Log in"))
    error = f'<p class="error" role="alert">{wrong_token}</p>' if wrong else ""
    body = (
        f"<h1>{title}</h1><section><p>{ask}</p>"
        f'{error}<form class="login" method="post" action="/admin/login">'
        f'<label for="token">{label}</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>'
        f'<button type="submit">{log_in}</button></form></section>'
    )
    return _page(t, t.gettext("Kawan dashboard"), body)


def dashboard_page(t: Translator, f: Figures) -> str:
    def n(value: int) -> str:
        return escape(t.number(value))

    o = f.overview
    day = t.short_date
    local = f.now.astimezone(REPORT_ZONE)
    answered = f.overview.questions.get("answer", 0)
    share = f"{round(100 * answered / o.asked)}%" if o.asked else "–"
    period_names = {p: escape(t.gettext("{days} days", days=t.number(p))) for p in PERIODS}
    periods = "".join(
        f'<a href="/admin?days={p}"{" aria-current=page" if p == f.days else ""}>{period_names[p]}</a>' for p in PERIODS
    )
    updated = escape(t.gettext("Updated {time} WIB", time=f"{t.date(local)} {t.time(local)}"))
    period_label = escape(t.gettext("Period"))
    cards = [
        (t.gettext("New users"), n(sum(o.new_users.values()))),
        (t.gettext("Active users"), n(sum(o.active_users.values()))),
        (t.gettext("Questions"), n(o.asked)),
        (t.gettext("Answered"), escape(share)),
        (t.gettext("Upload reminders on"), n(o.subscribers.get("upload", 0))),
        (t.gettext("Weekly statistics on"), n(o.subscribers.get("stats", 0))),
    ]
    outcome_names = {
        "answer": t.gettext("answered"),
        "suggest": t.gettext('"maksud kamu…?"'),
        "decline": t.gettext("declined"),
    }
    questions = [
        Line(outcome_names[k], OUTCOME_COLORS[k], f.questions.values.get(k, [0] * len(f.questions.days)))
        for k in ("answer", "suggest", "decline")
    ]
    active = [
        Line(CHANNEL_NAMES.get(c, c), CHANNEL_COLORS.get(c, "#6a1b9a"), values)
        for c, values in sorted(f.active.values.items())
    ]
    delivery_names = {
        "sent": t.gettext("delivered"),
        "window_closed": t.gettext("outside WhatsApp's 24 hours"),
        "unreachable": t.gettext("blocked Kawan"),
        "failed": t.gettext("failed"),
    }
    deliveries = [
        Line(delivery_names.get(s, s), DELIVERY_COLORS.get(s, "#6a1b9a"), f.deliveries.values[s])
        for s in sorted(
            f.deliveries.values, key=lambda s: list(DELIVERY_COLORS).index(s) if s in DELIVERY_COLORS else 9
        )
    ]

    def number(value: int) -> str:
        return t.number(value)

    weekly = f.days > WEEKLY_AFTER  # a year of daily bars is a blur on a phone: weeks instead

    def bars(days: list[date], series: list[Line]) -> tuple[list[date], list[Line]]:
        return charts.by_week(days, series) if weekly else (days, series)

    body = [
        '<header><h1>{}</h1><form method="post" action="/admin/logout"><button type="submit">{}</button></form>'
        "</header>".format(escape(t.gettext("Kawan dashboard")), escape(t.gettext("Log out"))),
        f'<p class="muted">{updated}</p>',
        f'<nav class="periods" aria-label="{period_label}">{periods}</nav>',
        '<div class="cards">'
        + "".join(f'<div class="card">{escape(label)}<b>{value}</b></div>' for label, value in cards)
        + "</div>",
        _chart_section(
            t.gettext("Questions per week, by what Kawan did")
            if weekly
            else t.gettext("Questions per day, by what Kawan did"),
            charts.stacked_bars(t.gettext("Questions"), *bars(f.questions.days, questions), day, number)
            + charts.legend(questions, number),
        ),
        _chart_section(
            t.gettext("Active users per day"),
            (
                charts.lines(t.gettext("Active users per day"), f.active.days, active, day, number)
                + charts.legend(active, number)
            )
            if active
            else _empty(t),
        ),
        _chart_section(
            t.gettext("Reminder deliveries per week") if weekly else t.gettext("Reminder deliveries per day"),
            (
                charts.stacked_bars(t.gettext("Reminder deliveries"), *bars(f.deliveries.days, deliveries), day, number)
                + charts.legend(deliveries, number)
            )
            if deliveries
            else _empty(t),
        ),
        _unanswered(t, f),
        _feedback(t, f),
        _top(t, f),
        _broadcast(t, f),
    ]
    return _page(t, t.gettext("Kawan dashboard"), "".join(body))


def _chart_section(title: str, inner: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{inner}</section>"


def _empty(t: Translator) -> str:
    nothing = escape(t.gettext("Nothing in this period yet."))
    return f'<p class="muted">{nothing}</p>'


def _unanswered(t: Translator, f: Figures) -> str:
    title = escape(t.gettext("Questions Kawan could not answer, grouped"))
    if not f.unanswered:
        return f"<section><h2>{title}</h2>{_empty(t)}</section>"
    rows = []
    for group in f.unanswered:
        others = ""
        if group.others:
            shown = "; ".join(f"\u201c{escape(o)}\u201d" for o in group.others[:3])
            more = len(group.others) - 3
            extra = escape(t.gettext(" and {n} more", n=t.number(more))) if more > 0 else ""
            others = f'<br><span class="muted">{shown}{extra}</span>'
        rows.append(
            f"<tr><td>\u201c{escape(group.wording)}\u201d{others}</td>"
            f"<td class=n>{escape(t.number(group.count))}</td></tr>"
        )
    hint = escape(t.gettext("Similar wordings are counted together: the top of this list is what to write next."))
    question, times = escape(t.gettext("Question")), escape(t.gettext("Times"))
    head = f"<tr><th>{question}</th><th class=n>{times}</th></tr>"
    return f'<section><h2>{title}</h2><p class="muted">{hint}</p><table>{head}{"".join(rows)}</table></section>'


def _feedback(t: Translator, f: Figures) -> str:
    title = escape(t.gettext("Answers marked 👎"))
    if not f.feedback:
        return f"<section><h2>{title}</h2>{_empty(t)}</section>"
    rows = "".join(
        f'<tr><td>{escape(e.label)}<br><span class="muted">{escape(e.question)}</span></td>'
        f"<td class=n>👎 {escape(t.number(e.down))}</td><td class=n>👍 {escape(t.number(e.up))}</td></tr>"
        for e in f.feedback
    )
    return f"<section><h2>{title}</h2><table>{rows}</table></section>"


def _top(t: Translator, f: Figures) -> str:
    title = escape(t.gettext("Most asked answers"))
    if not f.top_entries:
        return f"<section><h2>{title}</h2>{_empty(t)}</section>"
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td class=n>{escape(t.number(count))}</td></tr>" for label, count in f.top_entries
    )
    return f"<section><h2>{title}</h2><table>{rows}</table></section>"


def _broadcast(t: Translator, f: Figures) -> str:
    progress = f.broadcast
    if progress is None:
        return ""
    c = progress.counts
    text = t.gettext(
        "{sent} of {total} delivered, {waiting} still waiting.",
        sent=t.number(c.get("sent", 0)),
        total=t.number(progress.total),
        waiting=t.number(c.get("pending", 0) + c.get("sending", 0)),
    )
    title = escape(t.gettext("Last announcement"))
    return f"<section><h2>{title}</h2><p>\u201c{escape(progress.text[:200])}\u201d</p><p>{escape(text)}</p></section>"
