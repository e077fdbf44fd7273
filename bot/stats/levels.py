"""Shutterstock contributor levels: where a year's downloads put you, per media type, and how far the next is.

Images and videos climb separate tables (`content/shutterstock-levels.yaml`), each counted by that media
type's downloads in the calendar year; both reset to Level 1 on 1 January.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

IMAGE, VIDEO = "image", "video"
MEDIA = (IMAGE, VIDEO)
LEVELS_FILE = "shutterstock-levels.yaml"


@dataclass(frozen=True)
class Level:
    level: int
    min_downloads: int
    royalty_percent: int


@dataclass(frozen=True)
class LevelProgress:
    current: Level
    downloads: int
    next: Level | None

    @property
    def to_next(self) -> int:
        return self.next.min_downloads - self.downloads if self.next else 0


LevelTables = dict[str, tuple[Level, ...]]


def read_levels(content_dir: Path) -> tuple[LevelTables, list[str]]:
    """The level table of each media type, and one line per problem found in the file."""
    path = content_dir / LEVELS_FILE
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        return {}, [f"{LEVELS_FILE}: file missing"]
    except yaml.YAMLError as exc:
        return {}, [f"{LEVELS_FILE}: not valid YAML ({exc})"]
    raw = data.get("levels") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return {}, [f"{LEVELS_FILE}: needs 'levels' with an 'image' and a 'video' table"]
    problems: list[str] = []
    if not data.get("sources"):
        problems.append(f"{LEVELS_FILE}: needs 'sources' (the pages the table comes from)")
    tables: LevelTables = {}
    for media in MEDIA:
        table = _table(raw.get(media), f"{LEVELS_FILE}: {media}", problems)
        if table:
            tables[media] = table
    return tables, problems


def _table(rows: Any, where: str, problems: list[str]) -> tuple[Level, ...]:
    if not isinstance(rows, list) or not rows:
        problems.append(f"{where}: needs a list of levels")
        return ()
    try:
        levels = tuple(Level(int(r["level"]), int(r["min_downloads"]), int(r["royalty_percent"])) for r in rows)
    except (TypeError, KeyError, ValueError):
        problems.append(f"{where}: each level needs level, min_downloads and royalty_percent as whole numbers")
        return ()
    before = len(problems)
    if levels[0].min_downloads != 0 or levels[0].level != 1:
        problems.append(f"{where}: the first level must be Level 1 starting at 0 downloads")
    for lower, upper in pairwise(levels):
        if not (upper.level == lower.level + 1 and upper.min_downloads > lower.min_downloads):
            problems.append(f"{where}: levels must be numbered 1, 2, 3... with rising download thresholds")
            break
        if upper.royalty_percent <= lower.royalty_percent:
            problems.append(f"{where}: the royalty must rise with each level")
            break
    return levels if len(problems) == before else ()


def load_levels(content_dir: Path) -> LevelTables:
    """Both tables, or ValueError naming the first problem."""
    tables, problems = read_levels(content_dir)
    if problems:
        raise ValueError(problems[0])
    return tables


def progress(levels: tuple[Level, ...], downloads: int) -> LevelProgress:
    current = levels[0]
    following: Level | None = None
    for lv in levels:
        if downloads >= lv.min_downloads:
            current = lv
        elif following is None:
            following = lv
    return LevelProgress(current, downloads, following)


def counting_year(week_start: date) -> int:
    """The year a Monday-to-Sunday week's downloads count toward: the year of its Thursday.

    Levels reset on 1 January; a week spanning New Year mostly belongs to the year holding
    its Thursday (the ISO rule), which is the fairest single choice for a weekly figure.
    """
    return (week_start + timedelta(days=3)).year
