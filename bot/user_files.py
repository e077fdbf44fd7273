"""Files made for one user (statistics charts, `/dataku` copies): where they go and when they go away.

They live in the cache folder, never beside the database, named with the user's id. Each is sent right
after it is written, so a day later it is only a risk on disk: old ones are swept whenever a new one is
made and by the daily retention run, and `/hapusdata` removes a user's at once.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600
KINDS = {"charts": "statistik", "exports": "kawan-dataku"}  # folder -> file name prefix


def folder(cache_dir: Path | None, kind: str) -> Path:
    assert kind in KINDS, kind
    return (cache_dir if cache_dir is not None else Path(tempfile.gettempdir()) / "kawan") / kind


def sweep(cache_dir: Path | None, now: float | None = None) -> int:
    """Remove every user file older than a day; returns how many went."""
    cutoff = (time.time() if now is None else now) - KEEP_SECONDS
    return sum(
        _unlink(path)
        for kind, prefix in KINDS.items()
        for path in _glob(cache_dir, kind, f"{prefix}-*")
        if _older(path, cutoff)
    )


def remove_for(cache_dir: Path | None, user_id: int) -> int:
    """Remove every file made for `user_id` (`statistik-12-…` is never user 1's)."""
    return sum(_unlink(p) for kind, prefix in KINDS.items() for p in _glob(cache_dir, kind, f"{prefix}-{user_id}-*"))


def _glob(cache_dir: Path | None, kind: str, pattern: str) -> list[Path]:
    where = folder(cache_dir, kind)
    return list(where.glob(pattern)) if where.is_dir() else []


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except OSError:
        return False  # another process removed it first


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0
