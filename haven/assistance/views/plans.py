"""Assistance plans, services and closing (R-19, R-20, R-22): the overview, the
new plan (optionally from a needs assessment), adding a service, one page per
service with its start, complete, refuse and stop forms, and the close and
reopen forms. The services field group, as the services and selectors decide it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives
the 403 page with its reason. Every form posts and redirects, without JavaScript:
the new plan is a formset with a fixed number of rows, a row used when its
service type is chosen.
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
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.assistance.forms import plans as plan_forms
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import plans as selectors
from haven.assistance.services import plans as services
from haven.cases.views.guards import records_on_case
from haven.lib.errors import Conflict, HavenError, InvalidInput
from haven.lib.views import domain_errors, form_error, form_write

EMPTY_ROWS = 3  # the empty service rows a new plan offers, besides the suggested ones


def _providers() -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in selectors.providers()]


def _render(
    request: HttpRequest, template: str, view: selectors.PlansView, status: int = 200, **more: Any
) -> HttpResponse:
    context = {"view": view, "case": view.case, "nav": "cases", **more}
    return render(request, f"assistance/{template}", context, status=status)


@never_cache
@login_required
@domain_errors
def plan_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's plans, services, financial support and closing decisions."""
    view = selectors.plans_for_case(user=request_user(request), case_id=case_id)
    return _render(
        request,
        "plan_list.html",
        view,
        close_form=plan_forms.CloseForm(),
        reopen_form=plan_forms.ReopenForm(),
    )


def _suggested_types(request: HttpRequest) -> tuple[str | None, list[str]]:
    """The needs assessment named by ?assessment=, and the service types its
    sections call for (one row each, in the order of the sections)."""
    assessment_id = request.GET.get("assessment") or request.POST.get("plan-assessment")
    if not assessment_id:
        return None, []
    assessment = assessment_selectors.assessment_get(
        user=request_user(request), assessment_id=assessment_id
    )
    types: list[str] = []
    if assessment.kind == "needs":
        for section in assessment.sections:
            if section.calls_for_service:
                types += [t for t in section.services if t not in types]
    return str(assessment.id), types


def plan_rows(
    data: Any, *, suggested: list[str], providers: list[tuple[str, str]]
) -> list[plan_forms.ServiceForm]:
    """The fixed rows of the new plan: one per suggested service type, then empty ones."""
    count = len(suggested) + EMPTY_ROWS
    return [
        plan_forms.ServiceForm(
            data,
            prefix=f"service-{index}",
            providers=providers,
            initial={"service_type": suggested[index]} if index < len(suggested) else None,
        )
        for index in range(count)
    ]


def _rows_valid(rows: list[plan_forms.ServiceForm]) -> bool:
    return all(row.is_valid() for row in rows)


@never_cache
@login_required
@domain_errors
@records_on_case
def plan_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the plan form (rows suggested by ?assessment=); POST: record the plan.
    Refused up front to a user whose plan the write would refuse."""
    user = request_user(request)
    selectors.plan_write_require(user=user, case_id=case_id)
    view = selectors.plans_for_case(user=user, case_id=case_id)
    assessment_id, suggested = _suggested_types(request)
    providers = _providers()
    posted = request.POST if request.method == "POST" else None
    form = plan_forms.PlanForm(posted)
    rows = plan_rows(posted, suggested=suggested, providers=providers)
    status = 200
    if posted is not None:
        status = 400
        if form.is_valid() and _rows_valid(rows):
            used = [row for row in rows if row.used]
            if _record_plan(user, case_id, assessment_id, form, used):
                messages.success(request, _("The plan was recorded."))
                return redirect("assistance:plans", case_id=case_id)
    return _render(
        request,
        "plan_new.html",
        view,
        status=status,
        form=form,
        rows=rows,
        assessment_id=assessment_id,
    )


def _record_plan(
    user: Any,
    case_id: uuid.UUID,
    assessment_id: str | None,
    form: plan_forms.PlanForm,
    used: list[plan_forms.ServiceForm],
) -> bool:
    try:
        services.plan_create(
            actor=user,
            case_id=case_id,
            agreed_on=form.cleaned_data["agreed_on"],
            person_view=form.cleaned_data["person_view"],
            services=[row.service_input() for row in used],
            assessment_id=assessment_id,
        )
    except (InvalidInput, Conflict) as exc:
        _plan_error(form, used, exc)
        return False
    return True


def _plan_error(
    form: plan_forms.PlanForm, used: list[plan_forms.ServiceForm], exc: HavenError
) -> None:
    """``services.<index>.<field>`` goes next to the field of that row."""
    parts = (exc.field or "").split(".")
    if len(parts) == 3 and parts[0] == "services":
        row = used[int(parts[1])]
        field = parts[2] if parts[2] in row.fields else None
        row.add_error(field, exc.message)
        return
    if exc.field == "services":
        form.add_error(None, exc.message)
        return
    form_error(form, exc)


@never_cache
@login_required
@domain_errors
@records_on_case
def service_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the form to add one service; POST: record it."""
    user = request_user(request)
    view = selectors.plans_for_case(user=user, case_id=case_id)
    plans = [(str(p.id), str(p.agreed_on)) for p in view.plans]
    posted = request.POST if request.method == "POST" else None
    form = plan_forms.AddServiceForm(posted, providers=_providers(), plans=plans)
    status = 200
    if posted is not None:
        status = 400
        if form.is_valid():
            if not form.cleaned_data["service_type"]:
                form.add_error("service_type", _("Choose a service from the list."))
            elif form_write(
                form,
                lambda: services.service_add(
                    actor=user,
                    case_id=case_id,
                    service=form.service_input(),
                    plan_id=form.cleaned_data["plan"] or None,
                ),
            ):
                messages.success(request, _("The service was recorded."))
                return redirect("assistance:plans", case_id=case_id)
    return _render(request, "service_new.html", view, status=status, form=form)


