"""The centres of a country's regions (``data/regions.yaml``): where a place of
danger or the services a plan needs are, to the precision of a region."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "regions.yaml"


@cache
def _centres() -> dict[str, dict[str, tuple[float, float]]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {
        country: {name: (float(lat), float(lon)) for name, (lat, lon) in regions.items()}
        for country, regions in raw.items()
    }


def regions(country: str) -> list[str]:
    """The region names of a country, in alphabetical order (none: an unknown country)."""
    return sorted(_centres().get(country, {}))


def centre(country: str, region: str) -> tuple[float, float] | None:
    """A region's centre, or None for a region Haven does not know."""
    return _centres().get(country, {}).get(region)
