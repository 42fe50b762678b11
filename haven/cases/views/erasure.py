"""The case's erasure page (issue 12): erasure requests with a second approver,
and legal holds. One page shows everything; each form posts to its own address
and a refusal comes back on the page, beside the field it names. Who sees what
is decided by the rules the services refuse with (``cases.selectors``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases import forms, selectors, services
from haven.lib.errors import Conflict, InvalidInput, NotAllowed
from haven.lib.views import domain_errors, form_error


def _page(
    request: HttpRequest, user: User, case_id: object, status: int = 200, **forms_: Any
) -> HttpResponse:
    page = selectors.erasure_page(user=user, case_id=case_id)
    context = {
        "page": page,
        "case": page.case,
        "request_form": forms_.get("request_form") or forms.ErasureRequestForm(),
        "refuse_form": forms_.get("refuse_form") or forms.ErasureRefuseForm(),
        "refusing": forms_.get("refusing"),
        "hold_form": forms_.get("hold_form") or forms.LegalHoldForm(),
    }
    return render(request, "cases/erasure.html", context, status=status)


@never_cache
@login_required
@domain_errors
def erasure_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Erasure requests and legal holds of one case."""
    user = request_user(request)
    if request.method != "POST":
        return _page(request, user, case_id)
    form = forms.ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            services.erasure_request(actor=user, case_id=case_id, **form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("Erasure requested: another supervisor of the case lead will answer.")
            )
            return redirect("cases:erasure", case_id=case_id)
    return _page(request, user, case_id, status=400, request_form=form)


@never_cache
@login_required
@require_POST
@domain_errors
def erasure_approve(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """A second supervisor of the lead approves: the person is erased at once."""
    user = request_user(request)
    case_id = selectors.erasure_request_case_id(request_id)
    try:
        services.erasure_approve(actor=user, request_id=request_id)
    except (Conflict, NotAllowed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Approved: the person's data was erased."))
    return redirect("cases:erasure", case_id=case_id)


@never_cache
@login_required
@require_POST
@domain_errors
def erasure_refuse(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """A second supervisor of the lead refuses, saying why."""
    user = request_user(request)
    case_id = selectors.erasure_request_case_id(request_id)
    form = forms.ErasureRefuseForm(request.POST)
    if form.is_valid():
        try:
            services.erasure_refuse(
                actor=user, request_id=request_id, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            form_error(form, exc)
        except (Conflict, NotAllowed) as exc:
            # Answered meanwhile, or not theirs to answer: the page no longer offers the form.
            messages.error(request, exc.message)
            return redirect("cases:erasure", case_id=case_id)
        else:
            messages.success(request, _("The erasure request was refused."))
            return redirect("cases:erasure", case_id=case_id)
    return _page(request, user, case_id, status=400, refuse_form=form, refusing=request_id)


@never_cache
@login_required
@require_POST
@domain_errors
def legal_hold_place(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Keep the person's data from erasure and retention, for a legal reason."""
    user = request_user(request)
    form = forms.LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_place(actor=user, case_id=case_id, **form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Legal hold placed."))
            return redirect("cases:erasure", case_id=case_id)
    return _page(request, user, case_id, status=400, hold_form=form)


@never_cache
@login_required
@require_POST
@domain_errors
def legal_hold_lift(request: HttpRequest, hold_id: uuid.UUID) -> HttpResponse:
    """End a legal hold in force."""
    hold = services.legal_hold_lift(actor=request_user(request), hold_id=hold_id)
    messages.success(request, _("Legal hold lifted."))
    return redirect("cases:erasure", case_id=hold.case_id)


urlpatterns = [
    path("<uuid:case_id>/erasure/", erasure_page, name="erasure"),
    path("erasure/<uuid:request_id>/approve/", erasure_approve, name="erasure_approve"),
    path("erasure/<uuid:request_id>/refuse/", erasure_refuse, name="erasure_refuse"),
    path("<uuid:case_id>/legal-holds/", legal_hold_place, name="legal_hold_place"),
    path("legal-holds/<uuid:hold_id>/lift/", legal_hold_lift, name="legal_hold_lift"),
]
