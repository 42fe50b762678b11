"""The national coordination desk's pages (/referrals/desk/...), for coordinator
staff only, and the public "report a concern" page (/report/), open to anyone.

The public page needs no sign-in and no JavaScript; it is CSRF protected. It
answers a rate-limited reporter with a plain 429 page. Nothing it receives is
logged, put in a URL or shown back, except the report's reference.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.current import request_user
from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.net import client_address
from haven.lib.views import domain_errors, form_error
from haven.referrals.errors import PersonRowInvalid
from haven.referrals.forms import desk as desk_forms
from haven.referrals.selectors import desk as selectors
from haven.referrals.services import desk as services

# --- the public page ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: store the report and show its reference (no redirect:
    the reference never goes into a URL)."""
    form = desk_forms.ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = services.report_submit(
                    client_address=client_address(request), **form.cleaned_data
                )
            except services.RateLimited:
                return render(request, "referrals/report_limited.html", status=429)
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                context = {"reference": report.reference}
                return render(request, "referrals/report_done.html", context, status=201)
    return render(request, "referrals/report_new.html", {"form": form}, status=status)


# --- consultations -----------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def desk_home(request: HttpRequest) -> HttpResponse:
    """The coordinator's consultations, newest first, and the way to the reports."""
    user = request_user(request)
    context = {
        "consultations": selectors.consultation_list(user=user),
        "new_reports": len(selectors.report_list(user=user, state="new")),
        "nav": "desk",
    }
    return render(request, "referrals/desk_home.html", context)


@never_cache
@login_required
@domain_errors
def consultation_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    coordinator = services.coordinator_require(user)
    data = request.POST if request.method == "POST" else None
    form = desk_forms.ConsultationForm(data, coordinator=coordinator)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values: dict[str, Any] = dict(form.cleaned_data)
            routed = values.pop("routed_to")
            try:
                consultation = services.consultation_log(
                    actor=user, routed_to_ids=[o.pk for o in routed], **values
                )
            except case_errors.CaseNotFound:
                form.add_error("case_id", _("No case with this reference is available to you."))
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The consultation was logged."))
                return redirect("referrals:desk_consultation_detail", consultation.pk)
    context = {"form": form, "nav": "desk"}
    return render(request, "referrals/desk_consultation_new.html", context, status=status)


