"""The cooperation page of a case: the history of what was recorded about the
person's cooperation with the authorities and witness status, and the form to
record a change (legal group, R-18).

The page says at the top that this is for proceedings and permits only and that
assistance never depends on it. Hidden and missing cases give the same 404
(``domain_errors``); a refusal gives the 403 page with its reason. The form posts
and redirects, without JavaScript.
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

from haven.accounts.current import request_user
from haven.justice import selectors, services
from haven.justice.forms import CooperationForm
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors


def _page(
    request: HttpRequest, case_id: uuid.UUID, form: CooperationForm, status: int = 200
) -> HttpResponse:
    history = selectors.cooperation_history(user=request_user(request), case_id=case_id)
    context = {
        "history": history,
        "case": history.case,
        "form": form,
        "statement": selectors.STATEMENT,
        "nav": "cases",
    }
    return render(request, "justice/cooperation_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def cooperation_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the history and the form; POST: record a change (legal group, R-18)."""
    if request.method != "POST":
        return _page(request, case_id, CooperationForm())
    form = CooperationForm(request.POST)
    if form.is_valid():
        try:
            services.cooperation_record(
                actor=request_user(request),
                case_id=case_id,
                cooperates_with_authorities=form.cleaned_data["cooperates_with_authorities"]
                == "yes",
                is_witness=form.cleaned_data["is_witness"] == "yes",
                recorded_on=form.cleaned_data["recorded_on"],
            )
        except (InvalidInput, Conflict) as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The cooperation status was recorded."))
            return redirect("justice:cooperation", case_id=case_id)
    return _page(request, case_id, form, status=400)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/cooperation/", cooperation_detail, name="cooperation"),
]
