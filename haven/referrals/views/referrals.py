"""Referral pages (R-47): the incoming and outgoing lists of the user's
organisation, one referral with the answers the user may give, the form to
refer a case's person to another organisation, and the lead transfer pages.

Everything goes through the referral services and selectors. A referral or
transfer the user's organisation is not party to is the same 404 as a missing
one (``domain_errors``); the forms post and redirect, without JavaScript, and
show refusals next to the field they are about.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access.models import Purpose
from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases import drafts
from haven.cases import selectors as case_selectors
from haven.cases.models import DraftKind
from haven.cases.views import drafts as draft_views
from haven.cases.views.guards import records_on_case
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error
from haven.referrals import states
from haven.referrals.forms import referrals as referral_forms
from haven.referrals.models import Referral, ReferralState
from haven.referrals.selectors import referrals as selectors
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as services

A = states.ReferralAction
L = states.LeadTransferAction


REFERRAL_FORMS: dict[str, type[forms.Form]] = {
    A.ACCEPT: referral_forms.EmptyForm,
    A.DECLINE: referral_forms.DeclineForm,
    A.REQUEST_INFO: referral_forms.QuestionForm,
    A.PROVIDE_INFO: referral_forms.AnswerForm,
    A.WITHDRAW: referral_forms.WithdrawForm,
}
SLUGS = {"accept": A.ACCEPT, "decline": A.DECLINE, "request-info": A.REQUEST_INFO}
SLUGS |= {"provide-info": A.PROVIDE_INFO, "withdraw": A.WITHDRAW}
TRANSFER_SLUGS = {"accept": L.ACCEPT, "decline": L.DECLINE, "withdraw": L.WITHDRAW}
# What each answer's heading and button say: what the user is about to do, not what
# the history will call it afterwards.
BUTTONS = {
    A.ACCEPT: gettext_lazy("Accept the referral"),
    A.DECLINE: gettext_lazy("Decline the referral"),
    A.REQUEST_INFO: gettext_lazy("Ask for more information"),
    A.PROVIDE_INFO: gettext_lazy("Give the information asked for"),
    A.WITHDRAW: gettext_lazy("Withdraw the referral"),
}
TRANSFER_BUTTONS = {
    L.ACCEPT: gettext_lazy("Accept the lead"),
    L.DECLINE: gettext_lazy("Decline the lead"),
    L.WITHDRAW: gettext_lazy("Withdraw the proposal"),
}


# --- lists --------------------------------------------------------------------------------


def _list(request: HttpRequest, direction: str) -> HttpResponse:
    user = request_user(request)
    state = request.GET.get("state", "")
    state = state if state in ReferralState.values else ""
    select = (
        selectors.referrals_incoming if direction == "incoming" else selectors.referrals_outgoing
    )
    context = {
        "direction": direction,
        "rows": select(user=user, state=state or None),
        "state": state,
        "states": ReferralState.choices,
        "nav": "referrals",
    }
    return render(request, "referrals/referral_list.html", context)


@never_cache
@login_required
@domain_errors
def referral_incoming(request: HttpRequest) -> HttpResponse:
    """Referrals sent to the user's organisation, with state and age."""
    return _list(request, "incoming")


@never_cache
@login_required
@domain_errors
def referral_outgoing(request: HttpRequest) -> HttpResponse:
    """Referrals the user's organisation sent, with state and age."""
    return _list(request, "outgoing")


