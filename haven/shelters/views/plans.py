"""The group placement plan's pages (/shelters/plans/...), draft stage: for the
national coordinator of the incident's country only (``rule_desk_coordinator``,
the same rule the services apply). They show case references and place names,
never a name of a person, an address or coordinates.
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
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.current import request_user
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound
from haven.lib.views import domain_errors, form_error
from haven.shelters.forms import plans as plan_forms
from haven.shelters.selectors import plans as selectors
from haven.shelters.services import plans as services


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def plan_new(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: a draft plan of the incident's people, then its page."""
    user = request_user(request)
    organisation = selectors.coordinator_require(user)
    form = plan_forms.PlanForm(
        request.POST if request.method == "POST" else None, country=organisation.country
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=user,
                    incident_id=selectors.incident_id_of(form.cleaned_data["incident"]),
                    danger_region=form.cleaned_data["danger_region"],
                )
            except (InvalidInput, NotFound) as exc:
                form_error(form, exc)
            else:
                return redirect("shelters_plans:plan_detail", plan.pk)
    return render(
        request, "shelters/plans/plan_new.html", {"form": form, "nav": "desk"}, status=status
    )


def _plan_page(
    request: HttpRequest,
    plan_id: uuid.UUID,
    *,
    move: plan_forms.MoveForm | None = None,
    send: plan_forms.SendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    view = selectors.plan_detail(actor=user, plan_id=plan_id)
    draft = view.plan.state == view.plan.State.DRAFT
    context = {
        "view": view,
        "draft": draft,
        "move": move,
        "send": send,
        "blockers": selectors.send_blockers(actor=user, plan=view.plan) if draft else [],
        "nav": "desk",
    }
    return render(request, "shelters/plans/plan_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """The plan: people by family with their place, those not placed with why."""
    return _plan_page(request, plan_id)


@never_cache
@login_required
@require_POST
@domain_errors
def plan_solve(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    services.plan_solve(actor=request_user(request), plan_id=plan_id)
    messages.success(request, _("The plan was solved on the places free now."))
    return redirect("shelters_plans:plan_detail", plan_id)


@never_cache
@login_required
@require_POST
@domain_errors
def plan_send(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Send the plan to the shelters; a refusal is shown above the plan with what is
    missing or what changed (nothing is sent then)."""
    user = request_user(request)
    form = plan_forms.SendForm(request.POST)
    if form.is_valid():
        try:
            services.plan_send(actor=user, plan_id=plan_id, version=form.cleaned_data["version"])
        except (InvalidInput, Conflict, NotAllowed) as exc:  # a refusal the page shows
            form_error(form, exc)
        else:
            messages.success(request, _("The plan was sent: each shelter has its requests."))
            return redirect("shelters_plans:plan_detail", plan_id)
    return _plan_page(request, plan_id, send=form, status=400)


@never_cache
@login_required
@require_POST
@domain_errors
def plan_person_remove(request: HttpRequest, plan_id: uuid.UUID, person_id: int) -> HttpResponse:
    services.plan_person_remove(actor=request_user(request), plan_id=plan_id, person_id=person_id)
    messages.success(request, _("The person was taken off the plan."))
    return redirect("shelters_plans:plan_detail", plan_id)


@never_cache
@login_required
@require_POST
@domain_errors
def plan_move(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Move one person with their family; a refusal is shown above the plan with its
    reason (the hard rule the place would break)."""
    user = request_user(request)
    view = selectors.plan_detail(actor=user, plan_id=plan_id)
    form = plan_forms.MoveForm(request.POST, places=view.places)
    if form.is_valid():
        try:
            services.plan_move(
                actor=user,
                plan_id=plan_id,
                person_id=form.cleaned_data["person"],
                place_id=form.cleaned_data["place"],
            )
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Moved."))
            return redirect("shelters_plans:plan_detail", plan_id)
    return _plan_page(request, plan_id, move=form, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def plan_person(request: HttpRequest, plan_id: uuid.UUID, person_id: int) -> HttpResponse:
    """GET: the form with the person's family, risk level and needs; POST: save them
    (the plan is then solved again)."""
    user = request_user(request)
    person = selectors.plan_person(actor=user, plan_id=plan_id, person_id=person_id)
    initial = {
        "family": person.family,
        "risk_level": person.risk_level,
        "needs_wheelchair_access": person.needs_wheelchair_access,
        "needs_disability_access": person.needs_disability_access,
        "person_agreed_on": person.person_agreed_on,
    }
    form = plan_forms.PlanPersonForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.plan_person_update(
                    actor=user, plan_id=plan_id, person_id=person_id, **form.cleaned_data
                )
            except HavenError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Saved. Solve the plan again."))
                return redirect("shelters_plans:plan_detail", plan_id)
    context = {"form": form, "person": person, "plan_id": plan_id, "nav": "desk"}
    return render(request, "shelters/plans/plan_person.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("plans/new/", plan_new, name="plan_new"),
    path("plans/<uuid:plan_id>/", plan_detail, name="plan_detail"),
    path("plans/<uuid:plan_id>/solve/", plan_solve, name="plan_solve"),
    path("plans/<uuid:plan_id>/move/", plan_move, name="plan_move"),
    path("plans/<uuid:plan_id>/send/", plan_send, name="plan_send"),
    path("plans/<uuid:plan_id>/people/<int:person_id>/", plan_person, name="plan_person"),
    path(
        "plans/<uuid:plan_id>/people/<int:person_id>/remove/",
        plan_person_remove,
        name="plan_person_remove",
    ),
]
