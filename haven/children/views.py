"""Children pages: age assessment (R-10), guardians (R-11), best interests (R-25,
R-27), family tracing (R-11) and dependants (R-27), each a list and its forms.
Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives the
403 page with its reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases import drafts
from haven.cases.models import DraftKind
from haven.cases.views import drafts as draft_views
from haven.cases.views.guards import records_on_case
from haven.children import forms, selectors, services
from haven.lib.errors import Conflict, EditConflict, InvalidInput
from haven.lib.views import domain_errors, edit_conflict, forbidden


@never_cache
@login_required
@domain_errors
def guardian_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Who acts in the child's best interests, from when."""
    view = selectors.guardian_list(user=request_user(request), case_id=case_id)
    return _page(request, "children/guardian_list.html", view)


@never_cache
@login_required
@domain_errors
def guardian_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the appointment; it closes the blocking task."""
    user = request_user(request)
    view = selectors.guardian_list(user=user, case_id=case_id)
    form = forms.GuardianForm(request.POST or None)

    def write(data: dict[str, Any]) -> object:
        organisation = data["guardian_organisation"]
        return services.guardian_appoint(
            actor=user,
            case_id=case_id,
            kind=data["kind"],
            guardian_name=data["guardian_name"],
            guardian_organisation_id=organisation.pk if organisation is not None else None,
            appointed_on=data["appointed_on"],
            contact=data["contact"],
        )

    if _form_post(request, form, write, _("The appointment was recorded.")):
        return redirect("children:guardian_list", case_id=case_id)
    return _page(request, "children/guardian_new.html", view, form=form)


def _form_post(
    request: HttpRequest,
    form: django_forms.Form,
    write: Callable[[dict[str, Any]], object],
    done: str,
) -> bool:
    """Validate and write; a domain refusal goes beside its field. True when written."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except EditConflict:
        raise  # the edit page shows it above the form (``_edit_conflict``)
    except (InvalidInput, Conflict) as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    messages.success(request, done)
    return True


def _draft_done(user: User, draft_id: str) -> None:
    """Sent: the draft the form was resumed from has done its work."""
    if draft_id:
        drafts.draft_delete(actor=user, draft_id=draft_id)


def _page(request: HttpRequest, template: str, view: Any, **extra: Any) -> HttpResponse:
    """A page of the case's list ``view``: 400 when a form in ``extra`` has errors."""
    form = extra.get("form")
    status = 400 if form is not None and form.errors else 200
    if extra.get("conflict") is not None:
        status = 409
    context = {"view": view, "case": view.case, "nav": "cases", **extra}
    return render(request, template, context, status=status)


# --- age assessment (R-10) --------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def age_assessment_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The person's age status and its history of age assessments."""
    view = selectors.age_assessment_list(user=request_user(request), case_id=case_id)
    return _page(request, "children/age_assessment_list.html", view)


def _age_refused(
    request: HttpRequest, view: selectors.AgeAssessmentsView, allowed: bool
) -> HttpResponse | None:
    """The 403 page when the rule the services refuse by (``policy.age_actions``) refuses."""
    if allowed:
        return None
    if view.treat_as_child and view.actions.record_assessment:
        return forbidden(request, reason=_("This person is already treated as a child."))
    return forbidden(request, reason=_("You cannot record this on this case."))


