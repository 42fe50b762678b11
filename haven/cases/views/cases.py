"""Case pages: list, intake, detail by field group, status change, narrative, access report.

Each view parses the request, calls one selector or service, and renders.
Hidden and missing cases give the same 404 (``domain_errors``).
"""

from __future__ import annotations

import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import break_glass as break_glass_selectors
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.selectors import reflection as reflection_selectors
from haven.cases import errors, forms, forms_sharing, selectors, services
from haven.cases import person_report as report_selectors
from haven.cases.views import sharing
from haven.children import selectors as children_selectors
from haven.justice import selectors as justice_selectors
from haven.lib.errors import HavenError
from haven.lib.views import domain_errors, forbidden, request_user
from haven.referrals.selectors import case_page as referral_selectors
from haven.web import timeline

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _add_domain_error(form: django_forms.Form, exc: HavenError) -> None:
    """A service's error goes beside the field it names, else above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)  # already translated by the service


@never_cache
@login_required
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """Only visible cases; the htmx search swaps in the result rows alone."""
    form = forms.CaseSearchForm(request.GET or None)
    search = form.cleaned_data if form.is_valid() else {"reference": "", "status": ""}
    cases = selectors.case_list(user=request_user(request), **search)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_case_rows.html" if partial else "cases/case_list.html"
    context = {"form": form, "page": page, "searching": any(search.values()), "nav": "cases"}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@login_required
@domain_errors
def case_open(request: HttpRequest) -> HttpResponse:
    """Intake of a new person and case; the service runs it in one transaction."""
    form = forms.CaseIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request_user(request),
                person=form.person_input(),
                forms_of_exploitation=form.cleaned_data["forms_of_exploitation"],
                narrative=form.cleaned_data["narrative"],
            )
        except errors.InvalidInput as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Case %(reference)s opened.") % {"reference": case.reference}
            )
            return redirect("cases:detail", case_id=case.id)
    return render(request, "cases/case_open.html", {"form": form, "nav": "new"})


def _detail(
    request: HttpRequest,
    case_id: uuid.UUID,
    narrative_form: forms.NarrativeForm,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    purpose_form = forms_sharing.purpose_form(request.GET)  # ?purpose=, default assistance
    view = selectors.case_read(user=user, case_id=case_id, purpose=purpose_form.chosen)
    under_break_glass = break_glass_selectors.case_view_under_break_glass(case_view=view)
    # Writes need the group for assistance, and never come from break-glass (read only).
    writable = not view.erased and not under_break_glass
    assisting = purpose_form.chosen == Purpose.ASSISTANCE
    context = {
        "view": view,
        "case": view.case,
        "purpose_form": purpose_form,
        "may_manage_consent": sharing.may_manage_consent(view),
        # Reuses the groups case_read decided and audited; reads no group twice.
        "timeline": timeline.timeline_for(user=user, case_view=view),
        "narrative_form": narrative_form,
        "may_transition": view.group(FieldGroup.LEGAL).allowed and writable,
        "may_see_decisions": view.group(FieldGroup.LEGAL).allowed and writable,
        "may_screen": view.group(FieldGroup.ASSESSMENT).allowed and writable,
        "reflection": reflection_selectors.reflection_period_summary_shown(case_view=view),
        "permits": permit_selectors.case_page_permits(case_view=view),  # R-16, detention
        "guardian": children_selectors.guardian_summary_shown(case_view=view),
        "child_care": children_selectors.child_summary_shown(case_view=view),
        "assessments": assessment_selectors.case_page_assessments(case_view=view),
        "assistance_plan": plan_selectors.case_page_plans(case_view=view),
        "cooperation": justice_selectors.case_page_cooperation(case_view=view),  # legal group only
        # the case's referrals and an open lead transfer, for the team (no personal data)
        "case_referrals": referral_selectors.case_page_referrals(user=user, case_view=view),
        "may_add_narrative": view.group(FieldGroup.NARRATIVE).allowed and writable and assisting,
        "interview_count": selectors.interview_count(case=view.case),
        "break_glass": under_break_glass,
        "may_report_for_person": report_selectors.person_report_offered(case_view=view),
    }
    status = 400 if purpose_form.errors and status == 200 else status
    return render(request, "cases/case_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Each field group shown with why, or hidden with why."""
    return _detail(request, case_id, forms.NarrativeForm())


@login_required
@require_POST
@domain_errors
def narrative_append(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    form = forms.NarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.narrative_append(
                actor=request_user(request), case_id=case_id, text=form.cleaned_data["text"]
            )
        except errors.InvalidInput as exc:
            _add_domain_error(form, exc)
        else:
            messages.success(request, _("Added to the narrative."))
            return redirect(reverse("cases:detail", args=[case_id]) + "#group-narrative")
    return _detail(request, case_id, form, status=400)


@never_cache
@login_required
@domain_errors
def case_transition(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A dated, reasoned status change to one of the statuses the table allows."""
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    decision = access_policy.decide(user=user, case_id=case.id, field_group=FieldGroup.LEGAL)
    if not decision.allowed:
        return forbidden(request, reason=str(decision.reason))
    form = forms.TransitionForm(request.POST or None, current_status=case.identification_status)
    if request.method == "POST" and form.is_valid():
        try:
            transition = services.case_transition(actor=user, case_id=case.id, **form.cleaned_data)
        except (errors.InvalidInput, errors.TransitionNotAllowed, errors.DecisionRequired) as exc:
            _add_domain_error(form, exc)
        else:
            label = transition.get_to_status_display()
            messages.success(request, _("Status changed to: %(status)s.") % {"status": label})
            return redirect("cases:detail", case_id=case.id)
    return render(request, "cases/case_transition.html", {"case": case, "form": form})


@never_cache
@login_required
@domain_errors
def access_report_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Who read or changed the person's data (the case lead only; refusals get a 403)."""
    user = request_user(request)
    events = selectors.person_access_report(user=user, case_id=case_id)
    case = selectors.case_get(user=user, case_id=case_id)
    return render(request, "cases/access_report_detail.html", {"case": case, "events": events})
