"""The map of the Baltic Sea region states drawn on the server as SVG (issue 15): a
choropleth of each state's registered victims of a year, from its own protected release
(never raw data, never added across states), with its numbers in a table and a CSV.

The outlines are ``data/baltic-map.json``: Natural Earth's 1:50m countries (public
domain) from the npm package ``world-atlas`` 2.0.2, projected (Lambert azimuthal
equal-area centred on 10° E, 60° N) and simplified by ``scripts/baltic_map.py``; nothing
is fetched or decoded at run time.

Colour is never the only carrier: each state prints its figure on itself ("≥ 12" for a
lower bound), a suppressed state and a state without a figure are hatched with their own
pattern, every state has a ``<title>``, and the table beside the map holds the same
numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from haven.lib import cldr
from haven.statistics import charts, exports
from haven.statistics.selectors_exchange import FigureStatus, StateFigure

DATA = Path(__file__).resolve().parent / "data" / "baltic-map.json"
# A sequential scale (ColorBrewer Blues), light to dark; the figure printed on each
# state and the table tell the classes apart without colour.
CLASS_COLOURS = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")
# The patterns of a state without a figure to colour (ids in ``_map.html``).
SUPPRESSED, MISSING = "suppressed", "missing"
PATTERN_OF = {
    FigureStatus.SUPPRESSED: SUPPRESSED,
    FigureStatus.NO_FIGURE: MISSING,
    FigureStatus.NO_RELEASE: MISSING,
}


@cache
def outlines() -> dict[str, Any]:
    """The generated outlines (read once)."""
    data: dict[str, Any] = json.loads(DATA.read_text("utf-8"))
    return data


@dataclass(frozen=True)
class MapClass:
    """A class of the legend: the figures from ``low`` to ``high``, one colour."""

    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}"


@dataclass(frozen=True)
class MapState:
    code: str
    name: str
    d: str  # the SVG path
    fill: str  # a class colour, or "" when ``pattern`` hatches it
    pattern: str  # SUPPRESSED, MISSING or ""
    x: float  # where its figure is printed
    y: float
    text: str  # the figure printed on the state ("" when there is none)
    title: str  # the state and its figure, read by screen readers


@dataclass(frozen=True)
class ChoroplethMap:
    width: int
    height: int
    context: str  # the neighbouring countries' land, drawn grey
    states: list[MapState]
    classes: list[MapClass]
    source: str


def classes(figures: Sequence[StateFigure]) -> list[MapClass]:
    """Four classes of equal width from 0 up to a round top reaching the largest figure
    (the bar charts' axis: ``charts._nice_top``)."""
    peak = max([f.figure for f in figures if f.figure is not None] + [1])
    step = charts._nice_top(peak) // 4
    return [
        MapClass(low=0 if k == 0 else k * step + 1, high=(k + 1) * step, colour=colour)
        for k, colour in enumerate(CLASS_COLOURS)
    ]


def class_of(figure: int, scale: Sequence[MapClass]) -> MapClass:
    return next(c for c in scale if figure <= c.high)


def describe(figure: StateFigure, *, year: int) -> str:
    """What the figure of a state is, in words (the table's note, the map's title)."""
    if figure.status == FigureStatus.PUBLISHED:
        return str(figure.figure)
    if figure.status == FigureStatus.LOWER_BOUND:
        return _("at least %(figure)d (some cells too small to publish)") % {
            "figure": figure.figure
        }
    if figure.status == FigureStatus.SUPPRESSED:
        return _("suppressed (too few to publish)")
    if figure.status == FigureStatus.NO_FIGURE:
        return _("no figure for %(year)d in its release") % {"year": year}
    return _("no release received")


def printed(figure: StateFigure) -> str:
    """The figure printed on the state: the number, "≥ n" for a lower bound."""
    if figure.status == FigureStatus.PUBLISHED:
        return str(figure.figure)
    if figure.status == FigureStatus.LOWER_BOUND:
        return f"≥ {figure.figure}"
    return ""


def baltic_map(figures: Sequence[StateFigure], *, year: int) -> ChoroplethMap:
    """The map of the states in ``figures`` that it has outlines for."""
    data = outlines()
    scale = classes(figures)
    states = []
    for figure in figures:
        outline = data["states"].get(figure.state)
        if outline is None:
            continue
        name = cldr.country_name(figure.state)
        colour = "" if figure.figure is None else class_of(figure.figure, scale).colour
        states.append(
            MapState(
                code=figure.state,
                name=name,
                d=outline["d"],
                fill=colour,
                pattern=PATTERN_OF.get(figure.status, ""),
                x=outline["label"][0],
                y=outline["label"][1],
                text=printed(figure),
                title=_("%(state)s: %(figure)s")
                % {"state": name, "figure": describe(figure, year=year)},
            )
        )
    return ChoroplethMap(
        width=data["width"],
        height=data["height"],
        context=data["context"],
        states=states,
        classes=scale,
        source=data["source"],
    )


@dataclass(frozen=True)
class FigureRow:
    """A row of the map's table."""

    state: str
    name: str
    figure: int | None
    status: str
    note: str


def figure_rows(figures: Sequence[StateFigure], *, year: int) -> list[FigureRow]:
    return [
        FigureRow(
            state=f.state,
            name=cldr.country_name(f.state),
            figure=f.figure,
            status=f.status,
            note="" if f.status == FigureStatus.PUBLISHED else describe(f, year=year),
        )
        for f in figures
    ]


def figures_csv(figures: Sequence[StateFigure], *, year: int) -> str:
    """``state,year,registered_victims,status``: the map's numbers, an empty figure where
    there is none; ``lower_bound`` marks a sum with cells suppressed."""
    rows: list[Sequence[object]] = [["state", "year", "registered_victims", "status"]]
    rows.extend([f.state, year, "" if f.figure is None else f.figure, f.status] for f in figures)
    return exports._csv(rows)
