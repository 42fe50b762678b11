"""Guardian pages (R-11): the case's guardians and representatives, and the form
to record an appointment. Hidden and missing cases give the same 404
(``domain_errors``); a refusal gives the 403 page with its reason.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.children import forms, selectors, services
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, request_user


@never_cache
@login_required
@domain_errors
def guardian_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Who acts in the child's best interests, from when."""
    view = selectors.guardian_list(user=request_user(request), case_id=case_id)
    context = {"view": view, "case": view.case, "nav": "cases"}
    return render(request, "children/guardian_list.html", context)


@never_cache
@login_required
@domain_errors
def guardian_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the appointment; it closes the blocking task."""
    user = request_user(request)
    view = selectors.guardian_list(user=user, case_id=case_id)
    form = forms.GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            organisation = data["guardian_organisation"]
            services.guardian_appoint(
                actor=user,
                case_id=case_id,
                kind=data["kind"],
                guardian_name=data["guardian_name"],
                guardian_organisation_id=organisation.pk if organisation is not None else None,
                appointed_on=data["appointed_on"],
                contact=data["contact"],
            )
        except (InvalidInput, Conflict) as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The appointment was recorded."))
            return redirect("children:guardian_list", case_id=case_id)
    status = 400 if form.errors else 200
    context = {"view": view, "case": view.case, "form": form, "nav": "cases"}
    return render(request, "children/guardian_new.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/guardian/", guardian_list, name="guardian_list"),
    path("cases/<uuid:case_id>/guardian/new/", guardian_new, name="guardian_new"),
]
