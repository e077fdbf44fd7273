"""The weekly statistics chart (PNG): downloads per platform as stacked bars over recent weeks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot import user_files

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


def chart_file(cache_dir: Path | None, user_id: int, day: date) -> Path:
    """Where a user's chart for `day` is drawn (old charts and copies are swept on the way)."""
    user_files.sweep(cache_dir)
    return user_files.folder(cache_dir, "charts") / f"statistik-{user_id}-{day.isoformat()}.png"