def _consultation_page(
    request: HttpRequest, consultation_id: uuid.UUID, form: forms.Form | None, status: int = 200
) -> HttpResponse:
    view = selectors.consultation_get(user=request_user(request), consultation_id=consultation_id)
    context = {"view": view, "form": form or desk_forms.CaseFromDeskForm(), "nav": "desk"}
    return render(request, "referrals/desk_consultation_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def consultation_detail(request: HttpRequest, consultation_id: uuid.UUID) -> HttpResponse:
    """The consultation's texts (an audited read) and the form to open a case."""
    return _consultation_page(request, consultation_id, None)


@never_cache
@login_required
@require_POST
@domain_errors
def consultation_case_open(request: HttpRequest, consultation_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    form = desk_forms.CaseFromDeskForm(request.POST)
    if form.is_valid():
        try:
            case = services.consultation_case_open(
                actor=user,
                consultation_id=consultation_id,
                person=form.person(),
                forms_of_exploitation=form.cleaned_data["forms_of_exploitation"],
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The case was opened; your organisation leads it."))
            return redirect("web:case_detail", case.pk)
    return _consultation_page(request, consultation_id, form, status=400)


# --- the triage queue --------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def report_list(request: HttpRequest) -> HttpResponse:
    """Concern reports: new ones first, with their age."""
    reports = selectors.report_list(user=request_user(request))
    return render(request, "referrals/desk_report_list.html", {"reports": reports, "nav": "desk"})


def _report_page(request: HttpRequest, report_id: uuid.UUID, **forms_: Any) -> HttpResponse:
    view = selectors.report_get(user=request_user(request), report_id=report_id)
    count_form = desk_forms.PeopleCountForm(request.GET or None)
    context = {
        "view": view,
        "advise_form": forms_.get("advise_form")
        or desk_forms.AdviseForm(coordinator=request_user(request).organisation),
        "count_form": count_form,
        "people": forms_.get("people") or desk_forms.people_formset(count=count_form.count()),
        "people_errors": forms_.get("people_errors", []),
        "close_form": forms_.get("close_form") or desk_forms.CloseForm(),
        "nav": "desk",
    }
    return render(
        request, "referrals/desk_report_detail.html", context, status=400 if forms_ else 200
    )


@never_cache
@login_required
@domain_errors
def report_detail(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    """The report decrypted (an audited read) and the three triage actions."""
    return _report_page(request, report_id)


def _triage(
    request: HttpRequest, report_id: uuid.UUID, form: forms.Form, name: str, write: Any, done: str
) -> HttpResponse:
    if form.is_valid():
        try:
            response: HttpResponse = write(form)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, done)
            return response
    return _report_page(request, report_id, **{name: form})


@never_cache
@login_required
@require_POST
@domain_errors
def report_advise(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)

    def write(form: forms.Form) -> HttpResponse:
        services.report_advise(
            actor=user,
            report_id=report_id,
            advice=form.cleaned_data["advice"],
            topic=form.cleaned_data["topic"],
            routed_to_ids=[o.pk for o in form.cleaned_data["routed_to"]],
        )
        return redirect("referrals:desk_report_detail", report_id)

    form = desk_forms.AdviseForm(request.POST, coordinator=user.organisation)
    return _triage(request, report_id, form, "advise_form", write, _("The advice was recorded."))


@never_cache
@login_required
@require_POST
@domain_errors
def report_case_open(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    """Open one case per person of the formset, all or none; two or more are linked
    as one incident. A refused row shows its error beside the row's field."""
    people = desk_forms.people_formset(request.POST)
    errors: list[str] = []
    if people.is_valid():
        try:
            cases = services.report_cases_open(
                actor=request_user(request), report_id=report_id, people=people.people()
            )
        except PersonRowInvalid as exc:
            form = people.forms[exc.row]
            form.add_error(exc.row_field if exc.row_field in form.fields else None, exc.message)
        except (InvalidInput, Conflict) as exc:
            errors.append(exc.message)
        else:
            done = ngettext(
                "The case was opened; your organisation leads it.",
                "%(count)d cases were opened, linked as one incident; "
                "your organisation leads them.",
                len(cases),
            ) % {"count": len(cases)}
            messages.success(request, done)
            return redirect("web:case_detail", cases[0].pk)
    return _report_page(request, report_id, people=people, people_errors=errors)


@never_cache
@login_required
@require_POST
@domain_errors
def report_close(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)

    def write(form: forms.Form) -> HttpResponse:
        services.report_close(actor=user, report_id=report_id, reason=form.cleaned_data["reason"])
        return redirect("referrals:desk_report_list")

    form = desk_forms.CloseForm(request.POST)
    return _triage(request, report_id, form, "close_form", write, _("The report was closed."))


urlpatterns: list[URLPattern] = [
    path("desk/", desk_home, name="desk_home"),
    path("desk/consultations/new/", consultation_new, name="desk_consultation_new"),
    path(
        "desk/consultations/<uuid:consultation_id>/",
        consultation_detail,
        name="desk_consultation_detail",
    ),
    path(
        "desk/consultations/<uuid:consultation_id>/case/",
        consultation_case_open,
        name="desk_consultation_case_open",
    ),
    path("desk/reports/", report_list, name="desk_report_list"),
    path("desk/reports/<uuid:report_id>/", report_detail, name="desk_report_detail"),
    path("desk/reports/<uuid:report_id>/advise/", report_advise, name="desk_report_advise"),
    path("desk/reports/<uuid:report_id>/case/", report_case_open, name="desk_report_case_open"),
    path("desk/reports/<uuid:report_id>/close/", report_close, name="desk_report_close"),
]

# Mounted at /report/ by haven/urls.py, outside /referrals/ and without sign-in.
report_urlpatterns: list[URLPattern] = [
    path("", report_new, name="new"),
]
