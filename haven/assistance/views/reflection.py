"""The recovery and reflection period page (R-15): dates, days left, extensions
and any early end, with the forms to extend it or end it early for the
supervisors who may decide on it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives
the 403 page with its reason. The forms post and redirect, without JavaScript.
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
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.assistance.forms import reflection as reflection_forms
from haven.assistance.selectors import reflection as selectors
from haven.assistance.services import reflection as services
from haven.lib import locking
from haven.lib.errors import Conflict, EditConflict, InvalidInput
from haven.lib.views import EditConflictShown, domain_errors, edit_conflict, form_error


def _page(
    request: HttpRequest,
    case_id: uuid.UUID,
    *,
    extend_form: reflection_forms.ExtendForm | None = None,
    end_form: reflection_forms.EndEarlyForm | None = None,
    conflict: EditConflictShown | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.reflection_period_get(user=request_user(request), case_id=case_id)
    version = view.period.version if view.period is not None else None
    context = {
        "view": view,
        "case": view.case,
        "extend_form": extend_form or reflection_forms.ExtendForm(initial={"version": version}),
        "end_form": end_form or reflection_forms.EndEarlyForm(),
        "conflict": conflict,
        "nav": "cases",
    }
    return render(request, "assistance/reflection_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def reflection_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The period as the user may see it (legal group)."""
    return _page(request, case_id)


@never_cache
@login_required
@require_POST
@domain_errors
def reflection_extend(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    form = reflection_forms.ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_period_extend(
                actor=request_user(request), case_id=case_id, **form.cleaned_data
            )
        except EditConflict as exc:
            # Someone extended it meanwhile: keep what was typed, show what is saved now.
            return _extend_conflict(request, case_id, exc)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The reflection period was extended."))
            return redirect("assistance:reflection_detail", case_id=case_id)
    return _page(request, case_id, extend_form=form, status=400)


def _extend_conflict(request: HttpRequest, case_id: uuid.UUID, exc: EditConflict) -> HttpResponse:
    view = selectors.reflection_period_get(user=request_user(request), case_id=case_id)
    period = view.period
    assert period is not None  # noqa: S101 - a conflict means the period was saved meanwhile
    saved = [
        (_("End"), date_format(period.ends_on)),
        (_("Days granted"), str(period.granted_days)),
    ]
    data, conflict = edit_conflict(exc, data=request.POST, version=period.version, saved=saved)
    # The extend form's fields carry its prefix: the version it sends back is "extend-version".
    data[f"{reflection_forms.ExtendForm.prefix}-{locking.VERSION}"] = str(period.version)
    form = reflection_forms.ExtendForm(data)
    return _page(request, case_id, extend_form=form, conflict=conflict, status=409)


@never_cache
@login_required
@require_POST
@domain_errors
def reflection_end_early(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    form = reflection_forms.EndEarlyForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_period_end_early(
                actor=request_user(request), case_id=case_id, **form.cleaned_data
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The reflection period was ended early."))
            return redirect("assistance:reflection_detail", case_id=case_id)
    return _page(request, case_id, end_form=form, status=400)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/reflection/", reflection_detail, name="reflection_detail"),
    path("cases/<uuid:case_id>/reflection/extend/", reflection_extend, name="reflection_extend"),
    path(
        "cases/<uuid:case_id>/reflection/end-early/",
        reflection_end_early,
        name="reflection_end_early",
    ),
]
