"""Returns pages: the country profiles (R-31), a case's return plan with its
warnings, acknowledgements and moves (R-30, R-31), the reintegration plan, and the
follow-up contacts after return (R-32). Hidden and missing cases give the same
404 (``domain_errors``); every refusal of a service appears beside its field.
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
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases.views.guards import records_on_case
from haven.lib.errors import Conflict, EditConflict, InvalidInput, NotAllowed
from haven.lib.views import domain_errors, forbidden, form_error
from haven.returns import forms, policy, selectors, services
from haven.returns.states import PlanAction


def _write(
    request: HttpRequest, form: django_forms.Form, write: Callable[[], object], done: str
) -> bool:
    """Validate and write; a domain refusal goes beside its field. True when written."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write()
    except (InvalidInput, Conflict, NotAllowed) as exc:
        if isinstance(exc, EditConflict) and "version" in form.fields:
            form.add_error(None, exc.message)
        else:
            form_error(form, exc)
        return False
    messages.success(request, done)
    return True


def _status(*found: django_forms.Form | None) -> int:
    return 400 if any(form is not None and form.errors for form in found) else 200


# --- country profiles ------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def profile_list(request: HttpRequest) -> HttpResponse:
    """What is known of each country of return; stale profiles flagged."""
    user = request_user(request)
    context = {
        "profiles": selectors.country_profile_list(user=user),
        "keeps": policy.may_keep_profiles(user),
        "nav": "return_profiles",
    }
    return render(request, "returns/profile_list.html", context)


@never_cache
@login_required
@domain_errors
def profile_edit(request: HttpRequest, country: str) -> HttpResponse:
    """The national coordinator reviews a country's profile."""
    user = request_user(request)
    if not policy.may_keep_profiles(user):
        return forbidden(request, reason=_("Only the national coordinator keeps country profiles."))
    profile = selectors.country_profile_get(user=user, country=country)
    initial = {
        "name": profile.name,
        "partner_organisations": "\n".join(profile.partner_organisations),
        "focal_points": "\n".join(profile.focal_points),
        "known_risks": profile.known_risks,
        "willingness": profile.willingness,
        "capacity": profile.capacity,
        "version": profile.version,
    }
    form = forms.CountryProfileForm(request.POST or None, initial=initial)

    def write() -> object:
        return services.country_profile_update(
            actor=user,
            country=profile.country,
            profile=form.profile(),
            version=form.cleaned_data["version"],
        )

    if _write(request, form, write, _("The profile was reviewed and saved.")):
        return redirect("returns:profile_list")
    context = {"profile": profile, "form": form, "nav": "return_profiles"}
    return render(request, "returns/profile_edit.html", context, status=_status(form))


# --- the return plan -----------------------------------------------------------------------------


def plan_page_context(user: User, case_id: uuid.UUID, **forms_shown: Any) -> dict[str, Any]:
    """The case's return page; failed forms (``forms_shown``) keep what was typed."""
    view = selectors.return_plan_list(user=user, case_id=case_id)
    plan = view.current
    failed = forms_shown.get("ack_form")
    return {
        "view": view,
        "case": view.case,
        "plan": plan,
        "nav": "cases",
        "returned_form": forms_shown.get("returned_form") or forms.ReturnedForm(),
        "cancel_form": forms_shown.get("cancel_form") or forms.CancelForm(),
        "goal_form": forms_shown.get("goal_form") or forms.GoalForm(),
        "action_error": forms_shown.get("action_error", ""),
        # One form a warning still to acknowledge, the failed one with what was typed.
        "ack_forms": [
            (
                w,
                failed
                if failed is not None and failed.data.get("warning") == w.key
                else forms.AcknowledgeForm(initial={"warning": w.key}),
            )
            for w in (plan.unacknowledged if plan is not None else [])
        ],
        "holds_follow_ups": user.organisation_id,
    }


def _plan_page(
    request: HttpRequest, case_id: uuid.UUID, *, status: int = 200, **forms_shown: Any
) -> HttpResponse:
    context = plan_page_context(request_user(request), case_id, **forms_shown)
    return render(request, "returns/plan_list.html", context, status=status)


