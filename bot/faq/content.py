"""Loading and validating the curated content folder (FAQ entries, categories, lexicon)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader parses the FAQ ten times faster than the pure-Python one; both are safe loaders.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_ANSWER_CHARS = 1500
MIN_ALTERNATES = 6
MAX_ID_CHARS = 48  # keeps "faq:<id>" style button actions far inside Telegram's 64 bytes
MAX_LABEL_CHARS = 24  # a button label that fits a WhatsApp list row and a narrow phone screen
STALE_AFTER_DAYS = 180  # an entry whose facts were checked longer ago than this is due for review
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$")
_REQUIRED = ("id", "category", "label", "question", "alternates", "answer", "related", "sources", "reviewed")
_KNOWN_FIELDS = frozenset((*_REQUIRED, "keywords", "note"))


@dataclass(frozen=True)
class FaqEntry:
    id: str
    category: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    related: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: str = ""
    label: str = ""


@dataclass(frozen=True)
class Content:
    categories: dict[str, str]
    entries: tuple[FaqEntry, ...]
    slang: dict[str, str]
    synonyms: dict[str, str]
    smalltalk: dict[str, tuple[str, ...]]
    out_of_scope: tuple[str, ...] = ()  # everyday messages that are not Kawan's topics, for the model to learn
    redirects: dict[str, str] = field(default_factory=dict)  # retired id -> the entry that now answers it

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The entry with this id; a retired id gives the entry that replaced it, so old buttons keep working."""
        found = self._by_id.get(entry_id)
        if found is None and entry_id in self.redirects:
            found = self._by_id.get(self.redirects[entry_id])
        return found

    def canonical_id(self, entry_id: str) -> str:
        """The live id for `entry_id`: itself, or the entry a retired id redirects to."""
        return self.redirects.get(entry_id, entry_id)

    def in_category(self, category: str) -> list[FaqEntry]:
        return [e for e in self.entries if e.category == category]

    @property
    def _by_id(self) -> dict[str, FaqEntry]:
        cached: dict[str, FaqEntry] | None = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {e.id: e for e in self.entries}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached


class ContentError(Exception):
    """The content folder has problems; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_content(folder: Path) -> Content:
    """Load and validate; raises ContentError listing every problem found."""
    content, problems = check_content(folder)
    if problems or content is None:
        raise ContentError(problems)
    return content


def check_content(folder: Path) -> tuple[Content | None, list[str]]:
    """Validate the folder; returns what could be loaded and one line per problem (`file: id: what`)."""
    problems: list[str] = []
    categories = _load_categories(folder / "categories.yaml", problems)
    entries: list[FaqEntry] = []
    faq_files = sorted((folder / "faq").glob("*.yaml"))
    if not faq_files:
        problems.append(f"{folder / 'faq'}: no FAQ files (*.yaml) found")
    seen_ids: dict[str, str] = {}
    seen_phrasings: dict[str, str] = {}
    unreadable: list[str] = []
    raw_related: list[tuple[str, FaqEntry]] = []
    for path in faq_files:
        before = len(problems)
        loaded = _load_entries(path, problems)
        if len(problems) > before and not loaded:
            unreadable.append(path.name)
        for raw in loaded:
            entry = _parse_entry(path.name, raw, categories, problems)
            if entry is None:
                continue
            where = f"{path.name}: {entry.id}"
            if entry.id in seen_ids:
                problems.append(f"{where}: id already used in {seen_ids[entry.id]}")
                continue
            seen_ids[entry.id] = path.name
            for phrasing in (entry.question, *entry.alternates):
                key = " ".join(phrasing.lower().split())
                owner = seen_phrasings.setdefault(key, entry.id)
                if owner != entry.id:
                    problems.append(f"{where}: phrasing {phrasing!r} is also used by {owner}")
            entries.append(entry)
            raw_related.append((path.name, entry))
    if unreadable:
        # the entries of an unreadable file are missing, so every check that looks across entries would
        # only report follow-on errors ("related id ... does not exist"): report the real problem alone
        problems.append(f"(the other checks run once {', '.join(unreadable)} can be read)")
        return None, problems
    for file_name, entry in raw_related:
        for rel in entry.related:
            if rel not in seen_ids:
                problems.append(f"{file_name}: {entry.id}: related id {rel!r} does not exist")
            elif rel == entry.id:
                problems.append(f"{file_name}: {entry.id}: related lists the entry itself")
    slang = _load_pairs(folder / "lexicon" / "slang.tsv", problems)
    for source, target in slang.items():
        chained = [word for word in target.split() if word in slang and word != source]
        if chained:
            problems.append(
                f"slang.tsv: {source!r} -> {target!r}: {chained[0]!r} is itself a key; write its final form"
            )
    synonyms = _load_pairs(folder / "lexicon" / "synonyms.tsv", problems)
    smalltalk = _load_smalltalk(folder / "smalltalk.yaml", problems)
    out_of_scope = _load_out_of_scope(folder / OUT_OF_SCOPE_FILE, seen_phrasings, problems)
    redirects = _load_redirects(folder / "retired.yaml", set(seen_ids), problems)
    content = Content(categories, tuple(entries), slang, synonyms, smalltalk, out_of_scope, redirects)
    return content, problems


OUT_OF_SCOPE_FILE = "out-of-scope.tsv"
OUT_OF_SCOPE_KINDS = frozenset(
    ["gov", "shop", "health", "religion", "school", "cook", "hobby", "apps", "money", "jobs", "chat", "near"]
)


def _load_out_of_scope(path: Path, phrasings: dict[str, str], problems: list[str]) -> tuple[str, ...]:
    """`kind<TAB>message` lines; a message may not repeat, nor be one of the FAQ's own phrasings."""
    if not path.is_file():
        return ()
    messages: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        kind, sep, message = line.partition("\t")
        where = f"{path.name}: line {number}"
        if not sep or not message.strip() or "\t" in message:
            problems.append(f"{where}: expected 'kind<TAB>message'")
            continue
        if kind not in OUT_OF_SCOPE_KINDS:
            problems.append(f"{where}: unknown kind {kind!r} (one of {', '.join(sorted(OUT_OF_SCOPE_KINDS))})")
        key = " ".join(message.lower().split())
        if key in seen:
            problems.append(f"{where}: {message!r} is listed twice")
        elif key in phrasings:
            problems.append(f"{where}: {message!r} is a phrasing of the FAQ entry {phrasings[key]}")
        seen.add(key)
        messages.append(message.strip())
    return tuple(messages)


