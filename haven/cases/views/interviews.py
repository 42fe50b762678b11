"""Interview pages: the person's interviews, a new one, and one record (R-14, R-28).

The new-interview page shows the earlier interviews first and asks why another
is needed; for a child it offers the Barnahus route. Each view parses the
request, calls one selector or service, and renders. Hidden and missing cases
and records give the same 404 (``domain_errors``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.cases import errors, selectors, services
from haven.cases.forms import interviews as interview_forms
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import Interview, Premises
from haven.cases.views.guards import records_on_case
from haven.lib.views import domain_errors, forbidden


def initial_for(listing: selectors.CaseInterviews) -> dict[str, Any]:
    """A child is offered the Barnahus route (R-14, R-28); the same interviewer as
    last time where possible (R-28)."""
    initial: dict[str, Any] = {}
    if listing.treat_as_child:
        initial.update(
            barnahus_route=True,
            representative_present=True,
            premises=Premises.CHILD_FRIENDLY,
            readers=[str(pk) for pk in listing.barnahus_readers],
        )
    last = listing.last
    if last is not None:
        initial.update(
            interviewer_name=last.interviewer_name,
            interviewer_role=last.interviewer_role,
            training_evidence=last.training_evidence,
        )
    return initial


@never_cache
@login_required
@domain_errors
def interview_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The person's interviews, with who may read each one (R-14), read for the
    purpose in ``?purpose=`` as on the case page."""
    purpose_form = sharing_forms.purpose_form(request.GET)
    listing = selectors.interview_list(
        user=request_user(request), case_id=case_id, purpose=purpose_form.chosen
    )
    context = {
        "case": listing.case,
        "listing": listing,
        "purpose_form": purpose_form,
        "nav": "cases",
    }
    status = 400 if purpose_form.errors else 200
    return render(request, "cases/interview_list.html", context, status=status)


@never_cache
@login_required
@domain_errors
@records_on_case
def interview_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record an interview: the earlier ones first, then why another (R-14)."""
    user = request_user(request)
    listing = selectors.interview_list(user=user, case_id=case_id)
    if not listing.may_record:
        return forbidden(request, reason=listing.record_refusal)
    form = interview_forms.InterviewForm(
        request.POST or None, listing=listing, initial=initial_for(listing)
    )
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        if form.is_valid():
            try:
                interview = services.interview_record(
                    actor=user, case_id=listing.case.id, interview=form.interview_input()
                )
            except errors.InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                _confirm(request, interview=interview, listing=listing)
                return redirect("cases:interview_detail", interview_id=interview.id)
    context = {
        "case": listing.case,
        "listing": listing,
        "form": form,
        "nav": "cases",
    }
    return render(request, "cases/interview_new.html", context, status=status)


def _confirm(
    request: HttpRequest, *, interview: Interview, listing: selectors.CaseInterviews
) -> None:
    messages.success(request, _("The interview was recorded."))
    delayed = selectors.interview_unduly_delayed(
        treated_as_child=interview.treated_as_child, delay_days=interview.delay_days
    )
    if delayed:
        messages.warning(
            request,
            _(
                "This child was interviewed %(days)d days after the report, later than the "
                "%(limit)d days set for avoiding undue delay (R-28). It is flagged on the record."
            )
            % {"days": interview.delay_days, "limit": listing.max_delay_days},
        )


@never_cache
@login_required
@domain_errors
def interview_detail(request: HttpRequest, interview_id: uuid.UUID) -> HttpResponse:
    """One record: its content if your agency is a reader allowed the narrative group
    for the purpose in ``?purpose=`` (as on the case page)."""
    purpose_form = sharing_forms.purpose_form(request.GET)
    interview = selectors.interview_get(
        user=request_user(request), interview_id=interview_id, purpose=purpose_form.chosen
    )
    context = {"interview": interview, "purpose_form": purpose_form, "nav": "cases"}
    status = 400 if purpose_form.errors else 200
    return render(request, "cases/interview_detail.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/interviews/", interview_list, name="interview_list"),
    path("<uuid:case_id>/interviews/new/", interview_new, name="interview_new"),
    path("interviews/<uuid:interview_id>/", interview_detail, name="interview_detail"),
]