@never_cache
@login_required
@domain_errors
def plan_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's return plan: wishes, risks, warnings, moves, reintegration, follow-up."""
    return _plan_page(request, case_id)


def _countries() -> list[tuple[str, str]]:
    return [("", _("Choose a country")), *selectors.country_choices()]


@never_cache
@login_required
@domain_errors
@records_on_case
def plan_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Prepare a return plan with the person (R-31)."""
    user = request_user(request)
    view = selectors.return_plan_list(user=user, case_id=case_id)
    form = forms.ReturnPlanForm(request.POST or None, countries=_countries())

    def write() -> object:
        return services.return_plan_create(actor=user, case_id=case_id, plan=form.plan())

    if _write(request, form, write, _("The return plan was saved.")):
        return redirect("returns:plan_list", case_id=case_id)
    context = {"view": view, "case": view.case, "form": form, "nav": "cases"}
    return render(request, "returns/plan_form.html", context, status=_status(form))


def _plan_initial(plan: selectors.PlanView) -> dict[str, Any]:
    raw = plan.raw
    fields = services.plans.PLAN_FIELDS
    initial = {field: getattr(raw, field) for field in fields if field != "partner_organisation"}
    initial.update(
        wishes=plan.wishes,
        risk_notes=plan.risk_notes,
        partner_organisation=plan.partner_organisation_id,
        version=plan.version,
    )
    return initial


@never_cache
@login_required
@domain_errors
@records_on_case
def plan_edit(request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    """Change the plan while it is being prepared."""
    user = request_user(request)
    view, plan = selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    if not plan.draft:
        return forbidden(request, reason=_("Only a plan being prepared is changed."))
    form = forms.ReturnPlanEditForm(
        request.POST or None, initial=_plan_initial(plan), countries=_countries()
    )

    def write() -> object:
        return services.return_plan_update(
            actor=user, plan_id=plan_id, plan=form.plan(), version=form.cleaned_data["version"]
        )

    if _write(request, form, write, _("The return plan was saved.")):
        return redirect("returns:plan_list", case_id=case_id)
    context = {"view": view, "case": view.case, "form": form, "plan": plan, "nav": "cases"}
    return render(request, "returns/plan_form.html", context, status=_status(form))


@never_cache
@login_required
@require_POST
@domain_errors
@records_on_case
def plan_acknowledge(request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    """Acknowledge one warning with a reason, as the signed-in person."""
    user = request_user(request)
    selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    form = forms.AcknowledgeForm(request.POST)

    def write() -> object:
        return services.return_warning_acknowledge(
            actor=user,
            plan_id=plan_id,
            warning=form.cleaned_data["warning"],
            reason=form.cleaned_data["reason"],
        )

    if _write(request, form, write, _("The warning was acknowledged.")):
        return redirect("returns:plan_list", case_id=case_id)
    return _plan_page(request, case_id, status=400, ack_form=form)


_MOVE_FORMS: dict[str, tuple[str, type[django_forms.Form]]] = {
    PlanAction.MARK_RETURNED: ("returned_form", forms.ReturnedForm),
    PlanAction.CANCEL: ("cancel_form", forms.CancelForm),
}


@never_cache
@login_required
@require_POST
@domain_errors
@records_on_case
def plan_transition(
    request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID, action: str
) -> HttpResponse:
    """Approve, reopen, mark returned or cancel: the service refuses an approval
    with a block or an unacknowledged warning, whatever the page showed."""
    if action not in PlanAction.values:
        raise Http404(_("Not found."))
    user = request_user(request)
    selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    name, form_class = _MOVE_FORMS.get(action, ("", django_forms.Form))
    form = form_class(request.POST)

    def write() -> object:
        return services.return_plan_transition(
            actor=user, plan_id=plan_id, action=action, **form.cleaned_data
        )

    if _write(request, form, write, _("The return plan was updated.")):
        return redirect("returns:plan_list", case_id=case_id)
    shown: dict[str, Any] = {name: form} if name else {}
    if not name:
        shown["action_error"] = " ".join(str(e) for e in form.non_field_errors())
    status = 409 if form.non_field_errors() else 400
    return _plan_page(request, case_id, status=status, **shown)


# --- reintegration and follow-up ------------------------------------------------------------------


@never_cache
@login_required
@require_POST
@domain_errors
@records_on_case
def goal_add(request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID) -> HttpResponse:
    """Add a goal to the reintegration plan."""
    user = request_user(request)
    selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    form = forms.GoalForm(request.POST)

    def write() -> object:
        return services.reintegration_goal_add(actor=user, plan_id=plan_id, **form.cleaned_data)

    if _write(request, form, write, _("The goal was added.")):
        return redirect("returns:plan_list", case_id=case_id)
    return _plan_page(request, case_id, status=400, goal_form=form)


@never_cache
@login_required
@domain_errors
@records_on_case
def goal_outcome(
    request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID, goal_id: uuid.UUID
) -> HttpResponse:
    """Record the outcome against a reintegration goal."""
    user = request_user(request)
    view, plan = selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    goal = next((g for g in plan.goals if g.id == goal_id), None)
    if goal is None:
        raise Http404(_("Not found."))
    initial = {"outcome": goal.outcome, "note": goal.outcome_note, "version": goal.version}
    form = forms.GoalOutcomeForm(request.POST or None, initial=initial)

    def write() -> object:
        return services.reintegration_goal_update(actor=user, goal_id=goal_id, **form.cleaned_data)

    if _write(request, form, write, _("The outcome was recorded.")):
        return redirect("returns:plan_list", case_id=case_id)
    context = {"view": view, "case": view.case, "plan": plan, "goal": goal, "form": form}
    context["nav"] = "cases"
    return render(request, "returns/goal_outcome.html", context, status=_status(form))


@never_cache
@login_required
@domain_errors
@records_on_case
def follow_up_record(
    request: HttpRequest, case_id: uuid.UUID, plan_id: uuid.UUID, follow_up_id: uuid.UUID
) -> HttpResponse:
    """Record a follow-up contact after return: its outcome and risk indicators (R-32)."""
    user = request_user(request)
    view, plan = selectors.return_plan_get(user=user, case_id=case_id, plan_id=plan_id)
    follow_up = next((f for f in plan.follow_ups if f.id == follow_up_id), None)
    if follow_up is None:
        raise Http404(_("Not found."))
    if follow_up.organisation_id != user.organisation_id or follow_up.outcome:
        return forbidden(
            request, reason=_("Only the organisation holding this follow-up records it, once.")
        )
    form = forms.FollowUpForm(request.POST or None)

    def write() -> object:
        return services.follow_up_record(actor=user, follow_up_id=follow_up_id, **form.cleaned_data)

    if _write(request, form, write, _("The follow-up contact was recorded.")):
        return redirect("returns:plan_list", case_id=case_id)
    context = {"view": view, "case": view.case, "plan": plan, "follow_up": follow_up, "form": form}
    return render(
        request, "returns/follow_up_record.html", {**context, "nav": "cases"}, status=_status(form)
    )


PLAN = "cases/<uuid:case_id>/plans/<uuid:plan_id>/"

urlpatterns: list[URLPattern] = [
    path("profiles/", profile_list, name="profile_list"),
    path("profiles/<str:country>/edit/", profile_edit, name="profile_edit"),
    path("cases/<uuid:case_id>/", plan_list, name="plan_list"),
    path("cases/<uuid:case_id>/new/", plan_new, name="plan_new"),
    path(f"{PLAN}edit/", plan_edit, name="plan_edit"),
    path(f"{PLAN}acknowledge/", plan_acknowledge, name="plan_acknowledge"),
    path(f"{PLAN}goals/add/", goal_add, name="goal_add"),
    path(f"{PLAN}goals/<uuid:goal_id>/", goal_outcome, name="goal_outcome"),
    path(f"{PLAN}follow-ups/<uuid:follow_up_id>/", follow_up_record, name="follow_up_record"),
    # Last: approve, reopen, mark_returned, cancel.
    path(f"{PLAN}<str:action>/", plan_transition, name="plan_transition"),
]