@never_cache
@login_required
@domain_errors
def age_assessment_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record an age assessment: the only way out of child protections (R-10)."""
    user = request_user(request)
    view = selectors.age_assessment_list(user=user, case_id=case_id)
    refused = _age_refused(request, view, view.actions.record_assessment)
    if refused is not None:
        return refused
    form = forms.AgeAssessmentForm(request.POST or None)
    draft_id = draft_views.resume(request, form, kind=DraftKind.AGE_ASSESSMENT)

    def write(data: dict[str, Any]) -> object:
        organisation = data.pop("assessor_organisation")
        assessment = services.AgeAssessmentInput(
            **data, assessor_organisation_id=organisation.pk if organisation else None
        )
        return services.age_assessment_record(actor=user, case_id=case_id, assessment=assessment)

    if _form_post(request, form, write, _("The age assessment was recorded.")):
        _draft_done(user, draft_id)
        return redirect("children:age_assessment_list", case_id=case_id)
    return _page(
        request,
        "children/age_assessment_new.html",
        view,
        form=form,
        **draft_views.form_context(
            request, kind=DraftKind.AGE_ASSESSMENT, draft_id=draft_id, case_id=view.case.id
        ),
    )


@never_cache
@login_required
@domain_errors
def age_new_information(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """New information suggests a child: into child protections at once (R-10)."""
    user = request_user(request)
    view = selectors.age_assessment_list(user=user, case_id=case_id)
    refused = _age_refused(request, view, view.actions.new_information)
    if refused is not None:
        return refused
    form = forms.AgeNewInformationForm(request.POST or None)

    def write(data: dict[str, Any]) -> object:
        return services.age_new_information_record(actor=user, case_id=case_id, **data)

    done = _("The person is now presumed to be a child, with every child protection.")
    if _form_post(request, form, write, done):
        return redirect("children:age_assessment_list", case_id=case_id)
    return _page(request, "children/age_new_information.html", view, form=form)


@never_cache
@login_required
@domain_errors
def age_appeal(request: HttpRequest, case_id: uuid.UUID, assessment_id: uuid.UUID) -> HttpResponse:
    """Record the person's appeal against an age assessment, and its outcome."""
    user = request_user(request)
    view = selectors.age_assessment_list(user=user, case_id=case_id)
    assessment = next((a for a in view.assessments if a.id == assessment_id), None)
    if assessment is None or not assessment.appealable:
        raise Http404(_("Not found."))  # the same 404 as a hidden case
    refused = _age_refused(request, view, view.actions.record_assessment)
    if refused is not None:
        return refused
    initial = {
        "appealed_on": assessment.appealed_on,
        "outcome": assessment.appeal_outcome or None,
        "version": assessment.version,
    }
    form = forms.AgeAppealForm(request.POST or None, initial=initial)
    conflict = None

    def write(data: dict[str, Any]) -> object:
        return services.age_appeal_record(actor=user, assessment_id=assessment_id, **data)

    try:
        if _form_post(request, form, write, _("The appeal was recorded.")):
            return redirect("children:age_assessment_list", case_id=case_id)
    except EditConflict as exc:
        # Recorded meanwhile: keep what was typed, show what is saved now.
        view = selectors.age_assessment_list(user=user, case_id=case_id)
        assessment = next(a for a in view.assessments if a.id == assessment_id)
        appealed = assessment.appealed_on
        decided = assessment.appeal_decided_on
        saved = [
            (_("Appealed on"), date_format(appealed) if appealed else ""),
            (_("Outcome"), assessment.appeal_outcome_label),
            (_("Outcome decided on"), date_format(decided) if decided else ""),
        ]
        data, conflict = edit_conflict(
            exc, data=request.POST, version=assessment.version, saved=saved
        )
        form = forms.AgeAppealForm(data)
    return _page(
        request,
        "children/age_appeal.html",
        view,
        form=form,
        assessment=assessment,
        conflict=conflict,
    )


# --- best interests (R-25, R-27) --------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def best_interests_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The child's best-interests assessments and determinations."""
    view = selectors.best_interests_list(user=request_user(request), case_id=case_id)
    return _page(request, "children/best_interests_list.html", view)


@never_cache
@login_required
@domain_errors
def best_interests_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record an assessment or a determination, with the child's views."""
    user = request_user(request)
    view = selectors.best_interests_list(user=user, case_id=case_id)
    form = forms.BestInterestsForm(request.POST or None)
    draft_id = draft_views.resume(request, form, kind=DraftKind.BEST_INTERESTS)

    def write(data: dict[str, Any]) -> object:
        return services.best_interests_record(actor=user, case_id=case_id, **data)

    if _form_post(request, form, write, _("The best-interests record was saved.")):
        _draft_done(user, draft_id)
        return redirect("children:best_interests_list", case_id=case_id)
    return _page(
        request,
        "children/best_interests_new.html",
        view,
        form=form,
        **draft_views.form_context(
            request, kind=DraftKind.BEST_INTERESTS, draft_id=draft_id, case_id=view.case.id
        ),
    )


# --- family tracing (R-11) ---------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def family_tracing_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The child's family tracings."""
    view = selectors.family_tracing_list(user=request_user(request), case_id=case_id)
    return _page(request, "children/family_tracing_list.html", view)


