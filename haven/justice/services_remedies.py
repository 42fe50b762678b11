"""Writes of the person's remedies: proceedings and their stages (R-34),
protective measures (P2-1, R-37), legal aid (R-35), compensation claims and the
assets confiscated for them (R-36), and the "possible compelled offence" flag
(R-33). Legal group, through the case gate with ``write=True``; each write is one
transaction and audited inside it.

None of this is ever read by an assistance or eligibility rule (R-18, R-33):
``haven/assistance/tests/test_rules_r18.py`` scans those modules for every name
defined here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import OrgType, User
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.deadlines import services as deadline_services
from haven.justice import clocks, errors, selectors
from haven.justice.models import (
    AssetStatus,
    ClaimSource,
    ClaimStatus,
    CompelledOffence,
    CompensationClaim,
    ConfiscatedAsset,
    LegalAid,
    LegalAidStatus,
    MeasureDecision,
    MeasureFor,
    MeasureKind,
    OffenceKind,
    PersonRole,
    Proceeding,
    ProceedingKind,
    ProceedingOutcome,
    ProceedingStage,
    ProceedingStageChange,
    ProtectiveMeasure,
)
from haven.justice.states import CLAIM_TRANSITIONS, STAGE_TRANSITIONS
from haven.vault import services as vault

TEXT_MAX = 2000
NAME_MAX = 200
COUNSEL_CONTEXT = selectors.COUNSEL_CONTEXT
OFFENCE_CONTEXT = selectors.OFFENCE_CONTEXT
LINK_CONTEXT = selectors.LINK_CONTEXT
# the prosecutor (or, through the case lead, the defence) is told within a week.
INFORM_DAYS = 7

M = TypeVar("M", bound=models.Model)


# --- shared checks ---------------------------------------------------------------------------


def _gate(actor: User, case_id: object) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=Purpose.IDENTIFICATION,
        write=True,
    )


def _row(model: type[M], gated: case_selectors.GatedCase, row_id: object) -> M:
    """A row of ``model`` on the gated case, locked; the same 404 for a missing
    row, a malformed id and a row of another case."""
    try:
        pk = int(str(row_id))
    except ValueError:
        pk = 0
    found = model._default_manager.select_for_update().filter(pk=pk, case_id=gated.case.id).first()
    if found is None:
        raise errors.RemedyNotFound(_("Not found on this case."))
    return found


def _choice(value: str, choices: type[models.TextChoices], *, field: str) -> str:
    if value not in choices.values:
        raise errors.RemedyInputInvalid(_("Choose one of the options."), field=field)
    return value


def _past(day: date | None, *, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise errors.RemedyInputInvalid(_("The date cannot be in the future."), field=field)


def _not_before(day: date | None, earlier: date | None, *, field: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise errors.RemedyInputInvalid(_("This date is before the earlier one."), field=field)


def _text(value: str, *, field: str, limit: int = TEXT_MAX, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise errors.RemedyInputInvalid(_("This field is required."), field=field)
    if len(text) > limit:
        raise errors.RemedyInputInvalid(
            _("At most %(max)d characters.") % {"max": limit}, field=field
        )
    return text


def _amount(value: Decimal | None, *, field: str) -> Decimal | None:
    if value is not None and value < 0:
        raise errors.RemedyInputInvalid(_("An amount cannot be negative."), field=field)
    return value


def _audit(
    gated: case_selectors.GatedCase, action: str, row: models.Model, detail: dict[str, Any]
) -> None:
    gated.audit_record(
        action=action,
        object_type=f"justice.{type(row).__name__}",
        object_id=row.pk,
        detail=detail,
    )


# --- proceedings (R-34) ----------------------------------------------------------------------


@transaction.atomic
def proceeding_record(
    *,
    actor: User,
    case_id: object,
    kind: str,
    stage: str,
    authority: str,
    person_role: str,
    started_on: date,
) -> Proceeding:
    """Record a criminal, civil or administrative proceeding linked to the case,
    at a running stage (legal group). It goes on whatever the person decides about
    cooperating (R-34)."""
    gated = _gate(actor, case_id)
    _choice(kind, ProceedingKind, field="kind")
    _choice(person_role, PersonRole, field="person_role")
    if _choice(stage, ProceedingStage, field="stage") == ProceedingStage.ENDED:
        raise errors.RemedyInputInvalid(
            _("Record the proceeding at its current stage, then end it."), field="stage"
        )
    _past(started_on, field="started_on")
    proceeding = Proceeding.objects.create(
        case=gated.case,
        kind=kind,
        stage=stage,
        authority=_text(authority, field="authority", limit=NAME_MAX),
        person_role=person_role,
        started_on=started_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(gated, Action.CREATE, proceeding, {"kind": kind, "stage": stage})
    return proceeding


@transaction.atomic
def proceeding_stage_change(
    *,
    actor: User,
    case_id: object,
    proceeding_id: object,
    to_stage: str,
    changed_on: date,
    outcome: str = "",
) -> Proceeding:
    """Move a running proceeding to another stage on a date, kept as its history;
    the move to ``ended`` needs the outcome and ends it (legal group). An ended
    proceeding stays ended."""
    gated = _gate(actor, case_id)
    proceeding = _row(Proceeding, gated, proceeding_id)
    if proceeding.ended_on is not None:
        raise errors.ProceedingEnded(_("This proceeding has ended."))
    _choice(to_stage, ProceedingStage, field="to_stage")
    STAGE_TRANSITIONS.require(
        proceeding.stage,
        to_stage,
        lambda: errors.TransitionNotAllowed(_("The proceeding is already at this stage.")),
    )
    ending = to_stage == ProceedingStage.ENDED
    if ending:
        _choice(outcome, ProceedingOutcome, field="outcome")
    elif outcome:
        raise errors.RemedyInputInvalid(
            _("An outcome is recorded only when the proceeding ends."), field="outcome"
        )
    _past(changed_on, field="changed_on")
    _not_before(changed_on, proceeding.started_on, field="changed_on")
    ProceedingStageChange.objects.create(
        proceeding=proceeding,
        case=gated.case,
        from_stage=proceeding.stage,
        to_stage=to_stage,
        changed_on=changed_on,
        outcome=outcome,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    detail = {"from": proceeding.stage, "to": to_stage, "outcome": outcome}
    proceeding.stage = to_stage
    fields = ["stage"]
    if ending:
        proceeding.ended_on, proceeding.outcome = changed_on, outcome
        fields += ["ended_on", "outcome"]
    proceeding.save(update_fields=fields)
    _audit(gated, Action.UPDATE, proceeding, detail)
    return proceeding


# --- protective measures (P2-1, R-37) --------------------------------------------------------


@transaction.atomic
def protective_measure_request(
    *,
    actor: User,
    case_id: object,
    proceeding_id: object,
    kind: str,
    for_whom: str,
    asked_on: date,
) -> ProtectiveMeasure:
    """Record that a protective measure was asked for in a proceeding, for the
    person or a family member (legal group, R-37)."""
    gated = _gate(actor, case_id)
    proceeding = _row(Proceeding, gated, proceeding_id)
    _choice(kind, MeasureKind, field="kind")
    _choice(for_whom, MeasureFor, field="for_whom")
    _past(asked_on, field="asked_on")
    measure = ProtectiveMeasure.objects.create(
        proceeding=proceeding,
        case=gated.case,
        kind=kind,
        for_whom=for_whom,
        asked_on=asked_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(gated, Action.CREATE, measure, {"kind": kind, "for_whom": for_whom})
    return measure


@transaction.atomic
def protective_measure_decide(
    *, actor: User, case_id: object, measure_id: object, decision: str, decided_on: date
) -> ProtectiveMeasure:
    """Record the decision on a measure asked for: granted or refused, once."""
    gated = _gate(actor, case_id)
    measure = _row(ProtectiveMeasure, gated, measure_id)
    if measure.decision != MeasureDecision.PENDING:
        raise errors.MeasureDecided(_("This measure was already decided."))
    if _choice(decision, MeasureDecision, field="decision") == MeasureDecision.PENDING:
        raise errors.RemedyInputInvalid(_("Choose granted or refused."), field="decision")
    _past(decided_on, field="decided_on")
    _not_before(decided_on, measure.asked_on, field="decided_on")
    measure.decision, measure.decided_on = decision, decided_on
    measure.save(update_fields=["decision", "decided_on"])
    _audit(gated, Action.UPDATE, measure, {"decision": decision})
    return measure


# --- legal aid (R-35) ------------------------------------------------------------------------


def _aid_dates(free_aid: str, applied_on: date | None, decided_on: date | None) -> None:
    _choice(free_aid, LegalAidStatus, field="free_aid")
    if free_aid != LegalAidStatus.NOT_APPLIED and applied_on is None:
        raise errors.RemedyInputInvalid(_("Give the day it was applied for."), field="applied_on")
    decided = free_aid in (LegalAidStatus.GRANTED, LegalAidStatus.REFUSED)
    if decided and decided_on is None:
        raise errors.RemedyInputInvalid(_("Give the day it was decided."), field="decided_on")
    if not decided and decided_on is not None:
        raise errors.RemedyInputInvalid(
            _("A decision day is given only with a decision."), field="decided_on"
        )
    _past(applied_on, field="applied_on")
    _past(decided_on, field="decided_on")
    _not_before(decided_on, applied_on, field="decided_on")


@transaction.atomic
def legal_aid_record(
    *,
    actor: User,
    case_id: object,
    free_aid: str,
    counsel_organisation: str = "",
    counsel_name: str = "",
    applied_on: date | None = None,
    decided_on: date | None = None,
    proceeding_id: object = None,
    claim_id: object = None,
) -> LegalAid:
    """Record the person's legal counsel (an organisation, or a lawyer named only
    encrypted) and free legal aid applied for or granted, for a proceeding, a
    compensation claim or the case as a whole (legal group, R-35)."""
    gated = _gate(actor, case_id)
    proceeding = _row(Proceeding, gated, proceeding_id) if proceeding_id else None
    claim = _row(CompensationClaim, gated, claim_id) if claim_id else None
    organisation = _text(
        counsel_organisation, field="counsel_organisation", limit=NAME_MAX, required=False
    )
    name = _text(counsel_name, field="counsel_name", limit=NAME_MAX, required=False)
    _aid_dates(free_aid, applied_on, decided_on)
    aid = LegalAid.objects.create(
        case=gated.case,
        proceeding=proceeding,
        claim=claim,
        counsel_organisation=organisation,
        counsel_name_enc=vault.encrypt_optional(
            key=gated.case.person.data_key, plaintext=name, context=COUNSEL_CONTEXT
        ),
        free_aid=free_aid,
        applied_on=applied_on,
        decided_on=decided_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(gated, Action.CREATE, aid, {"free_aid": free_aid})
    return aid


@transaction.atomic
def legal_aid_update(
    *,
    actor: User,
    case_id: object,
    aid_id: object,
    free_aid: str,
    applied_on: date | None = None,
    decided_on: date | None = None,
) -> LegalAid:
    """Record where the application for free legal aid stands now (R-35)."""
    gated = _gate(actor, case_id)
    aid = _row(LegalAid, gated, aid_id)
    _aid_dates(free_aid, applied_on, decided_on)
    aid.free_aid, aid.applied_on, aid.decided_on = free_aid, applied_on, decided_on
    aid.save(update_fields=["free_aid", "applied_on", "decided_on"])
    _audit(gated, Action.UPDATE, aid, {"free_aid": free_aid})
    return aid


# --- compensation (R-36) ---------------------------------------------------------------------


@transaction.atomic
def claim_record(
    *,
    actor: User,
    case_id: object,
    source: str,
    amount_claimed: Decimal | None = None,
    currency: str = "EUR",
    filed_on: date | None = None,
    proceeding_id: object = None,
) -> CompensationClaim:
    """Record a compensation claim from the offender, the state scheme or a civil
    claim (legal group, R-36): being prepared, or filed when it has a filing day."""
    gated = _gate(actor, case_id)
    proceeding = _row(Proceeding, gated, proceeding_id) if proceeding_id else None
    _choice(source, ClaimSource, field="source")
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise errors.RemedyInputInvalid(_("Give a three-letter currency code."), field="currency")
    _past(filed_on, field="filed_on")
    claim = CompensationClaim.objects.create(
        case=gated.case,
        source=source,
        status=ClaimStatus.FILED if filed_on else ClaimStatus.PREPARING,
        proceeding=proceeding,
        currency=code,
        amount_claimed=_amount(amount_claimed, field="amount_claimed"),
        filed_on=filed_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(gated, Action.CREATE, claim, {"source": source, "status": claim.status})
    return claim


@dataclass(frozen=True)
class ClaimChange:
    status: str
    amount_claimed: Decimal | None = None
    amount_awarded: Decimal | None = None
    amount_paid: Decimal | None = None
    filed_on: date | None = None
    decided_on: date | None = None
    paid_on: date | None = None


def _claim_checked(claim: CompensationClaim, change: ClaimChange) -> None:
    _choice(change.status, ClaimStatus, field="status")
    if change.status != claim.status:
        CLAIM_TRANSITIONS.require(
            claim.status,
            change.status,
            lambda: errors.TransitionNotAllowed(_("The claim cannot move to this status.")),
        )
    for field in ("amount_claimed", "amount_awarded", "amount_paid"):
        _amount(getattr(change, field), field=field)
    for field in ("filed_on", "decided_on", "paid_on"):
        _past(getattr(change, field), field=field)
    _not_before(change.decided_on, change.filed_on, field="decided_on")
    _not_before(change.paid_on, change.decided_on, field="paid_on")
    needs = {
        ClaimStatus.FILED: ("filed_on",),
        ClaimStatus.AWARDED: ("amount_awarded", "decided_on"),
        ClaimStatus.REFUSED: ("decided_on",),
        ClaimStatus.PAID: ("amount_awarded", "amount_paid", "paid_on"),
    }.get(ClaimStatus(change.status), ())
    for field in needs:
        if getattr(change, field) is None:
            raise errors.RemedyInputInvalid(_("Needed for this status."), field=field)
    awarded, paid = change.amount_awarded, change.amount_paid
    if awarded is not None and paid is not None and paid > awarded:
        raise errors.RemedyInputInvalid(
            _("The amount paid cannot be more than the amount awarded."), field="amount_paid"
        )


@transaction.atomic
def claim_update(
    *, actor: User, case_id: object, claim_id: object, change: ClaimChange
) -> CompensationClaim:
    """Move a claim along its status machine and record its amounts and dates:
    claimed, awarded and actually paid (R-36). What the person was paid may be
    less than what was awarded; it is recorded as it is."""
    gated = _gate(actor, case_id)
    claim = _row(CompensationClaim, gated, claim_id)
    _claim_checked(claim, change)
    detail = {"from": claim.status, "to": change.status}
    for field in (
        "status",
        "amount_claimed",
        "amount_awarded",
        "amount_paid",
        "filed_on",
        "decided_on",
        "paid_on",
    ):
        setattr(claim, field, getattr(change, field))
    claim.save()
    _audit(gated, Action.UPDATE, claim, detail)
    return claim


@transaction.atomic
def asset_record(
    *,
    actor: User,
    case_id: object,
    claim_id: object,
    description: str,
    status: str,
    estimated_value: Decimal | None = None,
) -> ConfiscatedAsset:
    """Link an asset frozen or confiscated in the proceedings to a claim, with its
    estimated value: following the money (R-36, CETS Art. 15(4))."""
    gated = _gate(actor, case_id)
    claim = _row(CompensationClaim, gated, claim_id)
    _choice(status, AssetStatus, field="status")
    asset = ConfiscatedAsset.objects.create(
        claim=claim,
        case=gated.case,
        description=_text(description, field="description", limit=NAME_MAX),
        estimated_value=_amount(estimated_value, field="estimated_value"),
        status=status,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(gated, Action.CREATE, asset, {"status": status})
    return asset


@transaction.atomic
def asset_status_change(
    *, actor: User, case_id: object, asset_id: object, status: str
) -> ConfiscatedAsset:
    """Record what became of a confiscated asset: frozen, confiscated, released, or
    paid to the person."""
    gated = _gate(actor, case_id)
    asset = _row(ConfiscatedAsset, gated, asset_id)
    _choice(status, AssetStatus, field="status")
    detail = {"from": asset.status, "to": status}
    asset.status = status
    asset.save(update_fields=["status"])
    _audit(gated, Action.UPDATE, asset, detail)
    return asset


# --- non-punishment (R-33) -------------------------------------------------------------------


@transaction.atomic
def compelled_offence_flag(
    *,
    actor: User,
    case_id: object,
    kind: str,
    offence: str,
    link: str,
    recorded_on: date,
) -> CompelledOffence:
    """Flag an offence the person may have been compelled to commit, with its link
    to their exploitation (legal group; the texts encrypted), and open a task to
    inform the prosecutor: for the prosecutor's organisation on the team, or for
    the case lead to inform the prosecutor or the defence when none is on it
    (R-33, CETS Art. 26, Dir Art. 8)."""
    gated = _gate(actor, case_id)
    _choice(kind, OffenceKind, field="kind")
    offence_text = _text(offence, field="offence")
    link_text = _text(link, field="link")
    _past(recorded_on, field="recorded_on")
    key = gated.case.person.data_key
    flag = CompelledOffence.objects.create(
        case=gated.case,
        kind=kind,
        offence_enc=vault.encrypt(key=key, plaintext=offence_text, context=OFFENCE_CONTEXT),
        link_enc=vault.encrypt(key=key, plaintext=link_text, context=LINK_CONTEXT),
        recorded_on=recorded_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    team = TeamMembership.objects.filter(case_id=gated.case.id).select_related("organisation")
    prosecutors = [m for m in team if m.organisation.org_type == OrgType.PROSECUTOR]
    chosen = (
        min(prosecutors, key=lambda m: m.joined_at)
        if prosecutors
        else next(m for m in team if m.is_lead)
    )
    deadline_services.task_open(
        case_id=gated.case.id,
        kind=clocks.COMPELLED_OFFENCE_INFORM,
        due_on=timezone.localdate() + timedelta(days=INFORM_DAYS),
        organisation=chosen.organisation,
        reminder_days_before=2,
        detail={"offence": flag.pk, "inform": "prosecutor" if prosecutors else "lead"},
    )
    _audit(gated, Action.CREATE, flag, {"kind": kind})
    return flag
