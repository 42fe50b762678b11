"""Request-for-access pages (issue 11, R-47): a team member asks the case lead for
kinds of information hidden from it; the lead grants by recording the consent
(the page links to the consent form, prefilled) or refuses with a reason.

The ask page refuses (403, with the reason) anyone the case page would not offer
it to; a request is the same 404 as a missing one for any organisation but the
two it concerns. Forms post and redirect, without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error
from haven.referrals.forms import referrals as referral_forms
from haven.referrals.selectors import access_requests as selectors
from haven.referrals.services import access_requests as services
from haven.referrals.views.referrals import consent_link


@never_cache
@login_required
@domain_errors
def access_request_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: what is hidden from the user, what each kind needs, whom to contact, and
    the form to ask; POST: ask the case lead."""
    user = request_user(request)
    purpose = request.POST.get("purpose") or request.GET.get("purpose", "")
    options = selectors.access_request_options(user=user, case_id=case_id, purpose=purpose)
    groups = [(row.group, row.label) for row in options.askable]
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        form = referral_forms.AccessRequestForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                asked = services.access_request_ask(
                    actor=user,
                    case_id=case_id,
                    field_groups=form.cleaned_data["field_groups"],
                    reason=form.cleaned_data["reason"],
                    purpose=form.cleaned_data["purpose"],
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Your request was sent to the case lead."))
                return redirect("referrals:access_request_detail", request_id=asked.pk)
    else:
        form = referral_forms.AccessRequestForm(
            groups=groups,
            initial={"purpose": options.purpose, "field_groups": [g for g, _label in groups]},
        )
    context = {"options": options, "case": options.case, "form": form, "nav": "cases"}
    return render(request, "referrals/access_request_new.html", context, status=status)


def _detail_page(
    request: HttpRequest, request_id: uuid.UUID, *, form: Any = None, status: int = 200
) -> HttpResponse:
    detail = selectors.access_request_get(user=request_user(request), request_id=request_id)
    row = detail.row
    missing = [f.group for f in detail.flows if f.needs_consent and f.may_record_consent]
    consent_url = (
        consent_link(
            row.case_id,
            recipient_id=detail.asker_id,
            purpose=row.purpose,
            groups=missing,
            back=reverse("referrals:access_request_detail", args=[row.id]),
        )
        if detail.may_answer and missing
        else ""
    )
    context = {
        "detail": detail,
        "consent_url": consent_url,
        "refuse_form": form or referral_forms.AccessRefuseForm(),
        "nav": "cases",
    }
    return render(request, "referrals/access_request_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def access_request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """One request: what was asked and why, its answer, and for the case lead the
    way to grant it (record the consent) or refuse it."""
    return _detail_page(request, request_id)


@never_cache
@login_required
@require_POST
@domain_errors
def access_request_refuse(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """The case lead refuses, with a reason the asker reads."""
    form = referral_forms.AccessRefuseForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_refuse(
                actor=request_user(request),
                request_id=request_id,
                reason=form.cleaned_data["reason"],
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("The request was refused; the organisation that asked is told.")
            )
            return redirect("referrals:access_request_detail", request_id=request_id)
    return _detail_page(request, request_id, form=form, status=400)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/ask-access/", access_request_new, name="access_request_new"),
    path("access-requests/<uuid:request_id>/", access_request_detail, name="access_request_detail"),
    path(
        "access-requests/<uuid:request_id>/refuse/",
        access_request_refuse,
        name="access_request_refuse",
    ),
]