@never_cache
@login_required
@domain_errors
def family_tracing_start(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Start tracing, with the reason it serves the child."""
    user = request_user(request)
    view = selectors.family_tracing_list(user=user, case_id=case_id)
    form = forms.TracingStartForm(request.POST or None)

    def write(data: dict[str, Any]) -> object:
        traced_by = data["traced_by"]
        return services.family_tracing_start(
            actor=user,
            case_id=case_id,
            best_interests_reason=data["best_interests_reason"],
            traced_by_id=traced_by.pk if traced_by is not None else None,
            started_on=data["started_on"],
        )

    if _form_post(request, form, write, _("The family tracing was started.")):
        return redirect("children:family_tracing_list", case_id=case_id)
    return _page(request, "children/family_tracing_start.html", view, form=form)


@never_cache
@login_required
@domain_errors
def family_tracing_update(
    request: HttpRequest, case_id: uuid.UUID, tracing_id: uuid.UUID
) -> HttpResponse:
    """Record progress, the outcome, or that tracing stopped."""
    user = request_user(request)
    view = selectors.family_tracing_list(user=user, case_id=case_id)
    tracing = next((t for t in view.tracings if t.id == tracing_id), None)
    if tracing is None:
        raise Http404(_("Not found."))  # the same 404 as a hidden case
    initial = {"status": tracing.status, "version": tracing.version}
    form = forms.TracingUpdateForm(request.POST or None, initial=initial)
    conflict = None

    def write(data: dict[str, Any]) -> object:
        return services.family_tracing_update(actor=user, tracing_id=tracing_id, **data)

    try:
        if _form_post(request, form, write, _("The family tracing was updated.")):
            return redirect("children:family_tracing_list", case_id=case_id)
    except EditConflict as exc:
        # Someone updated it meanwhile: keep what was typed, show what is saved now.
        view = selectors.family_tracing_list(user=user, case_id=case_id)
        tracing = next(t for t in view.tracings if t.id == tracing_id)
        saved = [
            (_("Where the tracing stands"), tracing.status_label),
            (_("Outcome"), tracing.outcome),
            (_("Date"), date_format(tracing.updated_on)),
        ]
        data, conflict = edit_conflict(exc, data=request.POST, version=tracing.version, saved=saved)
        form = forms.TracingUpdateForm(data)
    return _page(
        request,
        "children/family_tracing_update.html",
        view,
        form=form,
        tracing=tracing,
        conflict=conflict,
    )


# --- dependants (R-27) -------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def dependant_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The person's children and other dependants, with their schooling."""
    view = selectors.dependant_list(user=request_user(request), case_id=case_id)
    return _page(request, "children/dependant_list.html", view)


@never_cache
@login_required
@domain_errors
@records_on_case
def dependant_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    view = selectors.dependant_list(user=user, case_id=case_id)
    form = forms.DependantForm(request.POST or None)

    def write(data: dict[str, Any]) -> object:
        return services.dependant_add(actor=user, case_id=case_id, **data)

    if _form_post(request, form, write, _("The dependant was recorded.")):
        return redirect("children:dependant_list", case_id=case_id)
    return _page(request, "children/dependant_new.html", view, form=form)


@never_cache
@login_required
@domain_errors
def dependant_education(
    request: HttpRequest, case_id: uuid.UUID, dependant_id: uuid.UUID
) -> HttpResponse:
    """Record how the dependant's schooling stands (R-27)."""
    user = request_user(request)
    view = selectors.dependant_list(user=user, case_id=case_id)
    dependant = next((d for d in view.dependants if d.id == dependant_id), None)
    if dependant is None:
        raise Http404(_("Not found."))  # the same 404 as a hidden case
    initial = {
        "education": dependant.education,
        "needs": dependant.needs,
        "version": dependant.version,
    }
    form = forms.EducationForm(request.POST or None, initial=initial)
    conflict = None

    def write(data: dict[str, Any]) -> object:
        return services.dependant_update_education(actor=user, dependant_id=dependant_id, **data)

    try:
        if _form_post(request, form, write, _("The schooling was updated.")):
            return redirect("children:dependant_list", case_id=case_id)
    except EditConflict as exc:
        # Someone updated it meanwhile: keep what was typed, show what is saved now.
        view = selectors.dependant_list(user=user, case_id=case_id)
        dependant = next(d for d in view.dependants if d.id == dependant_id)
        saved = [
            (_("School or education"), dependant.education_label),
            (_("Their own needs"), dependant.needs),
        ]
        data, conflict = edit_conflict(
            exc, data=request.POST, version=dependant.version, saved=saved
        )
        form = forms.EducationForm(data)
    return _page(
        request,
        "children/dependant_education.html",
        view,
        form=form,
        dependant=dependant,
        conflict=conflict,
    )


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/age/", age_assessment_list, name="age_assessment_list"),
    path("cases/<uuid:case_id>/age/assess/", age_assessment_new, name="age_assessment_new"),
    path(
        "cases/<uuid:case_id>/age/new-information/",
        age_new_information,
        name="age_new_information",
    ),
    path(
        "cases/<uuid:case_id>/age/<uuid:assessment_id>/appeal/",
        age_appeal,
        name="age_appeal",
    ),
    path("cases/<uuid:case_id>/guardian/", guardian_list, name="guardian_list"),
    path("cases/<uuid:case_id>/guardian/new/", guardian_new, name="guardian_new"),
    path("cases/<uuid:case_id>/best-interests/", best_interests_list, name="best_interests_list"),
    path("cases/<uuid:case_id>/best-interests/new/", best_interests_new, name="best_interests_new"),
    path("cases/<uuid:case_id>/family-tracing/", family_tracing_list, name="family_tracing_list"),
    path(
        "cases/<uuid:case_id>/family-tracing/start/",
        family_tracing_start,
        name="family_tracing_start",
    ),
    path(
        "cases/<uuid:case_id>/family-tracing/<uuid:tracing_id>/",
        family_tracing_update,
        name="family_tracing_update",
    ),
    path("cases/<uuid:case_id>/dependants/", dependant_list, name="dependant_list"),
    path("cases/<uuid:case_id>/dependants/new/", dependant_add, name="dependant_add"),
    path(
        "cases/<uuid:case_id>/dependants/<uuid:dependant_id>/education/",
        dependant_education,
        name="dependant_education",
    ),
]
