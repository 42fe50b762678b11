"""Identification decision reads (legal group): checked by ``access.decide``, decrypted
by the vault, recorded in the audit trail in the same transaction.

Missing and hidden decisions look the same (``decision_not_found``), as do
missing and hidden cases (``case_not_found``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.status import (
    DECISION_STATUSES,
    REOPENS_PATHWAY,
    TRANSITIONS,
    IdentificationStatus,
)
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks
from haven.identification import errors, pathways
from haven.identification.models import IdentificationDecision, Outcome, Reconsideration, ServedTo
from haven.identification.selectors import rounds
from haven.identification.services import decisions as decision_services
from haven.lib import ids
from haven.lib.datatext import DataText
from haven.vault import services as vault


@dataclass(frozen=True)
class ReconsiderationView:
    id: int
    requested_on: date
    recorded_by: str
    status: str
    status_label: str
    grounds: str
    new_decision_id: uuid.UUID | None


@dataclass(frozen=True)
class DecisionView:
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    decision_type: str
    type_label: str
    outcome: str
    outcome_label: str
    decided_on: date
    recorded_at: datetime
    backdated: bool  # dated before the day it was recorded
    decided_by: str
    organisation: str
    standard_of_proof: str
    legal_basis: str
    reasons: str  # empty once the person's data is erased
    served_to: str
    served_to_label: str
    to_status: str | None  # the status the decision led to; None when the case already had it
    to_status_label: str
    reconsiderations: list[ReconsiderationView]
    may_request_reconsideration: bool
    round: int  # the round of the pathway (1 for the first; R-01: reopened after leaving)
    earlier_round: bool  # taken before the pathway was last reopened; kept as history


@dataclass(frozen=True)
class DecisionTypeOption:
    """One decision type of the pathway, as the user may (or may not) take it now."""

    decision_type: pathways.DecisionType
    deciding_org_types: list[str]  # sorted, for display
    may_take: bool  # the user's organisation type may take it
    available: bool  # the order of the pathway allows it now
    blocked_code: str
    blocked_reason: str
    earliest_on: date | None  # the minimum gap's first allowed day
    target_on: date | None  # when it is due: the open deadline, or the pathway's target


@dataclass(frozen=True)
class DecisionOptions:
    case: Case
    pathway: pathways.Pathway
    treat_as_child: bool
    options: list[DecisionTypeOption]

    def option(self, key: str) -> DecisionTypeOption | None:
        return next((o for o in self.options if o.decision_type.key == key), None)


def _decisions(case: Case) -> QuerySet[IdentificationDecision]:
    reconsiderations = Reconsideration.objects.select_related("recorded_by").order_by(
        "requested_on", "id"
    )
    return (
        IdentificationDecision.objects.filter(case=case)
        .select_related("decided_by", "organisation", "transition")
        .prefetch_related(Prefetch("reconsiderations", queryset=reconsiderations))
        .order_by("decided_on", "recorded_at")
    )


def decrypted(case: Case, ciphertext: bytes | memoryview, context: str) -> str:
    if case.person.erased_at is not None:
        return ""
    return vault.decrypt(key=case.person.data_key, ciphertext=ciphertext, context=context)


def _view(
    decision: IdentificationDecision,
    case: Case,
    labels: dict[str, DataText],
    latest: bool,
    reopened: list[rounds.Reopening],
) -> DecisionView:
    requests = [
        ReconsiderationView(
            id=r.pk,
            requested_on=r.requested_on,
            recorded_by=r.recorded_by.get_username(),
            status=r.status,
            status_label=r.get_status_display(),
            grounds=decrypted(case, r.grounds_enc, "reconsideration.grounds"),
            new_decision_id=r.new_decision_id,
        )
        for r in decision.reconsiderations.all()
    ]
    to_status = decision.transition.to_status if decision.transition else None
    number = rounds.round_of(decision, reopened)
    earlier = number <= len(reopened)
    return DecisionView(
        id=decision.id,
        case_id=case.id,
        case_reference=case.reference,
        decision_type=decision.decision_type,
        type_label=labels.get(decision.decision_type) or DataText(decision.decision_type, ""),
        outcome=decision.outcome,
        outcome_label=str(Outcome(decision.outcome).label),
        decided_on=decision.decided_on,
        recorded_at=decision.recorded_at,
        backdated=decision.backdated,
        decided_by=decision.decided_by.get_username(),
        organisation=decision.organisation.name,
        # As saved (the file's words then), shown in the reader's language.
        standard_of_proof=pathways.shown(decision.standard_of_proof),
        legal_basis=decision.legal_basis,
        reasons=decrypted(case, decision.reasons_enc, "decision.reasons"),
        served_to=decision.served_to,
        served_to_label=str(ServedTo(decision.served_to).label),
        to_status=to_status,
        to_status_label=str(IdentificationStatus(to_status).label) if to_status else "",
        reconsiderations=requests,
        may_request_reconsideration=(
            latest
            and not earlier
            and decision.outcome == Outcome.NEGATIVE
            and case.person.erased_at is None
            and all(r.status != Reconsideration.Status.OPEN for r in requests)
        ),
        round=number,
        earlier_round=earlier,
    )


def _views(
    case: Case, decisions: list[IdentificationDecision], reopened: list[rounds.Reopening]
) -> list[DecisionView]:
    labels = {
        k: d.shown_label() for k, d in pathways.pathway_for(case.country).decision_types.items()
    }
    latest = {d.decision_type: d.pk for d in decisions}  # oldest first: the last one wins
    return [_view(d, case, labels, latest[d.decision_type] == d.pk, reopened) for d in decisions]


@dataclass(frozen=True)
class CaseDecisions:
    case: Case
    decisions: list[DecisionView]
    pathway: pathways.Pathway
    round: int  # the current round of the pathway
    reopened_on: date | None  # the day the pathway was last reopened, if ever


@audit.audited_read()
def decision_list(*, user: User, case_id: object) -> CaseDecisions:
    """The case's identification decisions, oldest first, with reasons and any
    reconsideration requests (legal group, R-17). The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.IDENTIFICATION
    )
    case = gated.case
    decisions = list(_decisions(case))
    reopened = rounds.reopenings(case.id)
    gated.audit_record()
    return CaseDecisions(
        case,
        _views(case, decisions, reopened),
        pathways.pathway_for(case.country),
        round=len(reopened) + 1,
        reopened_on=reopened[-1].decided_on if reopened else None,
    )


