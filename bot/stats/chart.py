"""The weekly statistics chart (PNG): downloads per platform as stacked bars over recent weeks."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

PLATFORM_COLOURS = {"shutterstock": "#e8384f", "adobestock": "#2d6ccb", "freepik": "#1bb57a", "other": "#9a9a9a"}


def render_chart(
    weeks: list[date],
    downloads: dict[str, list[int]],
    labels: dict[str, str],
    week_label: list[str],
    title: str,
    path: Path,
) -> Path:
    """Draw and save; matplotlib is imported here so start-up does not pay for it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    try:
        bottom = [0] * len(weeks)
        for platform, values in downloads.items():
            ax.bar(week_label, values, bottom=bottom, label=labels[platform], color=PLATFORM_COLOURS[platform])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path


KEEP_SECONDS = 24 * 3600  # a chart is sent right after it is drawn; a day later it is only clutter


def chart_file(cache_dir: Path | None, user_id: int, day: date) -> Path:
    """Where a user's chart for `day` is drawn: the cache folder, never beside the database.

    Charts older than a day are removed on the way, so the folder stays small.
    """
    folder = (cache_dir if cache_dir is not None else Path(tempfile.gettempdir()) / "kawan") / "charts"
    if folder.is_dir():
        cutoff = time.time() - KEEP_SECONDS
        for old in folder.glob("statistik-*.png"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                continue  # another process removed it first
    return folder / f"statistik-{user_id}-{day.isoformat()}.png"
