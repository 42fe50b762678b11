"""The Rapporteur's protected releases: the list with the budget left and the form to
make one, a release's page with its table, and its CSV. Plain forms, no JavaScript."""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.current import request_user
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error
from haven.statistics import releases
from haven.statistics.forms.releases import ReleaseForm
from haven.statistics.models import Release
from haven.statistics.services import releases as services


def _list(
    request: HttpRequest, *, form: ReleaseForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    context = {
        "releases": list(releases.release_list(user=user)[:100]),
        "budgets": releases.budget_list(user=user),
        "budget_total": releases.budget_total(),
        "may_release": releases.may_release(user),
        "form": form or ReleaseForm(),
        "nav": "statistics",
    }
    return render(request, "statistics/releases/release_list.html", context, status=status)


@never_cache
@login_required
@require_GET
@domain_errors
def release_list(request: HttpRequest) -> HttpResponse:
    """The country's releases and budgets; the Rapporteur's form to release."""
    return _list(request)


@never_cache
@login_required
@require_POST
@domain_errors
def release_new(request: HttpRequest) -> HttpResponse:
    """Make a release (the Rapporteur only: it spends the budget)."""
    user = request_user(request)
    releases.require_releaser(user)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            release = services.release_create(actor=user, data=form.release_input())
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The protected release was made."))
            return redirect("statistics_releases:release_detail", release_id=release.id)
    return _list(request, form=form, status=400)


@never_cache
@login_required
@require_GET
@domain_errors
def release_detail(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    """One release: its table, ε, the budget left and the method."""
    release = releases.release_get(user=request_user(request), release_id=release_id)
    context = {
        "release": release,
        "grid": releases.release_grid(release),
        "remaining": sorted(release.remaining.items()),
        "nav": "statistics",
    }
    return render(request, "statistics/releases/release_detail.html", context)


def csv_rows(release: Release) -> list[list[str]]:
    """The CSV: the budget and method as comment lines, then one row per cell and
    one per year total (``total`` in the last dimension)."""
    rows: list[list[str]] = [
        [f"# dataset: {release.dataset}/{release.table}, country {release.country}"],
        [f"# epsilon: {release.epsilon}"],
        *(
            [f"# budget remaining {year}: {left}"]
            for year, left in sorted(release.remaining.items())
        ),
        [f"# method: {release.method} (noise scale {release.noise_scale:.3f})"],
        [*release.dimensions, "value"],
    ]
    rows += [[str(part) for part in cell] for cell in release.cells]
    filler = ["total"] * (len(release.dimensions) - 1)
    rows += [[year, *filler, str(total)] for year, total in sorted(release.totals.items())]
    return rows


@never_cache
@login_required
@require_GET
@domain_errors
def release_csv(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    """The release's figures as CSV, with ε and the budget left (audited)."""
    user = request_user(request)
    release = releases.release_get(user=user, release_id=release_id)
    services.release_export(actor=user, release=release, export_format="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="release-{release.id}.csv"'
    csv.writer(response).writerows(csv_rows(release))
    return response
