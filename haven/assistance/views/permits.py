"""Residence permits (R-16) and detention records of a case: the list, the form
to record a permit, the form to renew one, and the detention forms. The legal
field group, as the services and selectors decide it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives
the 403 page with its reason. The forms post and redirect, without JavaScript.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.assistance.forms import permits as permit_forms
from haven.assistance.selectors import permits as selectors
from haven.assistance.services import permits as services
from haven.lib.errors import Conflict, EditConflict, InvalidInput
from haven.lib.views import domain_errors, edit_conflict, form_error, form_post


def _page(
    request: HttpRequest, case_id: uuid.UUID, status: int = 200, **forms_: Any
) -> HttpResponse:
    view = selectors.permits_get(user=request_user(request), case_id=case_id)
    context = {
        "view": view,
        "case": view.case,
        "permit_form": forms_.get("permit_form") or permit_forms.PermitForm(),
        "detention_form": forms_.get("detention_form") or permit_forms.DetentionForm(),
        "release_form": forms_.get("release_form") or permit_forms.DetentionEndForm(),
        "nav": "cases",
    }
    return render(request, "assistance/permit_list.html", context, status=status)


@never_cache
@login_required
@domain_errors
def permit_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's permits and detention records, with the forms (legal group)."""
    return _page(request, case_id)


def _post(
    request: HttpRequest,
    case_id: uuid.UUID,
    form: forms.Form,
    name: str,
    write: Callable[[Any], object],
    done: str,
) -> HttpResponse:
    return form_post(
        request,
        form,
        write,
        done=done,
        to=reverse("assistance:permit_list", kwargs={"case_id": case_id}),
        again=lambda f: _page(request, case_id, status=400, **{name: f}),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def permit_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        permit_forms.PermitForm(request.POST),
        "permit_form",
        lambda f: services.permit_record(actor=user, case_id=case_id, data=f.permit_input()),
        _("The residence permit was recorded."),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def detention_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        permit_forms.DetentionForm(request.POST),
        "detention_form",
        lambda f: services.detention_record(actor=user, case_id=case_id, **f.cleaned_data),
        _("The detention was recorded."),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def detention_end(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        permit_forms.DetentionEndForm(request.POST),
        "release_form",
        lambda f: services.detention_end(actor=user, case_id=case_id, **f.cleaned_data),
        _("The end of detention was recorded."),
    )


@never_cache
@login_required
@domain_errors
def permit_renew(request: HttpRequest, case_id: uuid.UUID, permit_id: int) -> HttpResponse:
    """GET: the renewal form; POST: record the renewal (the expiry alert moves)."""
    user = request_user(request)
    view = selectors.permits_get(user=user, case_id=case_id)
    permit = next((p for p in view.permits if p.id == permit_id), None)
    if permit is None:
        raise Http404(_("Not found."))  # the same 404 as a hidden case
    form = permit_forms.RenewForm(
        request.POST if request.method == "POST" else None, initial={"version": permit.version}
    )
    status = 200
    conflict = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.permit_renew(actor=user, permit_id=permit_id, **form.cleaned_data)
            except EditConflict as exc:
                # Someone renewed it meanwhile: keep what was typed, show what is saved now.
                view = selectors.permits_get(user=user, case_id=case_id)
                permit = next(p for p in view.permits if p.id == permit_id)
                saved = [(_("Expires on"), date_format(permit.expires_on))]
                data, conflict = edit_conflict(
                    exc, data=request.POST, version=permit.version, saved=saved
                )
                form = permit_forms.RenewForm(data)
                status = 409
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The renewal was recorded."))
                return redirect("assistance:permit_list", case_id=case_id)
    context = {
        "view": view,
        "case": view.case,
        "permit": permit,
        "form": form,
        "conflict": conflict,
        "nav": "cases",
    }
    return render(request, "assistance/permit_renew.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/permits/", permit_list, name="permit_list"),
    path("cases/<uuid:case_id>/permits/record/", permit_record, name="permit_record"),
    path("cases/<uuid:case_id>/permits/<int:permit_id>/renew/", permit_renew, name="permit_renew"),
    path("cases/<uuid:case_id>/detention/", detention_record, name="detention_record"),
    path("cases/<uuid:case_id>/detention/end/", detention_end, name="detention_end"),
]