def _load_redirects(path: Path, live_ids: set[str], problems: list[str]) -> dict[str, str]:
    """`retired: {old-id: new-id}`: ids that were merged into another entry and must keep working."""
    if not path.is_file():
        return {}
    data = _load_yaml(path, problems)
    retired = data.get("retired") if isinstance(data, dict) else None
    if not isinstance(retired, dict):
        if data is not None:
            problems.append(f"{path.name}: needs a 'retired' mapping of old-id: new-id")
        return {}
    redirects: dict[str, str] = {}
    for old, new in retired.items():
        old_id, new_id = str(old), str(new)
        if old_id in live_ids:
            problems.append(f"{path.name}: {old_id}: is retired but still an entry; remove one of them")
        elif new_id not in live_ids:
            problems.append(f"{path.name}: {old_id}: redirects to {new_id!r}, which is not an entry")
        else:
            redirects[old_id] = new_id
    return redirects


def _load_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except FileNotFoundError:
        problems.append(f"{path}: file missing")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{path.name}:{line} not valid YAML ({getattr(exc, 'problem', exc)})")
    except UnicodeDecodeError:
        problems.append(f"{path.name}: not UTF-8 text")
    return None


def _load_categories(path: Path, problems: list[str]) -> dict[str, str]:
    data = _load_yaml(path, problems)
    cats = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(cats, dict) or not cats:
        if data is not None:
            problems.append(f"{path.name}: needs a 'categories' mapping of key: title")
        return {}
    return {str(k): str(v) for k, v in cats.items()}


