"""The rights leaflet (HTML and PDF), the record of information given (R-24) and
interpretation: the services field group, as the services and selectors decide it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives the
403 page with its reason. The forms post and redirect, without JavaScript; the
leaflet's language and version are a GET form (codes only, no personal data)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.current import request_user
from haven.assistance import rights
from haven.assistance.forms import rights as rights_forms
from haven.assistance.models import RightsForm
from haven.assistance.selectors import rights as selectors
from haven.assistance.services import rights as services
from haven.lib.views import domain_errors, form_post


def _page(
    request: HttpRequest, case_id: uuid.UUID, status: int = 200, **forms_: Any
) -> HttpResponse:
    view = selectors.rights_get(user=request_user(request), case_id=case_id)
    need = view.need
    context = {
        "view": view,
        "case": view.case,
        "given_form": forms_.get("given_form") or rights_forms.RightsInformationForm(),
        "need_form": forms_.get("need_form")
        or rights_forms.InterpretationNeedForm(
            initial={
                "needed": ("yes" if need.needed else "no") if need else None,
                "languages": ", ".join(need.languages) if need else "",
                "interpreter_sex": need.interpreter_sex if need else "",
            }
        ),
        "booking_form": forms_.get("booking_form") or rights_forms.InterpreterBookingForm(),
        "nav": "cases",
    }
    return render(request, "assistance/rights/rights_detail.html", context, status=status)


@never_cache
@login_required
@require_GET
@domain_errors
def rights_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The information given to the person, their interpretation need and the
    interpreters planned, with the forms (services group)."""
    return _page(request, case_id)


def _choice(request: HttpRequest) -> tuple[rights_forms.LeafletChoiceForm, bool, str, str]:
    """The leaflet's language and version asked for; an unknown code is refused on its
    field, and the leaflet shown in the defaults meanwhile."""
    form = rights_forms.LeafletChoiceForm(request.GET)
    if form.is_valid():
        return form, True, form.cleaned_data["lang"], form.cleaned_data["version"]
    return form, False, "", ""


@never_cache
@login_required
@require_GET
@domain_errors
def leaflet_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The rights leaflet on screen, with the form to record that it was given now."""
    choice, valid, language, version = _choice(request)
    view = selectors.leaflet_get(
        user=request_user(request), case_id=case_id, language=language, version=version
    )
    leaflet = view.leaflet
    if valid:
        choice = rights_forms.LeafletChoiceForm(
            initial={"lang": leaflet.language, "version": leaflet.version}
        )
    given_form = rights_forms.RightsInformationForm(
        initial={
            "items": list(rights.ITEMS),
            "language": leaflet.language,
            "version": leaflet.version,
            "form": RightsForm.LEAFLET,
            "given_on": timezone.localdate(),
        }
    )
    context = {
        "view": view,
        "case": view.case,
        "leaflet": leaflet,
        "choice_form": choice,
        "given_form": given_form,
        "nav": "cases",
    }
    return render(
        request, "assistance/rights/leaflet_detail.html", context, status=200 if valid else 400
    )


@never_cache
@login_required
@require_GET
@domain_errors
def leaflet_pdf(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The rights leaflet as PDF, to print and hand over."""
    _form, valid, language, version = _choice(request)
    if not valid:
        return HttpResponseBadRequest(_("Choose a language and a version from the lists."))
    view = selectors.leaflet_get(
        user=request_user(request), case_id=case_id, language=language, version=version
    )
    html = render_to_string("assistance/rights/leaflet_print.html", {"leaflet": view.leaflet})
    response = HttpResponse(rights.pdf(html), content_type="application/pdf")
    filename = f"rights-{view.case.reference}-{view.leaflet.language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


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
        to=reverse("assistance:rights_detail", kwargs={"case_id": case_id}),
        again=lambda f: _page(request, case_id, status=400, **{name: f}),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def rights_information_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        rights_forms.RightsInformationForm(request.POST),
        "given_form",
        lambda f: services.rights_information_record(
            actor=user, case_id=case_id, data=f.rights_input()
        ),
        _("The information given was recorded."),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def interpretation_need_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        rights_forms.InterpretationNeedForm(request.POST),
        "need_form",
        lambda f: services.interpretation_need_record(
            actor=user, case_id=case_id, data=f.need_input()
        ),
        _("The interpretation need was recorded."),
    )


@never_cache
@login_required
@require_POST
@domain_errors
def interpreter_booking_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    return _post(
        request,
        case_id,
        rights_forms.InterpreterBookingForm(request.POST),
        "booking_form",
        lambda f: services.interpreter_booking_record(
            actor=user, case_id=case_id, data=f.booking_input()
        ),
        _("The interpreter plan was recorded."),
    )


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/rights/", rights_detail, name="rights_detail"),
    path("cases/<uuid:case_id>/rights/leaflet/", leaflet_detail, name="rights_leaflet"),
    path("cases/<uuid:case_id>/rights/leaflet.pdf", leaflet_pdf, name="rights_leaflet_pdf"),
    path("cases/<uuid:case_id>/rights/given/", rights_information_record, name="rights_record"),
    path(
        "cases/<uuid:case_id>/interpretation/need/",
        interpretation_need_record,
        name="interpretation_need_record",
    ),
    path(
        "cases/<uuid:case_id>/interpretation/bookings/",
        interpreter_booking_record,
        name="interpreter_booking_record",
    ),
]
