"""Agreement (MoU) pages under /sharing/ (R-47): the list (with the proposals
waiting for the current administrator), one agreement with its flows and each
party's approval, proposing one, approving, refusing and ending it. For system
administrators, and organisation administrators of a party (or the national
coordinator, for a type of organisation); others get the 403 page with the
reason. Each view parses the request, calls one selector or service, and
renders. Request helpers and the one error mapping come from ``haven.lib.views``.
The national coordinator's list of legal bases has its pages in ``legal_bases``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access import errors, forms, policy, selectors, services
from haven.access.models import Agreement
from haven.access.views import legal_bases
from haven.accounts.current import request_user
from haven.lib.errors import HavenError, InvalidInput
from haven.lib.views import domain_errors, form_error

PAGE_SIZE = 25
View = Callable[..., HttpResponse]


@never_cache
@login_required
@domain_errors
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements with their parties and state; first, the proposals waiting for
    this administrator's approval."""
    user = request_user(request)
    agreements = selectors.agreement_list(user=user)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(a, selectors.agreement_status(a, today=today)) for a in page]
    context = {
        "page": page,
        "rows": rows,
        "awaiting": selectors.agreements_awaiting(user=user),
        "keeps_legal_bases": policy.rule_legal_basis_keeper(user=user).allowed,
        "nav": "agreements",
    }
    return render(request, "access/agreement_list.html", context)


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    *,
    end_form: forms.AgreementEndForm | None = None,
    refuse_form: forms.AgreementRefuseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    agreement_status = selectors.agreement_status(agreement)
    context = {
        "agreement": agreement,
        "status": agreement_status,
        # The approver rule the services apply decides which buttons are shown.
        "to_approve": selectors.parties_to_approve(user=user, agreement=agreement),
        "may_refuse": selectors.may_refuse(user=user, agreement=agreement),
        "may_end": agreement_status
        in (selectors.AgreementStatus.IN_FORCE, selectors.AgreementStatus.NOT_YET_VALID),
        "end_form": end_form or forms.AgreementEndForm(),
        "refuse_form": refuse_form or forms.AgreementRefuseForm(),
        "nav": "agreements",
    }
    return render(request, "access/agreement_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def agreement_detail(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """One agreement: its state, each party's approval, and its clauses (flows)."""
    agreement = selectors.agreement_get(user=request_user(request), agreement_id=agreement_id)
    return _detail(request, agreement)


def _add_domain_error(
    form: django_forms.Form,
    parties: forms.RowsFormSet[forms.PartyForm],
    flows: forms.RowsFormSet[forms.FlowForm],
    exc: HavenError,
) -> None:
    """A service's error goes beside the field, or above the rows it is about."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif exc.field == "parties":
        parties.add_error(exc.message)
    else:  # "flows": the rows check each clause's shape, so only "none given" is left
        flows.add_error(exc.message)


@never_cache
@login_required
@domain_errors
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Propose an agreement; it takes effect when every party has approved it.
    An organisation administrator names their organisation (or its type) as a party."""
    user = request_user(request)
    selectors.agreements_admin_check(user=user)
    country = user.organisation.country if user.organisation else ""
    organisations = {str(o.pk): o for o in selectors.organisation_list(country=country)}
    data = request.POST or None
    form = forms.AgreementForm(
        data,
        legal_bases=list(selectors.legal_basis_options(user=user)),
        replaceable=selectors.agreements_replaceable(user=user),
    )
    kwargs = {"organisations": organisations}
    parties = forms.PartyFormSet(data, prefix="party", form_kwargs=kwargs)
    flows = forms.FlowFormSet(data, prefix="flow", form_kwargs=kwargs)
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        if form.is_valid() and parties.is_valid() and flows.is_valid():
            try:
                agreement = services.agreement_propose(
                    actor=user,
                    parties=[row.party() for row in parties.filled()],
                    flows=[row.flow() for row in flows.filled()],
                    **form.arguments(),
                )
            except InvalidInput as exc:
                _add_domain_error(form, parties, flows, exc)
            except errors.SharingNotAllowed as exc:
                # Beside the parties: the administrator's own organisation is missing there.
                parties.add_error(exc.message)
                status = 403
            else:
                messages.success(
                    request,
                    _(
                        "The agreement was proposed. It takes effect when every party has "
                        "approved it; until then nothing is shared under it."
                    ),
                )
                return redirect("access:agreement_detail", agreement_id=agreement.id)
    context = {"form": form, "parties": parties, "flows": flows, "nav": "agreements"}
    return render(request, "access/agreement_new.html", context, status=status)


@login_required
@require_POST
@domain_errors
def agreement_approve(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """Approve a proposal for the parties the administrator speaks for."""
    user = request_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    approved = services.agreement_approve(actor=user, agreement_id=agreement.id)
    if selectors.agreement_status(approved) == selectors.AgreementStatus.PROPOSED:
        messages.success(
            request, _("Your approval was recorded. Other parties have still to approve.")
        )
    else:
        messages.success(request, _("Every party has approved: the agreement is in effect."))
    return redirect("access:agreement_detail", agreement_id=agreement.id)


@login_required
@require_POST
@domain_errors
def agreement_refuse(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """Refuse a proposal, with a reason: it never applies."""
    user = request_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    form = forms.AgreementRefuseForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_refuse(
                actor=user, agreement_id=agreement.id, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The agreement was refused. It never applies."))
            return redirect("access:agreement_detail", agreement_id=agreement.id)
    return _detail(request, agreement, refuse_form=form, status=400)


@login_required
@require_POST
@domain_errors
def agreement_end(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """End an agreement: access under it stops on the day given (today by default)."""
    user = request_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    form = forms.AgreementEndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(
                actor=user, agreement_id=agreement.id, ends_on=form.cleaned_data["ends_on"]
            )
        except (InvalidInput, errors.AgreementEnded) as exc:
            form.add_error("ends_on", exc.message)
        else:
            messages.success(request, _("The agreement was ended."))
            return redirect("access:agreement_detail", agreement_id=agreement.id)
    return _detail(request, agreement, end_form=form, status=400)


urlpatterns: list[URLPattern] = [
    path("agreements/", agreement_list, name="agreement_list"),
    path("agreements/new/", agreement_new, name="agreement_new"),
    path("agreements/<uuid:agreement_id>/", agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:agreement_id>/end/", agreement_end, name="agreement_end"),
    path("agreements/<uuid:agreement_id>/approve/", agreement_approve, name="agreement_approve"),
    path("agreements/<uuid:agreement_id>/refuse/", agreement_refuse, name="agreement_refuse"),
    *legal_bases.urlpatterns,
]
