"""Shutterstock contributor levels: where a year's downloads put you, and how far the next level is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml


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


def load_levels(content_dir: Path) -> tuple[Level, ...]:
    data = yaml.safe_load((content_dir / "shutterstock-levels.yaml").read_text(encoding="utf-8"))
    levels = tuple(sorted((Level(**item) for item in data["levels"]), key=lambda lv: lv.min_downloads))
    if not levels or levels[0].min_downloads != 0:
        raise ValueError("shutterstock-levels.yaml: the first level must start at 0 downloads")
    return levels


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