# --- one referral -----------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest, referral_id: uuid.UUID, *, status: int = 200, bound: Any = None
) -> HttpResponse:
    detail = selectors.referral_get(user=request_user(request), referral_id=referral_id)
    action_forms = [
        (
            BUTTONS[action],
            slug,
            bound[1] if bound and bound[0] == action else REFERRAL_FORMS[action](),
        )
        for slug, action in SLUGS.items()
        if action in detail.actions
    ]
    context = {"detail": detail, "forms": action_forms, "nav": "referrals"}
    return render(request, "referrals/referral_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """One referral: message, history, and the answers this user may give."""
    return _detail_page(request, referral_id)


def _referral_write(
    user: User, action: str, referral_id: uuid.UUID, data: dict[str, Any]
) -> Referral:
    writes: dict[str, Callable[[], Referral]] = {
        A.ACCEPT: lambda: services.referral_accept(actor=user, referral_id=referral_id),
        A.DECLINE: lambda: services.referral_decline(
            actor=user, referral_id=referral_id, reason=data["reason"], note=data["note"]
        ),
        A.REQUEST_INFO: lambda: services.referral_request_info(
            actor=user, referral_id=referral_id, question=data["question"]
        ),
        A.PROVIDE_INFO: lambda: services.referral_provide_info(
            actor=user, referral_id=referral_id, answer=data["answer"]
        ),
        A.WITHDRAW: lambda: services.referral_withdraw(
            actor=user, referral_id=referral_id, note=data["note"]
        ),
    }
    return writes[action]()


@never_cache
@login_required
@require_POST
@domain_errors
def referral_act(request: HttpRequest, referral_id: uuid.UUID, action: str) -> HttpResponse:
    """Accept, decline, ask, answer or withdraw (as the state table allows)."""
    if action not in SLUGS:
        raise Http404(_("Not found."))
    move = SLUGS[action]
    form = REFERRAL_FORMS[move](request.POST)
    if form.is_valid():
        try:
            referral = _referral_write(request_user(request), move, referral_id, form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            if move == A.ACCEPT:  # now on the case team: straight to the case and its work
                messages.success(
                    request, _("Referral accepted: your organisation is now on the case team.")
                )
                return redirect("web:case_detail", case_id=referral.case_id)
            messages.success(request, _("Done: %(action)s.") % {"action": move.label})
            return redirect("referrals:referral_detail", referral_id=referral_id)
    return _detail_page(request, referral_id, status=400, bound=(move, form))


# --- a new referral ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowLine:
    """A row of the "what can be shared" table, with the link to record the
    missing consent (prefilled: recipient, purpose, the kind) when this user may."""

    row: selectors.FlowRow
    consent_url: str = ""


def consent_link(
    case_id: uuid.UUID,
    *,
    recipient_id: object,
    purpose: str,
    groups: list[str],
    back: str = "",
) -> str:
    """The consent page with the recipient, purpose and kinds chosen in advance,
    returning once recorded to ``back`` (by default the referral check for this
    recipient and purpose): ids and keys only, never personal data in the address."""
    if not back:
        check = urlencode({"to": str(recipient_id), "purpose": purpose})
        back = f"{reverse('referrals:referral_new', args=[case_id])}?{check}"
    query = urlencode(
        {
            "recipient": f"org:{recipient_id}",
            "purpose": purpose,
            "field_groups": groups,
            "next": back,
        },
        doseq=True,
    )
    return f"{reverse('cases:consent_new', args=[case_id])}?{query}"


def _flows(user: User, case_id: uuid.UUID, query: Any) -> tuple[list[FlowLine], Any, str]:
    """The table's lines, the organisation checked, and the link that records every
    missing consent at once ("" when none is missing or the user may not)."""
    check = referral_forms.CheckForm(query)
    if not check.is_valid():
        return [], None, ""
    data = check.cleaned_data
    rows = selectors.referral_flows(
        user=user, case_id=case_id, to_organisation_id=data["to"], purpose=data["purpose"]
    )

    def link(groups: list[str]) -> str:
        return consent_link(
            case_id, recipient_id=data["to"], purpose=data["purpose"], groups=groups
        )

    missing = [r.group for r in rows if r.needs_consent and r.may_record_consent]
    lines = [
        FlowLine(r, link([r.group]) if r.needs_consent and r.may_record_consent else "")
        for r in rows
    ]
    return lines, data["to"], link(missing) if len(missing) > 1 else ""


@never_cache
@login_required
@domain_errors
@records_on_case
def referral_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the referral form (with ?to=&purpose=, which groups can flow there);
    POST: send the referral."""
    user = request_user(request)
    case = case_selectors.case_get(user=user, case_id=case_id)
    status = 200
    draft_id = ""
    if request.method == "POST":
        status = 400
        form = referral_forms.ReferralForm(request.POST, user=user)
        draft_id = draft_views.resume(request, form, kind=DraftKind.REFERRAL)
        query: Any = {
            "to": request.POST.get("to_organisation"),
            "purpose": request.POST.get("purpose"),
        }
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_send(
                    actor=user,
                    case_id=case_id,
                    to_organisation_id=data["to_organisation"].pk,
                    referral_type=data["referral_type"],
                    purpose=data["purpose"],
                    field_groups=data["field_groups"],
                    message=data["message"],
                    urgent=data["urgent"],
                    directory_entry_id=data["directory_entry"].pk
                    if data["directory_entry"]
                    else None,
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                if draft_id:  # sent: the draft has done its work
                    drafts.draft_delete(actor=user, draft_id=draft_id)
                messages.success(request, _("The referral was sent."))
                return redirect("referrals:referral_detail", referral_id=referral.pk)
    else:
        form = referral_forms.ReferralForm(
            user=user,
            initial={
                "to_organisation": request.GET.get("to"),
                "purpose": request.GET.get("purpose"),
                "directory_entry": request.GET.get("entry"),
            },
        )
        draft_id = draft_views.resume(request, form, kind=DraftKind.REFERRAL)
        # A resumed draft shows what can be shared with the organisation it chose.
        query = _draft_query(form) if draft_id else request.GET
    flows, to, consent_all_url = _flows(user, case_id, query)
    context = {
        "case": case,
        "form": form,
        "flows": flows,
        "consent_all_url": consent_all_url,
        "checked_organisation": to,
        "organisations": referral_forms.organisations_to_refer_to(user),
        "purposes": Purpose.choices,
        "nav": "cases",
        **draft_views.form_context(
            request, kind=DraftKind.REFERRAL, draft_id=draft_id, case_id=case.id
        ),
    }
    return render(request, "referrals/referral_new.html", context, status=status)


def _draft_query(form: forms.Form) -> dict[str, Any]:
    """The check's question (organisation, purpose) as a resumed draft answers it."""
    return {"to": form.initial.get("to_organisation"), "purpose": form.initial.get("purpose")}


# --- lead transfer --------------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors
def lead_transfer_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's lead transfers, and (for the lead) the form to propose one."""
    user = request_user(request)
    case = case_selectors.case_get(user=user, case_id=case_id)
    members = selectors.lead_transfer_candidates(user=user, case_id=case_id)
    form = referral_forms.LeadTransferForm(request.POST if request.method == "POST" else None)
    form.fields["to_organisation"].choices = members  # type: ignore[attr-defined]  # ChoiceField
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                transfer = lead_services.lead_transfer_propose(
                    actor=user,
                    case_id=case_id,
                    to_organisation_id=form.cleaned_data["to_organisation"],
                    reason=form.cleaned_data["reason"],
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The lead transfer was proposed."))
                return redirect("referrals:lead_transfer_detail", transfer_id=transfer.pk)
    context = {
        "case": case,
        "form": form,
        "transfers": selectors.lead_transfers_of_case(user=user, case_id=case_id),
        "nav": "cases",
    }
    return render(request, "referrals/lead_transfer_new.html", context, status=status)


def _transfer_page(
    request: HttpRequest, transfer_id: uuid.UUID, *, status: int = 200, bound: Any = None
) -> HttpResponse:
    transfer = selectors.lead_transfer_get(user=request_user(request), transfer_id=transfer_id)
    action_forms = [
        (
            TRANSFER_BUTTONS[action],
            slug,
            bound[1]
            if bound and bound[0] == action
            else (
                referral_forms.LeadDeclineForm()
                if action == L.DECLINE
                else referral_forms.EmptyForm()
            ),
        )
        for slug, action in TRANSFER_SLUGS.items()
        if action in transfer.actions
    ]
    context = {"transfer": transfer, "forms": action_forms, "nav": "referrals"}
    return render(request, "referrals/lead_transfer_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def lead_transfer_detail(request: HttpRequest, transfer_id: uuid.UUID) -> HttpResponse:
    """One lead transfer, with the answers this user may give."""
    return _transfer_page(request, transfer_id)


@never_cache
@login_required
@require_POST
@domain_errors
def lead_transfer_act(request: HttpRequest, transfer_id: uuid.UUID, action: str) -> HttpResponse:
    """Accept, decline or withdraw a proposed lead transfer."""
    if action not in TRANSFER_SLUGS:
        raise Http404(_("Not found."))
    move = TRANSFER_SLUGS[action]
    user = request_user(request)
    form = (
        referral_forms.LeadDeclineForm(request.POST)
        if move == L.DECLINE
        else referral_forms.EmptyForm(request.POST)
    )
    if form.is_valid():
        try:
            if move == L.ACCEPT:
                lead_services.lead_transfer_accept(actor=user, transfer_id=transfer_id)
            elif move == L.DECLINE:
                lead_services.lead_transfer_decline(
                    actor=user, transfer_id=transfer_id, note=form.cleaned_data["note"]
                )
            else:
                lead_services.lead_transfer_withdraw(actor=user, transfer_id=transfer_id)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": move.label})
            return redirect("referrals:lead_transfer_detail", transfer_id=transfer_id)
    return _transfer_page(request, transfer_id, status=400, bound=(move, form))


urlpatterns: list[URLPattern] = [
    path("incoming/", referral_incoming, name="referral_incoming"),
    path("outgoing/", referral_outgoing, name="referral_outgoing"),
    path("<uuid:referral_id>/", referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/<slug:action>/", referral_act, name="referral_act"),
    path("cases/<uuid:case_id>/new/", referral_new, name="referral_new"),
    path("cases/<uuid:case_id>/lead-transfer/", lead_transfer_new, name="lead_transfer_new"),
    path("lead-transfers/<uuid:transfer_id>/", lead_transfer_detail, name="lead_transfer_detail"),
    path(
        "lead-transfers/<uuid:transfer_id>/<slug:action>/",
        lead_transfer_act,
        name="lead_transfer_act",
    ),
]
