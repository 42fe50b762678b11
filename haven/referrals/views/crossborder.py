"""Cross-border referral pages (R-13, R-48, R-50): the transfers list with its
acknowledgement state, the export form (the package downloads as a file), the
import in two steps (upload → preview → confirm; the package travels in the
POST, never on disk), the acknowledgement download, and the partner focal
points (system administrators register them; everyone sees the fingerprints).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import Role
from haven.cases.views.guards import records_on_case
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound
from haven.lib.views import domain_errors, forbidden
from haven.referrals import packages
from haven.referrals.forms import crossborder as crossborder_forms
from haven.referrals.selectors import crossborder as selectors
from haven.referrals.services import crossborder as services


def _add_error(form: forms.Form, exc: HavenError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _download(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@domain_errors
def crossborder_list(request: HttpRequest) -> HttpResponse:
    """Transfers of the user's cases, with their acknowledgement state."""
    user = request_user(request)
    context = {
        "transfers": selectors.transfer_list(user=user),
        "configured": services.is_configured(),
        "nav": "referrals",
    }
    return render(request, "referrals/crossborder_list.html", context)


@never_cache
@login_required
@domain_errors
@records_on_case
def crossborder_export(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the export form (case lead); POST: the package, as a file download."""
    user = request_user(request)
    if not services.is_configured():
        return forbidden(request, reason=_not_configured())
    options = selectors.export_options(user=user, case_id=case_id)
    # ``?stage=return``: a return plan's hand-over link opens the form on that stage.
    initial = {"stage": request.GET.get("stage", "")}
    form = crossborder_forms.ExportForm(request.POST or None, options=options, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                exported = services.crossborder_export(
                    actor=user,
                    case_id=case_id,
                    partner_id=form.cleaned_data["partner"],
                    stage=form.cleaned_data["stage"],
                    consent_id=form.cleaned_data["consent"],
                )
            except (InvalidInput, Conflict, NotAllowed, NotFound) as exc:
                _add_error(form, exc)
            else:
                name = f"haven-referral-{exported.transfer.package_id}.json"
                return _download(exported.package, name)
    context = {"case": options.case, "form": form, "nav": "cases"}
    return render(request, "referrals/crossborder_export.html", context, status=status)


def _not_configured() -> str:
    return _("Cross-border referral is not configured on this Haven.")


@never_cache
@login_required
@domain_errors
def crossborder_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (everything or nothing)."""
    user = request_user(request)
    form = crossborder_forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        context = {"form": form, "configured": services.is_configured(), "nav": "referrals"}
        return render(request, "referrals/crossborder_import.html", context, status=status)
    package = form.cleaned_data["package"]
    try:
        if request.POST.get("confirm") == "1":
            imported = services.crossborder_import(actor=user, package=package)
        else:
            received = services.crossborder_preview(actor=user, package=package)
            context = {"received": received, "package": package, "nav": "referrals"}
            return render(request, "referrals/crossborder_preview.html", context)
    except (InvalidInput, Conflict, NotAllowed, NotFound) as exc:
        _add_error(form, exc)
        context = {"form": form, "configured": services.is_configured(), "nav": "referrals"}
        return render(request, "referrals/crossborder_import.html", context, status=400)
    if imported.case is not None:
        messages.success(request, _("The case was created from the referral package."))
        return redirect("web:case_detail", case_id=imported.case.id)
    messages.success(request, _("The transfer is acknowledged."))
    return redirect("referrals:crossborder_list")


@never_cache
@login_required
@require_POST
@domain_errors
def crossborder_acknowledge(request: HttpRequest, transfer_id: uuid.UUID) -> HttpResponse:
    """The acknowledgement package of an imported referral, as a file download."""
    exported = services.crossborder_acknowledge(
        actor=request_user(request), transfer_id=transfer_id
    )
    header = packages.envelope_parse(exported.package).header
    return _download(exported.package, f"haven-acknowledgement-{header.package_id}.json")


@never_cache
@login_required
@domain_errors
def crossborder_partners(request: HttpRequest) -> HttpResponse:
    """Partner focal points with fingerprints; system administrators add them."""
    user = request_user(request)
    may_add = user.role == Role.SYSTEM_ADMIN
    form = crossborder_forms.PartnerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.partner_key_add(actor=user, **form.cleaned_data)
            except (InvalidInput, Conflict) as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("The partner focal point was registered."))
                return redirect("referrals:crossborder_partners")
    own = None
    if services.is_configured():
        own = services.own_keys()
    context = {
        "partners": selectors.partner_list(),
        "own": own,
        "form": form if may_add else None,
        "nav": "referrals",
    }
    return render(request, "referrals/crossborder_partners.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("crossborder/", crossborder_list, name="crossborder_list"),
    path("crossborder/import/", crossborder_import, name="crossborder_import"),
    path("crossborder/partners/", crossborder_partners, name="crossborder_partners"),
    path(
        "crossborder/<uuid:transfer_id>/acknowledge/",
        crossborder_acknowledge,
        name="crossborder_acknowledge",
    ),
    path(
        "cases/<uuid:case_id>/crossborder/export/",
        crossborder_export,
        name="crossborder_export",
    ),
]