def decision_gate(*, user: User, decision_id: object) -> tuple[case_selectors.GatedCase, uuid.UUID]:
    """The case gate for one decision (legal group): the same 404 for a missing decision
    and one on a case hidden from the user. The caller records its read."""
    not_found = errors.DecisionNotFound(_("No decision with this reference is available to you."))
    parsed = ids.parse_uuid(decision_id)
    if parsed is None:
        raise not_found
    case_id = (
        IdentificationDecision.objects.filter(pk=parsed).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        raise not_found
    try:
        gated = case_selectors.case_for(
            user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.IDENTIFICATION
        )
    except case_errors.CaseNotFound:
        raise not_found from None
    return gated, parsed


def decision_view(gated: case_selectors.GatedCase, decision_id: uuid.UUID) -> DecisionView:
    """One decision of a case that passed ``decision_gate``, its labels in the active
    language, with its reasons and reconsiderations."""
    case = gated.case
    views = _views(case, list(_decisions(case)), rounds.reopenings(case.id))
    return next(v for v in views if v.id == decision_id)


@transaction.atomic
def decision_get(*, user: User, decision_id: object) -> DecisionView:
    """One decision with its reasons and reconsiderations; the same 404 for a
    missing decision and one on a case hidden from the user. The read is audited."""
    gated, parsed = decision_gate(user=user, decision_id=decision_id)
    gated.audit_record(object_type="identification.IdentificationDecision", object_id=parsed)
    return decision_view(gated, parsed)


def _open_targets(case: Case) -> dict[str, date]:
    """Due dates of the open decision deadlines, by decision type."""
    tasks = Task.objects.filter(
        case_id=case.id, kind=identification_clocks.DECISION_DUE, status=Task.Status.OPEN
    ).order_by("due_at")
    targets: dict[str, date] = {}
    for task in tasks:
        key = str(task.detail.get("decision_type", ""))
        targets.setdefault(key, timezone.localdate(task.due_at))
    return targets


def _option(
    *,
    user: User,
    case: Case,
    kind: pathways.DecisionType,
    history: list[IdentificationDecision],
    labels: dict[str, str],
    targets: dict[str, date],
) -> DecisionTypeOption:
    problem = decision_services.decision_order_check(
        decision_type=kind, history=history, day=None, labels=labels
    ) or decision_services.decision_status_check(
        decision_type=kind, current=case.identification_status
    )
    before = [d for d in history if d.decision_type == kind.after] if kind.after else []
    after_positive = bool(before) and before[-1].outcome == Outcome.POSITIVE
    start = before[-1].effective_on if after_positive else None
    earliest = kind.earliest_on(start) if start else None
    target = targets.get(kind.key)
    if target is None and start:
        target = kind.due_on(start)
    if target is None and kind.after is None and problem is None and not history:
        target = kind.due_on(timezone.localdate(case.opened_at))  # counted from intake
    organisation = user.organisation
    return DecisionTypeOption(
        decision_type=kind,
        deciding_org_types=sorted(kind.deciding_org_types),
        may_take=organisation is not None and organisation.org_type in kind.deciding_org_types,
        available=problem is None,
        blocked_code=problem.code if problem else "",
        blocked_reason=problem.message if problem else "",
        earliest_on=earliest if kind.min_gap_days else None,
        target_on=target,
    )


@transaction.atomic
def decision_options(*, user: User, case_id: object) -> DecisionOptions:
    """The pathway's decision types for this case as this user may take them now:
    who may decide, the order and minimum gap, the target date (R-17). It reads
    the earlier decisions' dates and outcomes (legal group), so it is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.IDENTIFICATION
    )
    case = gated.case
    pathway = pathways.pathway_for(case.country)
    labels = {k: str(d.shown_label()) for k, d in pathway.decision_types.items()}
    history = rounds.current_round(
        list(
            IdentificationDecision.objects.filter(case=case).order_by("decided_on", "recorded_at")
        ),
        rounds.reopenings(case.id),
    )
    targets = _open_targets(case)
    gated.audit_record()
    return DecisionOptions(
        case=case,
        pathway=pathway,
        treat_as_child=case.person.treat_as_child,
        options=[
            _option(
                user=user, case=case, kind=kind, history=history, labels=labels, targets=targets
            )
            for kind in pathway.decision_types.values()
        ],
    )


@dataclass(frozen=True)
class NextSteps:
    """Every way forward from the case's status (R-01): the plain status changes
    the table allows (never a decision status), and the decisions of the pathway
    with whether the order of the current round allows each now (R-17)."""

    case: Case
    status_changes: list[IdentificationStatus]
    decisions: list[DecisionTypeOption]
    reopens: bool  # a change back to potential reopens the pathway (a new round)


def next_steps(*, user: User, case_id: object) -> NextSteps:
    """The ways forward from the case's current status (the read is audited by
    ``decision_options``)."""
    options = decision_options(user=user, case_id=case_id)
    current = IdentificationStatus(options.case.identification_status)
    allowed = TRANSITIONS.targets(current) - DECISION_STATUSES
    changes = [s for s in IdentificationStatus if s in allowed]
    return NextSteps(
        case=options.case,
        status_changes=changes,
        decisions=options.options,
        reopens=current in REOPENS_PATHWAY,
    )
