"""`kawan content check`: every file of the content folder, and what must agree across them."""

from __future__ import annotations

from pathlib import Path

from bot.faq.content import Content, FaqEntry, check_content
from bot.stats.levels import LevelTables, read_levels

LEVEL_ENTRY = "level-shutterstock"


def check_folder(folder: Path) -> tuple[Content | None, list[str]]:
    """The FAQ, lexicon and level tables; one line per problem (`file: id: what`)."""
    content, problems = check_content(folder)
    levels, level_problems = read_levels(folder)
    problems = [*problems, *level_problems]
    if content is not None:
        problems += level_answer_problems(content.entries, levels)
    return content, problems


def level_answer_problems(entries: tuple[FaqEntry, ...], levels: LevelTables) -> list[str]:
    """The level answer and the table /statistik uses must not drift apart."""
    entry = next((e for e in entries if e.id == LEVEL_ENTRY), None)
    if entry is None or not levels:
        return []
    percents = sorted({lv.royalty_percent for table in levels.values() for lv in table})
    missing = [f"{p}%" for p in percents if f"{p}%" not in entry.answer]
    if not missing:
        return []
    return [f"{LEVEL_ENTRY}: answer does not state {', '.join(missing)} from shutterstock-levels.yaml"]
