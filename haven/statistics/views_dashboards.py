"""The dashboards beside the trend and the backlog: deadlines met, referral response
times and registered victims by region, each a page (chart, table) and a CSV; and the
annual report as PDF. The same rule as every statistics page refuses them
(``policy.rule_statistics``, through the selectors), and every read is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.audit import services as audit
from haven.lib.views import domain_errors
from haven.statistics import dashboards, errors, report, selectors
from haven.statistics import selectors_dashboards as dash
from haven.statistics import selectors_programmes as prog
from haven.statistics.forms import tables as table_forms
from haven.statistics.views import CSV, _download

PDF = "application/pdf"


def _year(request: HttpRequest) -> int:
    return table_forms.YearForm(request.GET or None).chosen()


def page_context(user: User, form: table_forms.YearForm, page: str) -> dict[str, Any]:
    """A dashboard page (``page``: deadlines, referrals or regions) of the year chosen in
    ``form``, read as ``user`` (or the statistics refusal)."""
    country = selectors.reader_country(user)
    year = form.chosen()
    build = {
        "deadlines": dashboards.deadlines_context,
        "referrals": dashboards.referrals_context,
        "regions": dashboards.regions_context,
        "accommodation": dashboards.accommodation_context,
        "perpetrators": dashboards.perpetrators_context,
        "programmes": dashboards.programmes_context,
    }[page]
    return {
        **build(actor=audit.actor_of(user), country=country, year=year),
        "nav": "statistics",
        "form": form,
        "year": year,
        "threshold": selectors.threshold(),
    }


def _page(request: HttpRequest, page: str) -> HttpResponse:
    form = table_forms.YearForm(request.GET or None)
    context = page_context(request_user(request), form, page)
    return render(request, f"statistics/{page}.html", context)


@never_cache
@login_required
@domain_errors
def deadlines(request: HttpRequest) -> HttpResponse:
    """Deadlines done on time, done late and open overdue, by year and by kind."""
    return _page(request, "deadlines")


@never_cache
@login_required
@domain_errors
def deadlines_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    met = dash.deadlines_met(user=request_user(request), year=year, output="csv")
    return _download(dashboards.deadlines_csv(met), name=f"deadlines-{year}.csv", content_type=CSV)


@never_cache
@login_required
@domain_errors
def referrals(request: HttpRequest) -> HttpResponse:
    """Referrals sent in the year per type: answered, within target, declined, hours."""
    return _page(request, "referrals")


@never_cache
@login_required
@domain_errors
def referrals_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
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
    return _page(request, "regions")


@never_cache
@login_required
@domain_errors
def regions_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    grid = dash.by_region(user=request_user(request), year=year, output="csv")
    return _download(dashboards.regions_csv(grid), name=f"regions-{year}.csv", content_type=CSV)


@never_cache
@login_required
@domain_errors
def accommodation(request: HttpRequest) -> HttpResponse:
    """Safe accommodation at the end of the year: beds in service, held and free."""
    return _page(request, "accommodation")


@never_cache
@login_required
@domain_errors
def accommodation_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    found = dash.accommodation(user=request_user(request), year=year, output="csv")
    return _download(
        dashboards.accommodation_csv(found), name=f"accommodation-{year}.csv", content_type=CSV
    )


@never_cache
@login_required
@domain_errors
def perpetrators(request: HttpRequest) -> HttpResponse:
    """Perpetrators by role and sex, and employers by sector, of the year."""
    return _page(request, "perpetrators")


@never_cache
@login_required
@domain_errors
def perpetrators_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    found = dash.perpetrators(user=request_user(request), year=year, output="csv")
    return _download(
        dashboards.perpetrators_csv(found), name=f"perpetrators-{year}.csv", content_type=CSV
    )


@never_cache
@login_required
@domain_errors
def programmes(request: HttpRequest) -> HttpResponse:
    """Assistance per programme: services, people served, outcomes, refusals and cost."""
    return _page(request, "programmes")


@never_cache
@login_required
@domain_errors
def programmes_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    found = prog.programmes(user=request_user(request), year=year, output="csv")
    return _download(
        dashboards.programmes_csv(found), name=f"assistance-programmes-{year}.csv", content_type=CSV
    )


@never_cache
@login_required
@domain_errors
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    """The year's annual report as PDF: tables, charts and method notes. There is no
    report of a year Haven cannot count (404), for readers only (403 first)."""
    try:
        pdf = report.report_pdf(user=request_user(request), year=year)
    except errors.YearInvalid as exc:
        raise Http404(exc.message) from exc
    return _download(pdf, name=f"statistics-report-{year}.pdf", content_type=PDF)
