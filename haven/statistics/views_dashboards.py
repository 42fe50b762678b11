"""The dashboards beside the trend and the backlog: deadlines met, referral response
times and registered victims by region, each a page (chart, table) and a CSV; and the
annual report as PDF. The same rule as every statistics page refuses them
(``policy.rule_statistics``, through the selectors), and every read is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.audit import services as audit
from haven.lib.views import domain_errors
from haven.statistics import dashboards, report, selectors
from haven.statistics import selectors_dashboards as dash
from haven.statistics.forms import tables as table_forms
from haven.statistics.views import CSV, _download

PDF = "application/pdf"


def _year(request: HttpRequest) -> tuple[table_forms.YearForm, int]:
    form = table_forms.YearForm(request.GET or None)
    return form, form.chosen()


def _reader(request: HttpRequest) -> dict[str, Any]:
    """Who reads, and the country they read (or the refusal)."""
    user = request_user(request)
    country = selectors.reader_country(user)
    return {"actor": audit.actor_of(user), "country": country}


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form, year = _year(request)
    context |= {"nav": "statistics", "form": form, "year": year, "threshold": selectors.threshold()}
    return render(request, template, context)


@never_cache
@login_required
@domain_errors
def deadlines(request: HttpRequest) -> HttpResponse:
    """Deadlines done on time, done late and open overdue, by year and by kind."""
    __, year = _year(request)
    context = dashboards.deadlines_context(**_reader(request), year=year)
    return _page(request, "statistics/deadlines.html", context)


@never_cache
@login_required
@domain_errors
def deadlines_csv(request: HttpRequest) -> HttpResponse:
    __, year = _year(request)
    met = dash.deadlines_met(user=request_user(request), year=year, output="csv")
    return _download(dashboards.deadlines_csv(met), name=f"deadlines-{year}.csv", content_type=CSV)


@never_cache
@login_required
@domain_errors
def referrals(request: HttpRequest) -> HttpResponse:
    """Referrals sent in the year per type: answered, within target, declined, hours."""
    __, year = _year(request)
    context = dashboards.referrals_context(**_reader(request), year=year)
    return _page(request, "statistics/referrals.html", context)


@never_cache
@login_required
@domain_errors
def referrals_csv(request: HttpRequest) -> HttpResponse:
    __, year = _year(request)
    times = dash.referral_response_times(user=request_user(request), year=year, output="csv")
    return _download(
        dashboards.referrals_csv(times),
        name=f"referral-response-times-{year}.csv",
        content_type=CSV,
    )


@never_cache
@login_required
@domain_errors
def regions(request: HttpRequest) -> HttpResponse:
    """Registered victims of the year by region of the lead organisation and sex."""
    __, year = _year(request)
    context = dashboards.regions_context(**_reader(request), year=year)
    return _page(request, "statistics/regions.html", context)


@never_cache
@login_required
@domain_errors
def regions_csv(request: HttpRequest) -> HttpResponse:
    __, year = _year(request)
    grid = dash.by_region(user=request_user(request), year=year, output="csv")
    return _download(dashboards.regions_csv(grid), name=f"regions-{year}.csv", content_type=CSV)


@never_cache
@login_required
@domain_errors
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    """The year's annual report as PDF: tables, charts and method notes."""
    pdf = report.report_pdf(user=request_user(request), year=year)
    return _download(pdf, name=f"statistics-report-{year}.pdf", content_type=PDF)
