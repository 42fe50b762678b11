"""The standard exchange pages (issue 15): the National Rapporteur exports the
country's statistics as HTCDS, as the k-anonymous CTDC-compatible release and as the
signed regional file, imports HTCDS datasets and other states' releases, and sees the
regional trends side by side. The national coordinator may look and export.

Exports are POSTs (each is audited) answered with the file; imports show the report of
what was kept and what could not be carried.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.lib.errors import InvalidInput
from haven.lib.views import domain_errors
from haven.statistics import htcds, maps
from haven.statistics import selectors_exchange as selectors
from haven.statistics import services_exchange as services
from haven.statistics.forms import exchange as forms
from haven.statistics.forms import tables as table_forms

HOME = "statistics/exchange/home.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _home(request: HttpRequest, user: User, status: int = 200, **extra: Any) -> HttpResponse:
    country = selectors.country_of(user)
    year_form = table_forms.YearForm(request.GET or None)
    year = year_form.chosen()
    trends = services.regional_trends(country=country)
    figures = selectors.year_figures(trends, year=year)
    context: dict[str, Any] = {
        "country": country,
        "may_import": selectors.may_import(user),
        "trends": trends,
        "year": year,
        "year_form": year_form,
        "map": maps.baltic_map(figures, year=year),
        "map_rows": maps.figure_rows(figures, year=year),
        "datasets": selectors.external_datasets(country=country),
        "not_held": htcds.export_not_carried(),
        "export_form": forms.HtcdsExportForm(),
        "htcds_form": forms.HtcdsImportForm(),
        "release_form": forms.ReleaseImportForm(),
        "imported_dataset": None,
        "imported_release": None,
        "nav": "statistics",
    }
    context.update(extra)
    return render(request, HOME, context, status=status)


@never_cache
@login_required
@domain_errors
def exchange_home(request: HttpRequest) -> HttpResponse:
    """Exports, imports and the regional trends of the user's country."""
    return _home(request, request_user(request))


@never_cache
@login_required
@domain_errors
def regional_map_csv(request: HttpRequest) -> HttpResponse:
    """The regional map's numbers of the chosen year (the last complete one by default)."""
    year = table_forms.YearForm(request.GET or None).chosen()
    content = services.regional_map_csv(actor=request_user(request), year=year)
    return _download(content.encode("utf-8"), f"regional-map-{year}.csv", "text/csv; charset=utf-8")


@never_cache
@login_required
@require_POST
@domain_errors
def htcds_export(request: HttpRequest) -> HttpResponse:
    """The k-anonymous HTCDS file, its report as a page, or the report as the file's
    companion (JSON); each is an audited export."""
    user = request_user(request)
    form = forms.HtcdsExportForm(request.POST)
    if not form.is_valid():
        return _home(request, user, status=400, export_form=form)
    file_format = form.cleaned_data["file_format"]
    export = services.htcds_export(actor=user, file_format=file_format)
    part = request.POST.get("part", "file")
    if part == "report":
        context = {"report": export.report, "file_format": file_format, "nav": "statistics"}
        return render(request, "statistics/exchange/htcds_report.html", context)
    if part == "companion":
        content = json.dumps(export.report, indent=2, sort_keys=True).encode("utf-8")
        return _download(content, "htcds-2.0-report.json", "application/json")
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX
    return _download(export.content, f"htcds-2.0.{file_format}", content_type)


@never_cache
@login_required
@require_POST
@domain_errors
def ctdc_export(request: HttpRequest) -> HttpResponse:
    """The k-anonymous release: its report as a page, or its records as a CSV file."""
    user = request_user(request)
    release = services.ctdc_release(actor=user)
    if request.POST.get("part") == "file":
        return _download(release.content, "ctdc-release.csv", "text/csv; charset=utf-8")
    context = {"report": release.report, "nav": "statistics"}
    return render(request, "statistics/exchange/ctdc_report.html", context)


@never_cache
@login_required
@require_POST
@domain_errors
def regional_export(request: HttpRequest) -> HttpResponse:
    content = services.regional_export(actor=request_user(request))
    return _download(content, "regional-release.haven", "text/plain; charset=us-ascii")


@never_cache
@login_required
@require_POST
@domain_errors
def htcds_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    selectors.country_of(user, importing=True)
    form = forms.HtcdsImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            dataset = services.external_dataset_import(
                actor=user, content=form.cleaned_data["file"], source=form.cleaned_data["source"]
            )
        except InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            return _home(request, user, imported_dataset=dataset)
    return _home(request, user, status=400, htcds_form=form)


@never_cache
@login_required
@require_POST
@domain_errors
def release_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    selectors.country_of(user, importing=True)
    form = forms.ReleaseImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            row = services.regional_release_import(actor=user, content=form.cleaned_data["file"])
        except InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            return _home(request, user, imported_release=row)
    return _home(request, user, status=400, release_form=form)
