"""The two versioned assessments of a case (R-21, R-19): the list with every
version, the form to record a new version, and one version's page. The
assessment field group, as the services and selectors decide it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives
the 403 page with its reason. The form posts and redirects, without JavaScript.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.access.models import Purpose
from haven.accounts.current import request_user
from haven.assistance import catalogue
from haven.assistance.forms import assessments as assessment_forms
from haven.assistance.models import AssessmentKind
from haven.assistance.selectors import assessments as selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.services import assessments as services
from haven.cases import drafts
from haven.cases.models import DraftKind
from haven.cases.views import drafts as draft_views
from haven.cases.views.guards import records_on_case
from haven.lib.errors import Conflict, EditConflict, InvalidInput
from haven.lib.views import domain_errors, edit_conflict


@never_cache
@login_required
@domain_errors
def assessment_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Both assessments of the case with every version, and any re-assessment due."""
    view = selectors.assessments_for_case(
        user=request_user(request), case_id=case_id, purpose=Purpose.ASSISTANCE
    )
    context = {"view": view, "case": view.case, "nav": "cases"}
    return render(request, "assistance/assessment_list.html", context)


@never_cache
@login_required
@domain_errors
@records_on_case
def assessment_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the form, prefilled from the latest version; POST: record a new version."""
    user = request_user(request)
    kind = request.GET.get("kind", AssessmentKind.NEEDS)
    if kind not in AssessmentKind.values:
        kind = AssessmentKind.NEEDS
    view = selectors.assessments_for_case(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE)
    history = next(k for k in view.kinds if k.kind == kind)
    sections = catalogue.sections_for(kind, child=view.case.person.treat_as_child)
    form = assessment_forms.AssessmentForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        sections=sections,
        previous=history.latest,
    )
    draft_id = draft_views.resume(request, form, kind=DraftKind.ASSESSMENT)
    status = 200
    conflict = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assessment = services.assessment_record(
                    actor=user,
                    case_id=case_id,
                    kind=kind,
                    assessed_on=form.cleaned_data["assessed_on"],
                    sections=form.answers(),
                    person_view=form.cleaned_data["person_view"],
                    based_on_version=form.cleaned_data["based_on_version"],
                    trigger=form.cleaned_data["trigger"],
                )
            except EditConflict as exc:
                # Someone recorded a version meanwhile: keep every answer typed,
                # show the version saved now, and let the user record theirs on it.
                status = 409
                view = selectors.assessments_for_case(
                    user=user, case_id=case_id, purpose=Purpose.ASSISTANCE
                )
                history = next(k for k in view.kinds if k.kind == kind)
                latest = history.latest
                assert latest is not None  # noqa: S101 - a conflict means a version was saved
                data, conflict = edit_conflict(
                    exc, data=request.POST, version=latest.version, saved=_saved(latest)
                )
                form = assessment_forms.AssessmentForm(
                    data, kind=kind, sections=sections, previous=latest
                )
            except (InvalidInput, Conflict) as exc:
                form.add_domain_error(exc)
            else:
                if draft_id:  # sent: the draft has done its work
                    drafts.draft_delete(actor=user, draft_id=draft_id)
                messages.success(
                    request,
                    _("Version %(version)s of the %(kind)s was recorded.")
                    % {"version": assessment.version, "kind": history.kind_label.lower()},
                )
                return redirect("assistance:assessment_detail", assessment_id=assessment.id)
    context = {
        "view": view,
        "case": view.case,
        "history": history,
        "form": form,
        "conflict": conflict,
        "nav": "cases",
        **draft_views.form_context(
            request, kind=DraftKind.ASSESSMENT, draft_id=draft_id, case_id=view.case.id
        ),
    }
    return render(request, "assistance/assessment_new.html", context, status=status)


def _saved(latest: selectors.AssessmentView) -> list[tuple[str, str]]:
    """The version saved now, as the conflict notice lists it."""
    recorded = _("Version %(version)s, assessed on %(day)s by %(by)s (%(organisation)s)") % {
        "version": latest.version,
        "day": date_format(latest.assessed_on),
        "by": latest.recorded_by,
        "organisation": latest.organisation,
    }
    return [
        (_("Saved now"), recorded),
        *(
            (s.label, f"{s.level_label}: {s.note}" if s.note else s.level_label)
            for s in latest.sections
        ),
        (_("The person's own view"), latest.person_view),
    ]


@never_cache
@login_required
@domain_errors
def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """One version: each section with its level and note, and the person's view."""
    user = request_user(request)
    assessment = selectors.assessment_get(user=user, assessment_id=assessment_id)
    context = {
        "assessment": assessment,
        "is_needs": assessment.kind == AssessmentKind.NEEDS,
        "may_plan": plan_selectors.plan_offered(user=user, case_id=assessment.case_id),
        "nav": "cases",
    }
    return render(request, "assistance/assessment_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/assessments/", assessment_list, name="assessments"),
    path("cases/<uuid:case_id>/assessments/new/", assessment_new, name="assessment_new"),
    path("assessments/<uuid:assessment_id>/", assessment_detail, name="assessment_detail"),
]
