"""The remedies pages of a case (legal group): the proceedings with their stages
and protective measures, legal aid, compensation claims with the assets
confiscated for them, and possible compelled offences, with the person's current
cooperation choice beside them (R-33 to R-37).

One page lists everything; each change has its own small form page, which posts
and redirects back to the list, without JavaScript. The service's refusal is
shown next to the field it names. Hidden and missing cases (and rows of another
case) give the same 404; a refusal gives the 403 page with its reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.justice import errors, selectors
from haven.justice import forms as remedy_forms
from haven.justice import services_remedies as services
from haven.justice.models import (
    CompensationClaim,
    ConfiscatedAsset,
    LegalAid,
    Proceeding,
    ProtectiveMeasure,
)
from haven.lib.errors import InvalidInput
from haven.lib.views import domain_errors, form_error

Row = Proceeding | ProtectiveMeasure | LegalAid | CompensationClaim | ConfiscatedAsset
Data = QueryDict | None
Cleaned = dict[str, Any]


def _proceedings(file: selectors.RemediesFile) -> remedy_forms.Choices:
    return [(str(p.proceeding.pk), describe(p.proceeding)) for p in file.proceedings]


def _claims(file: selectors.RemediesFile) -> remedy_forms.Choices:
    return [(str(c.claim.pk), describe(c.claim)) for c in file.claims]


def describe(row: Row) -> str:
    """A row in a few words, for the form page's heading and the choices."""
    if isinstance(row, Proceeding):
        return f"{row.get_kind_display()}: {row.authority} ({row.get_stage_display()})"
    if isinstance(row, ProtectiveMeasure):
        return f"{row.get_kind_display()} ({row.get_decision_display()})"
    if isinstance(row, LegalAid):
        return f"{_('Free legal aid')}: {row.get_free_aid_display()}"
    if isinstance(row, CompensationClaim):
        return f"{row.get_source_display()} ({row.get_status_display()})"
    return f"{row.description} ({row.get_status_display()})"


def _rows(file: selectors.RemediesFile) -> dict[str, dict[int, Row]]:
    measures = [m for p in file.proceedings for m in p.measures]
    assets = [a for c in file.claims for a in c.assets]
    return {
        "proceeding": {p.proceeding.pk: p.proceeding for p in file.proceedings},
        "measure": {m.pk: m for m in measures},
        "aid": {a.aid.pk: a.aid for a in file.legal_aid},
        "claim": {c.claim.pk: c.claim for c in file.claims},
        "asset": {a.pk: a for a in assets},
    }


# Refusals the user can act on in the form; the others are the error pages'.
SHOWN_ON_THE_FORM = (
    InvalidInput,
    errors.ProceedingEnded,
    errors.MeasureDecided,
    errors.TransitionNotAllowed,
)


def _opt(value: Any) -> Any:
    return value or None


@dataclass(frozen=True)
class Change:
    """One kind of change: its form, its title, the kind of row it is about (or
    none for a new record) and the service call it makes."""

    title: Promise
    done: Promise
    form: Callable[[selectors.RemediesFile, Any, Data], forms.Form]
    save: Callable[[User, uuid.UUID, Any, Cleaned], object]
    row_kind: str = ""


def _claim_initial(claim: CompensationClaim) -> dict[str, Any]:
    fields = ("status", "amount_claimed", "amount_awarded", "amount_paid")
    dates = ("filed_on", "decided_on", "paid_on")
    return {f: getattr(claim, f) for f in (*fields, *dates)}


