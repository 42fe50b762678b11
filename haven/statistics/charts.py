"""Charts drawn on the server as SVG (no script, no third-party library): the shapes
are computed here and written by the template, with a title, a description, and the
same numbers in a table beside the chart. A suppressed count draws no bar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from haven.statistics import categories as cat
from haven.statistics.selectors import Grid

WIDTH, HEIGHT = 640, 260
LEFT, BOTTOM, TOP = 48, 32, 12
# One colour per sex, each at least 3:1 against white (WCAG 2.1 1.4.11), told apart by
# the legend and the table too, never by colour alone.
COLOURS = {
    cat.FEMALE: "#8a3ab9",
    cat.MALE: "#1f6f8b",
    cat.OTHER: "#a35200",
    cat.UNKNOWN: "#5c5c5c",
}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # "2024, female: 12", read by screen readers as the bar's title


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class GroupLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Legend:
    colour: str
    text: str | Promise


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    groups: list[GroupLabel]
    legend: list[Legend]
    baseline: float
    left: int


def _nice_top(peak: int) -> int:
    """The top of the axis: four equal whole steps of 1, 2 or 5 times a power of ten,
    reaching ``peak`` (so that every tick is a distinct round number)."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if 4 * step >= peak:
                return 4 * step
        scale *= 10


def grouped_bars(
    grid: Grid,
    *,
    series: Sequence[str] = cat.SEXES,
    colours: Mapping[str, str] = COLOURS,
    labels: Mapping[str, str | Promise] = cat.LABELS,
    row_labels: Mapping[str, str] | None = None,
) -> BarChart:
    """One group of bars per row of ``grid`` (its total row left out), one bar a series
    (coloured and named by ``colours`` and ``labels``; a row named by ``row_labels``)."""
    row_labels = row_labels or {}
    rows = [r for r in grid.rows if r != cat.TOTAL]
    values = [grid.value(r, s) for r in rows for s in series]
    top = _nice_top(max([v for v in values if v is not None] + [1]))
    plot_h = HEIGHT - BOTTOM - TOP
    group_w = (WIDTH - LEFT) / max(1, len(rows))
    bar_w = group_w * 0.8 / len(series)
    bars, groups = [], []
    for i, row in enumerate(rows):
        x0 = LEFT + i * group_w + group_w * 0.1
        name = row_labels.get(row, row)
        groups.append(GroupLabel(x=round(x0 + group_w * 0.4, 1), text=name))
        for j, s in enumerate(series):
            value = grid.value(row, s)
            if not value:
                continue
            h = plot_h * value / top
            bars.append(
                Bar(
                    x=round(x0 + j * bar_w, 1),
                    y=round(TOP + plot_h - h, 1),
                    width=round(bar_w - 1, 1),
                    height=round(h, 1),
                    colour=colours[s],
                    label=f"{name}, {labels[s]}: {value}",
                )
            )
    ticks = [Tick(y=round(TOP + plot_h - plot_h * k / 4, 1), value=top * k // 4) for k in range(5)]
    legend = [Legend(colour=colours[s], text=labels[s]) for s in series]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        groups=groups,
        legend=legend,
        baseline=TOP + plot_h,
        left=LEFT,
    )