def _service_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    service_id: uuid.UUID,
    status: int = 200,
    **forms_: Any,
) -> HttpResponse:
    view = selectors.plans_for_case(user=request_user(request), case_id=case_id)
    service = view.service(service_id)
    if service is None:
        raise Http404(_("Not found."))  # the same 404 as a hidden case
    context = {
        "service": service,
        "start_form": forms_.get("start_form") or plan_forms.StartForm(),
        "complete_form": forms_.get("complete_form") or plan_forms.CompleteForm(),
        "refuse_form": forms_.get("refuse_form") or plan_forms.RefuseForm(),
        "stop_form": forms_.get("stop_form") or plan_forms.StopForm(),
    }
    return _render(request, "service_detail.html", view, status=status, **context)


@never_cache
@login_required
@domain_errors
def service_detail(request: HttpRequest, case_id: uuid.UUID, service_id: uuid.UUID) -> HttpResponse:
    """One service with the forms for what may follow (start, complete, refuse, stop)."""
    return _service_page(request, case_id, service_id)


_CHANGES: dict[str, tuple[type[forms.Form], Callable[..., object], str | Promise]] = {
    "start": (plan_forms.StartForm, services.service_start, gettext_lazy("The service started.")),
    "complete": (
        plan_forms.CompleteForm,
        services.service_complete,
        gettext_lazy("The service ended."),
    ),
    "refuse": (
        plan_forms.RefuseForm,
        services.service_refuse,
        gettext_lazy("The refusal was recorded."),
    ),
    "stop": (plan_forms.StopForm, services.service_stop, gettext_lazy("The service was stopped.")),
}


def _change(action: str) -> Callable[..., HttpResponse]:
    form_class, write, done = _CHANGES[action]

    @never_cache
    @login_required
    @require_POST
    @domain_errors
    def view(request: HttpRequest, case_id: uuid.UUID, service_id: uuid.UUID) -> HttpResponse:
        user = request_user(request)
        form = form_class(request.POST)
        if form.is_valid() and form_write(
            form, lambda: write(actor=user, service_id=service_id, **form.cleaned_data)
        ):
            messages.success(request, str(done))
            return redirect("assistance:service_detail", case_id=case_id, service_id=service_id)
        return _service_page(request, case_id, service_id, status=400, **{f"{action}_form": form})

    view.__name__ = f"service_{action}"
    return view


def _closure_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    form_class: type[forms.Form],
    write: Callable[..., object],
    done: str,
    template: str,
) -> HttpResponse:
    """GET: the decision form; POST: ``write`` it, then back to the plans (400 if refused)."""
    user = request_user(request)
    view = selectors.plans_for_case(user=user, case_id=case_id)
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form_write(
            form, lambda: write(actor=user, case_id=case_id, **form.cleaned_data)
        ):
            messages.success(request, done)
            return redirect("assistance:plans", case_id=case_id)
    return _render(request, template, view, status=status, form=form)


@never_cache
@login_required
@domain_errors
@records_on_case
def closure_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the closing decision form; POST: close assistance (R-22)."""
    return _closure_page(
        request,
        case_id,
        plan_forms.CloseForm,
        services.assistance_close,
        _("Assistance was closed."),
        "closure_new.html",
    )


@never_cache
@login_required
@domain_errors
def closure_reopen(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the reopening form; POST: reopen assistance (R-22)."""
    return _closure_page(
        request,
        case_id,
        plan_forms.ReopenForm,
        services.assistance_reopen,
        _("Assistance was reopened."),
        "closure_reopen.html",
    )


SERVICE = "cases/<uuid:case_id>/services/<uuid:service_id>/"
urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/plans/", plan_list, name="plans"),
    path("cases/<uuid:case_id>/plans/new/", plan_new, name="plan_new"),
    path("cases/<uuid:case_id>/services/new/", service_new, name="service_new"),
    path(SERVICE, service_detail, name="service_detail"),
    *[path(f"{SERVICE}{a}/", _change(a), name=f"service_{a}") for a in _CHANGES],
    path("cases/<uuid:case_id>/closure/", closure_new, name="closure_new"),
    path("cases/<uuid:case_id>/closure/reopen/", closure_reopen, name="closure_reopen"),
]
