"""The capacity page: free places now per region and kind, and how beds in service,
held and free changed day by day over the last weeks, as an SVG chart (title,
description, no script) with the same numbers in a table beside it and as CSV.
The national coordinator sees the country; a provider its own places
(``policy.rule_capacity``, the rule the menu asks too). Counts only: no address,
no coordinates, no person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.accounts.current import request_user
from haven.lib.views import domain_errors
from haven.shelters.forms.places import WeeksForm
from haven.shelters.models import PlaceKind
from haven.shelters.selectors import capacity
from haven.shelters.selectors import places as place_selectors

CSV = "text/csv; charset=utf-8"
WIDTH, HEIGHT = 640, 260
LEFT, BOTTOM, TOP = 48, 32, 12
# Each at least 3:1 against white (WCAG 2.1 1.4.11); told apart by the legend, the
# dash pattern and the table too, never by colour alone.
SERIES = (
    ("beds", "#1f6f8b", ""),
    ("held", "#a35200", "6 4"),
    ("free", "#2e7d32", "2 3"),
)


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    colour: str
    dash: str
    points: str  # "x,y x,y ..." for a <polyline>


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class DayLabel:
    x: float
    text: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    baseline: float
    lines: list[Line]
    ticks: list[Tick]
    labels: list[DayLabel]


def _top(peak: int) -> int:
    step = 1
    while step * 10 < peak:
        step *= 10
    return max(4, ((peak + step - 1) // step) * step)


def line_chart(history: capacity.History, key: str) -> LineChart:
    """One line per measure (in service, held, free) over the days, for ``key``."""
    counts = [day.counts[key] for day in history.days]
    top = _top(max([c.beds for c in counts] + [c.held for c in counts] + [1]))
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - 8) / max(1, len(counts) - 1)
    labels_ = {"beds": _("Beds in service"), "held": _("Held"), "free": _("Free")}

    def y(value: int) -> float:
        return round(TOP + plot_h - plot_h * value / top, 1)

    lines = [
        Line(
            name=name,
            label=labels_[name],
            colour=colour,
            dash=dash,
            points=" ".join(
                f"{round(LEFT + i * step, 1)},{y(getattr(c, name))}" for i, c in enumerate(counts)
            ),
        )
        for name, colour, dash in SERIES
    ]
    labels = [
        DayLabel(x=round(LEFT + i * step, 1), text=day.day.strftime("%d.%m."))
        for i, day in enumerate(history.days)
        if i % 7 == 0
    ]
    ticks = [Tick(y=y(top * k // 4), value=top * k // 4) for k in range(5)]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        baseline=TOP + plot_h,
        lines=lines,
        ticks=ticks,
        labels=labels,
    )


@never_cache
@login_required
@require_GET
@domain_errors
def capacity_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = WeeksForm(request.GET or None)
    weeks = form.weeks_or_default()
    now = capacity.capacity_now(user=user)
    history = capacity.capacity_history(user=user, weeks=weeks)
    region = request.GET.get("region", "")
    key = region if region in history.regions else capacity.TOTAL
    coordinator = place_selectors.may_list_country(user)
    context = {
        "form": form,
        "weeks": weeks,
        "now": now,
        "kinds": dict(PlaceKind.choices),
        "history": history,
        "key": key,
        "region": "" if key == capacity.TOTAL else key,
        "chart": line_chart(history, key),
        "table": [(day.day, day.counts[key]) for day in history.days],
        "coordinator": coordinator,
        "nav": "capacity",
    }
    return render(request, "shelters/capacity/page.html", context)


@never_cache
@login_required
@require_GET
@domain_errors
def capacity_csv(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    weeks = WeeksForm(request.GET or None).weeks_or_default()
    history = capacity.capacity_history(user=user, weeks=weeks)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(capacity.history_csv_rows(history))
    response = HttpResponse(buffer.getvalue(), content_type=CSV)
    response["Content-Disposition"] = 'attachment; filename="shelter-capacity.csv"'
    return response
