"""The statistics pages of the National Rapporteur and the national coordinator: the
Eurostat tables of a year (with CSV and XLSX downloads), the trend of registered
victims over the years as a chart with its table and CSV, and the backlog of cases
awaiting each decision. Every page and file refuses with ``policy.rule_statistics``,
the rule the menu asks too, and small cells are empty here as in every export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.lib.views import domain_errors
from haven.statistics import categories as cat
from haven.statistics import charts, exports, selectors
from haven.statistics.forms import tables as table_forms
from haven.statistics.tables import COLUMNS, EurostatSet

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ShownRow:
    label: str
    cells: list[tuple[str, int | None]]  # (column's words, value; None: suppressed)
    total: bool


def _columns() -> list[str]:
    return [str(cat.LABELS[c]) for c in COLUMNS]


def _eurostat_tables(published: EurostatSet) -> list[dict[str, Any]]:
    return [
        {
            "name": table.name,
            "title": table.title,
            "rows": [
                ShownRow(
                    label=exports.row_label(row),
                    cells=[(str(cat.LABELS[c]), table.value(row, c)) for c in COLUMNS],
                    total=all(v == cat.TOTAL for i, v in enumerate(row) if i != 1),
                )
                for row in table.rows
            ],
        }
        for table in published.tables
    ]


def _grid_rows(grid: selectors.Grid, labels: dict[str, str]) -> list[ShownRow]:
    return [
        ShownRow(
            label=labels.get(r, r),
            cells=[(str(cat.LABELS[c]), grid.value(r, c)) for c in grid.columns],
            total=r == cat.TOTAL,
        )
        for r in grid.rows
    ]


def _download(content: str | bytes, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def home_context(user: User, form: table_forms.YearForm) -> dict[str, Any]:
    """The statistics page: the chosen year's Eurostat tables, the trend of ten years."""
    year = form.chosen()
    published = selectors.eurostat(user=user, year=year, output="page")
    first, last = selectors.trend_years()
    trend = selectors.trends(user=user, first=first, last=last, output="page")
    return {
        "nav": "statistics",
        "form": form,
        "year": year,
        "threshold": published.threshold,
        "columns": _columns(),
        "tables": _eurostat_tables(published),
        "trend_rows": _grid_rows(trend, {cat.TOTAL: _("Total")}),
        "chart": charts.grouped_bars(trend),
        "first": first,
        "last": last,
    }


@never_cache
@login_required
@domain_errors
def statistics_home(request: HttpRequest) -> HttpResponse:
    """The Eurostat tables of the chosen year, and the trend over the last ten years."""
    context = home_context(request_user(request), table_forms.YearForm(request.GET or None))
    return render(request, "statistics/home.html", context)


@never_cache
@login_required
@domain_errors
def eurostat_csv(request: HttpRequest) -> HttpResponse:
    year = table_forms.YearForm(request.GET or None).chosen()
    published = selectors.eurostat(user=request_user(request), year=year, output="csv")
    return _download(exports.eurostat_csv(published), name=f"eurostat-{year}.csv", content_type=CSV)


@never_cache
@login_required
@domain_errors
def eurostat_xlsx(request: HttpRequest) -> HttpResponse:
    year = table_forms.YearForm(request.GET or None).chosen()
    published = selectors.eurostat(user=request_user(request), year=year, output="xlsx")
    return _download(
        exports.eurostat_xlsx(published), name=f"eurostat-{year}.xlsx", content_type=XLSX
    )


@never_cache
@login_required
@domain_errors
def trends_csv(request: HttpRequest) -> HttpResponse:
    first, last = selectors.trend_years()
    grid = selectors.trends(user=request_user(request), first=first, last=last, output="csv")
    return _download(
        exports.grid_csv(grid, first="year"),
        name="registered-victims-by-year.csv",
        content_type=CSV,
    )


def _stage_labels() -> dict[str, str]:
    return {
        selectors.POTENTIAL_STAGE: _("Awaiting a reasonable-grounds decision"),
        selectors.PRESUMED_STAGE: _("Awaiting a conclusive decision"),
        cat.TOTAL: _("All awaiting a decision"),
    }


def backlog_context(user: User) -> dict[str, Any]:
    """The backlog page: per decision awaited and sex, the count and the waits."""
    grid = selectors.backlog(user=user, output="page")
    return {"nav": "statistics", "rows": backlog_rows(grid), "threshold": selectors.threshold()}


def backlog_rows(grid: selectors.Grid) -> list[dict[str, Any]]:
    """Per decision awaited: per sex, the count and the median and 90th percentile wait."""
    labels = _stage_labels()
    return [
        {
            "label": labels[r],
            "cells": [
                {
                    "column": str(cat.LABELS[c]),
                    "count": grid.value(r, c),
                    "median": grid.extra[(r, c)]["median"],
                    "p90": grid.extra[(r, c)]["p90"],
                }
                for c in grid.columns
            ],
        }
        for r in grid.rows
    ]


@never_cache
@login_required
@domain_errors
def backlog(request: HttpRequest) -> HttpResponse:
    """Cases awaiting each decision by sex: how many, how long (median, 90th percentile)."""
    return render(request, "statistics/backlog.html", backlog_context(request_user(request)))


@never_cache
@login_required
@domain_errors
def backlog_csv(request: HttpRequest) -> HttpResponse:
    grid = selectors.backlog(user=request_user(request), output="csv")
    text = exports.grid_csv(grid, first="stage", measures=("median", "p90"))
    return _download(text, name="backlog.csv", content_type=CSV)
