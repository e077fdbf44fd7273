"""A week's figures for one platform, as the user noted them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PLATFORMS = ("shutterstock", "adobestock", "freepik", "other")


@dataclass(frozen=True)
class WeekStat:
    week_start: date
    platform: str
    downloads: int
    earnings_minor: int  # in the currency's minor unit: cents for USD, rupiah for IDR
    # Shutterstock only: the downloads of each media type, as the user gave them (None: not asked)
    image_downloads: int | None = None
    video_downloads: int | None = None
    currency: str = "USD"