CHANGES: dict[str, Change] = {
    "proceeding": Change(
        gettext_lazy("Record a proceeding"),
        gettext_lazy("The proceeding was recorded."),
        lambda file, row, data: remedy_forms.ProceedingForm(data),
        lambda user, case_id, row, c: services.proceeding_record(actor=user, case_id=case_id, **c),
    ),
    "stage": Change(
        gettext_lazy("Change the stage of a proceeding"),
        gettext_lazy("The stage was recorded."),
        lambda file, row, data: remedy_forms.StageChangeForm(data),
        lambda user, case_id, row, c: services.proceeding_stage_change(
            actor=user, case_id=case_id, proceeding_id=row.pk, **c
        ),
        "proceeding",
    ),
    "measure": Change(
        gettext_lazy("Record a protective measure asked for"),
        gettext_lazy("The protective measure was recorded."),
        lambda file, row, data: remedy_forms.MeasureForm(data),
        lambda user, case_id, row, c: services.protective_measure_request(
            actor=user, case_id=case_id, proceeding_id=row.pk, **c
        ),
        "proceeding",
    ),
    "measure-decision": Change(
        gettext_lazy("Record the decision on a protective measure"),
        gettext_lazy("The decision was recorded."),
        lambda file, row, data: remedy_forms.MeasureDecisionForm(data),
        lambda user, case_id, row, c: services.protective_measure_decide(
            actor=user, case_id=case_id, measure_id=row.pk, **c
        ),
        "measure",
    ),
    "legal-aid": Change(
        gettext_lazy("Record legal aid"),
        gettext_lazy("The legal aid was recorded."),
        lambda file, row, data: remedy_forms.LegalAidForm(
            data, proceedings=_proceedings(file), claims=_claims(file)
        ),
        lambda user, case_id, row, c: services.legal_aid_record(
            actor=user,
            case_id=case_id,
            free_aid=c["free_aid"],
            counsel_organisation=c["counsel_organisation"],
            counsel_name=c["counsel_name"],
            applied_on=c["applied_on"],
            decided_on=c["decided_on"],
            proceeding_id=_opt(c["proceeding"]),
            claim_id=_opt(c["claim"]),
        ),
    ),
    "legal-aid-status": Change(
        gettext_lazy("Update free legal aid"),
        gettext_lazy("The legal aid was updated."),
        lambda file, row, data: remedy_forms.LegalAidStatusForm(
            data,
            initial={
                "free_aid": row.free_aid,
                "applied_on": row.applied_on,
                "decided_on": row.decided_on,
            },
        ),
        lambda user, case_id, row, c: services.legal_aid_update(
            actor=user, case_id=case_id, aid_id=row.pk, **c
        ),
        "aid",
    ),
    "claim": Change(
        gettext_lazy("Record a compensation claim"),
        gettext_lazy("The compensation claim was recorded."),
        lambda file, row, data: remedy_forms.ClaimForm(data, proceedings=_proceedings(file)),
        lambda user, case_id, row, c: services.claim_record(
            actor=user,
            case_id=case_id,
            source=c["source"],
            amount_claimed=c["amount_claimed"],
            currency=c["currency"],
            filed_on=c["filed_on"],
            proceeding_id=_opt(c["proceeding"]),
        ),
    ),
    "claim-update": Change(
        gettext_lazy("Update a compensation claim"),
        gettext_lazy("The compensation claim was updated."),
        lambda file, row, data: remedy_forms.ClaimUpdateForm(data, initial=_claim_initial(row)),
        lambda user, case_id, row, c: services.claim_update(
            actor=user, case_id=case_id, claim_id=row.pk, change=services.ClaimChange(**c)
        ),
        "claim",
    ),
    "asset": Change(
        gettext_lazy("Link a confiscated asset to the claim"),
        gettext_lazy("The asset was recorded."),
        lambda file, row, data: remedy_forms.AssetForm(data),
        lambda user, case_id, row, c: services.asset_record(
            actor=user, case_id=case_id, claim_id=row.pk, **c
        ),
        "claim",
    ),
    "asset-status": Change(
        gettext_lazy("Update a confiscated asset"),
        gettext_lazy("The asset was updated."),
        lambda file, row, data: remedy_forms.AssetStatusForm(data, initial={"status": row.status}),
        lambda user, case_id, row, c: services.asset_status_change(
            actor=user, case_id=case_id, asset_id=row.pk, **c
        ),
        "asset",
    ),
    "offence": Change(
        gettext_lazy("Flag a possible compelled offence"),
        gettext_lazy("The offence was flagged, and a task was opened to inform the prosecutor."),
        lambda file, row, data: remedy_forms.CompelledOffenceForm(data),
        lambda user, case_id, row, c: services.compelled_offence_flag(
            actor=user, case_id=case_id, **c
        ),
    ),
}


@never_cache
@login_required
@domain_errors
def remedies_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Every remedy of the case, with the current cooperation choice beside it."""
    file = selectors.remedies_file(user=request_user(request), case_id=case_id)
    context = {
        "file": file,
        "case": file.case,
        "statement": selectors.STATEMENT,
        "writable": file.writable,
        "nav": "cases",
    }
    return render(request, "justice/remedies/detail.html", context)


@never_cache
@login_required
@domain_errors
def remedy_change(
    request: HttpRequest, case_id: uuid.UUID, change: str, row_id: int | None = None
) -> HttpResponse:
    """GET: the form of one change; POST: make it and go back to the list."""
    spec = CHANGES.get(change)
    user = request_user(request)
    file = selectors.remedies_file(user=user, case_id=case_id)
    if spec is None or bool(spec.row_kind) != (row_id is not None):
        raise errors.RemedyNotFound(_("Not found on this case."))
    row = _rows(file)[spec.row_kind].get(row_id or 0) if spec.row_kind else None
    if spec.row_kind and row is None:
        raise errors.RemedyNotFound(_("Not found on this case."))
    posted = request.method == "POST"
    form = spec.form(file, row, request.POST if posted else None)
    if posted and form.is_valid():
        try:
            spec.save(user, case_id, row, form.cleaned_data)
        except SHOWN_ON_THE_FORM as exc:
            form_error(form, exc)
        else:
            messages.success(request, str(spec.done))
            return redirect("justice:remedies", case_id=case_id)
    context = {
        "file": file,
        "case": file.case,
        "form": form,
        "title": spec.title,
        "about": describe(row) if row is not None else "",
        "nav": "cases",
    }
    return render(request, "justice/remedies/form.html", context, status=400 if posted else 200)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/remedies/", remedies_detail, name="remedies"),
    path("cases/<uuid:case_id>/remedies/<slug:change>/", remedy_change, name="remedy_new"),
    path(
        "cases/<uuid:case_id>/remedies/<slug:change>/<int:row_id>/",
        remedy_change,
        name="remedy_change",
    ),
]