def _load_entries(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    data = _load_yaml(path, problems)
    if data is None:
        return []
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(f"{path.name}: needs a top-level 'entries' list")
        return []
    good = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            good.append(item)
        else:
            problems.append(f"{path.name}: entry #{index} is not a mapping of fields")
    return good


def _parse_entry(
    file_name: str, raw: dict[str, Any], categories: dict[str, str], problems: list[str]
) -> FaqEntry | None:
    entry_id = str(raw.get("id", "")).strip()
    where = f"{file_name}: {entry_id or '(no id)'}"
    missing = [name for name in _REQUIRED if raw.get(name) in (None, "", [])]
    if missing:
        problems.append(f"{where}: missing field(s) {', '.join(missing)}")
        return None
    before = len(problems)
    unknown = sorted(str(k) for k in raw if k not in _KNOWN_FIELDS)
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)} (a typo?)")
    if not _ID_RE.match(entry_id) or len(entry_id) > MAX_ID_CHARS:
        problems.append(f"{where}: id must be lowercase words joined by '-', at most {MAX_ID_CHARS} characters")
    category = str(raw["category"])
    if category not in categories:
        problems.append(f"{where}: unknown category {category!r} (see categories.yaml)")
    alternates = _str_list(raw["alternates"])
    related = _str_list(raw["related"])
    keywords = _str_list(raw.get("keywords") or [])
    if alternates is None or related is None or keywords is None:
        problems.append(f"{where}: alternates, related and keywords must be lists of text")
        return None
    if len(alternates) < MIN_ALTERNATES:
        problems.append(f"{where}: needs at least {MIN_ALTERNATES} alternate phrasings, has {len(alternates)}")
    if not 2 <= len(related) <= 4:
        problems.append(f"{where}: related needs 2 to 4 ids, has {len(related)}")
    answer = str(raw["answer"]).strip()
    if len(answer) > MAX_ANSWER_CHARS:
        problems.append(f"{where}: answer has {len(answer)} characters, the limit is {MAX_ANSWER_CHARS}")
    for field_name, text in (("question", str(raw["question"])), ("answer", answer)):
        problem = render_problem(text)
        if problem:
            problems.append(f"{where}: {field_name} {problem}")
    label = str(raw["label"]).strip()
    if len(label) > MAX_LABEL_CHARS:
        problems.append(f"{where}: label {label!r} has {len(label)} characters, the limit is {MAX_LABEL_CHARS}")
    sources = _str_list(raw["sources"] if isinstance(raw["sources"], list) else [raw["sources"]])
    for source in sources or ():
        if not (_SEED_RE.match(source) or _URL_RE.match(source)):
            problems.append(
                f"{where}: source {source!r} is neither a seed file (like 003_192e0b8389934350.txt) nor a web address"
            )
    if not sources:
        problems.append(f"{where}: sources must list the seed file or web pages the facts come from")
    reviewed = _parse_date(raw["reviewed"])
    if reviewed is None:
        problems.append(f"{where}: reviewed must be a date like 2026-11-22")
    elif reviewed > date.today():
        problems.append(f"{where}: reviewed {reviewed} is in the future")
    if len(problems) != before:
        return None
    return FaqEntry(
        id=entry_id,
        category=category,
        question=str(raw["question"]).strip(),
        alternates=tuple(alternates),
        answer=answer,
        related=tuple(related),
        keywords=tuple(keywords),
        sources=tuple(sources or ()),
        reviewed=str(reviewed),
        label=label,
    )


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def stale_entries(content: Content, today: date, max_age_days: int = STALE_AFTER_DAYS) -> list[tuple[FaqEntry, int]]:
    """Entries whose facts were last reviewed more than `max_age_days` ago, oldest first, with their age in days."""
    aged = [(entry, (today - date.fromisoformat(entry.reviewed)).days) for entry in content.entries]
    return sorted(((e, age) for e, age in aged if age > max_age_days), key=lambda pair: -pair[1])


def render_problem(text: str) -> str | None:
    """Why `text` would not render as plain text on Telegram and in a terminal, or None."""
    if "<" in text or ">" in text:
        return "contains '<' or '>': write plain text, formatting is added by the bot"
    if "**" in text or "__" in text or "```" in text:
        return "contains Markdown markers (** __ ```): write plain text"
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        return "contains control characters"
    return None


def _str_list(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        return None
    return [str(v).strip() for v in value if str(v).strip()]


def _load_pairs(path: Path, problems: list[str]) -> dict[str, str]:
    """A two-column TSV (`from<TAB>to`); lines starting with # are comments."""
    pairs: dict[str, str] = {}
    if not path.is_file():
        return pairs
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip():
            problems.append(f"{path.name}: line {number}: expected 'word<TAB>replacement'")
            continue
        source = " ".join(parts[0].lower().split())
        if source in pairs:
            problems.append(f"{path.name}: line {number}: {source!r} is listed twice")
        pairs[source] = " ".join(parts[1].lower().split())
    return pairs


def _load_smalltalk(path: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not path.is_file():
        return {}
    data = _load_yaml(path, problems)
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected kind: [phrases] mappings")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for kind, phrases in data.items():
        values = _str_list(phrases)
        if values is None:
            problems.append(f"{path.name}: {kind}: expected a list of phrases")
            continue
        out[str(kind)] = tuple(v.lower() for v in values)
    return out
