"""Case pages: list, intake, status change, access report. The case page itself
(fields groups and the apps' parts) is composed in ``haven.web``.

Each view parses the request, calls one selector or service, and renders.
Hidden and missing cases give the same 404 (``domain_errors``).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_htmx.middleware import HtmxDetails

from haven.access.models import FieldGroup, Purpose
from haven.accounts.current import request_user
from haven.cases import drafts, errors, forms, hooks, selectors, services
from haven.cases.models import DraftKind
from haven.cases.status import REOPENS_PATHWAY
from haven.cases.views import drafts as draft_views
from haven.lib import paging
from haven.lib.views import domain_errors, forbidden, form_error

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@never_cache
@login_required
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """Only visible cases; the htmx search swaps in the result rows alone."""
    form = forms.CaseSearchForm(request.GET or None)
    search = form.cleaned_data if form.is_valid() else {"reference": "", "status": ""}
    user = request_user(request)
    page = selectors.case_list_page(
        user=user, number=paging.page_number(request.GET.get("page")), per_page=PAGE_SIZE, **search
    )
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_case_rows.html" if partial else "cases/case_list.html"
    context = {
        "form": form,
        "page": page,
        "searching": any(search.values()),
        "nav": "cases",
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# What the intake page passes to the region an app above adds (linkage's check).
INTAKE_IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "search_token",
    "region_action",
)


@never_cache
@login_required
@domain_errors
def case_open(request: HttpRequest) -> HttpResponse:
    """Intake of a new person and case; the service runs it in one transaction. A
    user who may not open cases is refused before the form is shown, not after."""
    user = request_user(request)
    if not selectors.may_open_case(user):
        return forbidden(
            request,
            reason=_(
                "Only caseworkers and supervisors of an organisation open cases: your role "
                "does not give access to case data."
            ),
        )
    form = forms.CaseIntakeForm(request.POST or None)
    draft_id = draft_views.resume(request, form, kind=DraftKind.CASE_OPEN)
    # A region's button without JavaScript (linkage's "check", "tell the coordinator"):
    # it posts the form here, and the page comes back with the answer and what was typed.
    checking = request.method == "POST" and bool(request.POST.get("region_action"))
    if request.method == "POST" and not checking and form.is_valid():
        try:
            case = services.case_open(
                actor=user,
                person=form.person_input(),
                forms_of_exploitation=form.cleaned_data["forms_of_exploitation"],
                narrative=form.cleaned_data["narrative"],
                search_token=form.cleaned_data["search_token"],
            )
        except errors.InvalidInput as exc:
            form_error(form, exc)
        else:
            if draft_id:  # sent: the draft has done its work
                drafts.draft_delete(actor=user, draft_id=draft_id)
            messages.success(
                request, _("Case %(reference)s opened.") % {"reference": case.reference}
            )
            return redirect("web:case_detail", case_id=case.id)
    typed = {name: str(request.POST.get(name, "")) for name in INTAKE_IDENTITY_FIELDS}
    typed["citizenships"] = ",".join(request.POST.getlist("citizenships"))
    context = {
        "form": form,
        "nav": "new",
        "intake_region": hooks.intake_region(user=user, typed=typed, run=checking),
        **draft_views.form_context(request, kind=DraftKind.CASE_OPEN, draft_id=draft_id),
    }
    return render(request, "cases/case_open.html", context)


@never_cache
@login_required
@domain_errors
def case_transition(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A dated, reasoned status change to one of the statuses the table allows."""
    user = request_user(request)
    # The service's own gate decides whether the form is offered at all: refused
    # under break-glass and after erasure, as the write would be.
    case = selectors.case_for(
        user=user,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=Purpose.ASSISTANCE,
        write=True,
        lock=False,
    ).case
    form = forms.TransitionForm(
        request.POST or None,
        current_status=case.identification_status,
        legal_basis=hooks.default_legal_basis(case.country),
        initial={"to_status": request.GET.get("to_status", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            transition = services.case_transition(actor=user, case_id=case.id, **form.cleaned_data)
        except (errors.InvalidInput, errors.TransitionNotAllowed, errors.DecisionRequired) as exc:
            form_error(form, exc)
        else:
            label = transition.get_to_status_display()
            messages.success(request, _("Status changed to: %(status)s.") % {"status": label})
            return redirect("web:case_detail", case_id=case.id)
    # going back to potential after leaving the mechanism reopens the pathway.
    reopens = case.identification_status in REOPENS_PATHWAY
    context = {"case": case, "form": form, "reopens": reopens}
    return render(request, "cases/case_transition.html", context)


@never_cache
@login_required
@domain_errors
def access_report_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Who read or changed the person's data (the case lead only; refusals get a 403)."""
    user = request_user(request)
    events = selectors.person_access_report(user=user, case_id=case_id)
    case = selectors.case_get(user=user, case_id=case_id)
    return render(request, "cases/access_report_detail.html", {"case": case, "events": events})
