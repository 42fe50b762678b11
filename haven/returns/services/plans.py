"""Return plan writes (R-31, R-30, R-32): prepare the plan with the person,
acknowledge the warnings that cannot pass silently, and move the plan through its
states; marking it returned schedules the follow-up after return.

Every write passes the case gate in the ``assessment`` group for the purpose
``assistance`` (``legal`` is never needed to prepare a return), runs in one
transaction and is audited inside it. Free text is encrypted under the person's
data key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation, User
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines import services as deadline_services
from haven.lib import ids, locking
from haven.returns import clocks, errors, gate, rules, schedule, states
from haven.returns.models import (
    FollowUp,
    ProceedingsStatus,
    ReceivingView,
    ReturnPlan,
    ReturnPlanState,
    RiskLevel,
    Voluntariness,
    WarningAcknowledgement,
    WarningKind,
)
from haven.vault import services as vault

TEXT_MAX = 5000
NAME_MAX = 200
WISHES_CONTEXT = "return_plan.wishes"
RISK_NOTES_CONTEXT = "return_plan.risk_notes"
CANCEL_CONTEXT = "return_plan.cancel_reason"
ACK_CONTEXT = "return_warning.reason"
OPEN_STATES = (ReturnPlanState.DRAFT, ReturnPlanState.APPROVED)
PLAN_FIELDS = (
    "country",
    "voluntariness",
    "risk_retrafficking",
    "risk_reprisals",
    "risk_family",
    "risk_assessed_on",
    "willingness",
    "capacity",
    "focal_point",
    "partner_name",
    "partner_organisation",
    "contacts_police",
    "contacts_ngos",
    "contacts_lawyers",
    "contacts_social_welfare",
    "proceedings_status",
    "planned_on",
)


@dataclass(frozen=True)
class PlanInput:
    """What the plan records, as prepared with the person (R-31)."""

    country: str
    wishes: str  # in the person's own words
    voluntariness: str
    risk_retrafficking: str = ""
    risk_reprisals: str = ""
    risk_family: str = ""
    risk_notes: str = ""
    risk_assessed_on: date | None = None
    willingness: str = ReceivingView.UNKNOWN
    capacity: str = ReceivingView.UNKNOWN
    focal_point: str = ""
    partner_name: str = ""
    partner_organisation_id: object = None
    contacts_police: bool = False
    contacts_ngos: bool = False
    contacts_lawyers: bool = False
    contacts_social_welfare: bool = False
    proceedings_status: str = ProceedingsStatus.NONE_KNOWN
    planned_on: date | None = None


# --- checks -----------------------------------------------------------------------------------


def _text(value: str, *, field: str, required: str = "") -> str:
    text = value.strip()
    if required and not text:
        raise errors.PlanInputInvalid(required, field=field)
    if len(text) > TEXT_MAX:
        raise errors.PlanInputInvalid(
            _("At most %(max)d characters.") % {"max": TEXT_MAX}, field=field
        )
    return text


def _choice(value: str, choices: Any, *, field: str, blank: bool = False) -> None:
    if not (blank and value == "") and value not in choices.values:
        raise errors.PlanInputInvalid(_("Choose one of the options."), field=field)


def _partner(data: PlanInput, country: str) -> Organisation | None:
    if data.partner_organisation_id in (None, ""):
        return None
    pk = ids.parse_uuid(data.partner_organisation_id)
    partner = Organisation.objects.filter(pk=pk).first() if pk else None
    if partner is None or partner.country != country:
        raise errors.PlanInputInvalid(
            _("Choose an organisation in the country of return."), field="partner_organisation"
        )
    return partner


def _checked(data: PlanInput) -> tuple[str, str, Organisation | None]:
    """The plan's wishes and risk notes, and its partner; refusals name their field."""
    wishes = _text(
        data.wishes,
        field="wishes",
        required=_("Write the person's wishes about the return, in their own words."),
    )
    notes = _text(data.risk_notes, field="risk_notes")
    if len(data.country) != 2 or not data.country.isalpha():
        raise errors.PlanInputInvalid(_("Choose the country of return."), field="country")
    _choice(data.voluntariness, Voluntariness, field="voluntariness")
    for field in ("risk_retrafficking", "risk_reprisals", "risk_family"):
        _choice(getattr(data, field), RiskLevel, field=field, blank=True)
    for field in ("willingness", "capacity"):
        _choice(getattr(data, field), ReceivingView, field=field)
    _choice(data.proceedings_status, ProceedingsStatus, field="proceedings_status")
    for field in ("focal_point", "partner_name"):
        if len(getattr(data, field)) > NAME_MAX:
            raise errors.PlanInputInvalid(_("At most 200 characters."), field=field)
    if data.risk_assessed_on is not None and data.risk_assessed_on > timezone.localdate():
        raise errors.PlanInputInvalid(
            _("The date cannot be in the future."), field="risk_assessed_on"
        )
    return wishes, notes, _partner(data, data.country.upper())


def _fill(plan: ReturnPlan, data: PlanInput, checked: tuple[str, str, Organisation | None]) -> None:
    wishes, notes, partner = checked
    key = plan.case.person.data_key
    plan.country = data.country.upper()
    plan.wishes_enc = vault.encrypt(key=key, plaintext=wishes, context=WISHES_CONTEXT)
    plan.risk_notes_enc = vault.encrypt_optional(
        key=key, plaintext=notes, context=RISK_NOTES_CONTEXT
    )
    plan.partner_organisation = partner
    for field in PLAN_FIELDS:
        if field not in ("country", "partner_organisation"):
            setattr(plan, field, getattr(data, field))
    plan.focal_point, plan.partner_name = data.focal_point.strip(), data.partner_name.strip()


def audit_row(
    gated: case_selectors.GatedCase, action: str, row: Any, detail: dict[str, Any]
) -> None:
    """Record a returns write on ``row`` in the audit trail, in the caller's transaction."""
    gated.audit_record(
        action=action,
        object_type=f"returns.{type(row).__name__}",
        object_id=row.pk,
        detail=detail,
    )


# --- create and update --------------------------------------------------------------------------


@transaction.atomic
def return_plan_create(*, actor: User, case_id: object, plan: PlanInput) -> ReturnPlan:
    """Start a return plan with the person (R-31): one being prepared or approved
    per case at a time."""
    gated = gate.case_for_write(actor=actor, case_id=case_id)
    case: Case = gated.case
    checked = _checked(plan)
    if ReturnPlan.objects.filter(case_id=case.id, status__in=OPEN_STATES).exists():
        raise errors.PlanAlreadyOpen(_("This case already has a return plan being prepared."))
    assert actor.organisation is not None  # noqa: S101 - the case gate let a member in
    row = ReturnPlan(
        case=case,
        organisation=actor.organisation,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _fill(row, plan, checked)
    row.full_clean(exclude=["case", "recorded_by", "organisation"])
    row.save()
    audit_row(gated, Action.CREATE, row, {"country": row.country, "status": row.status})
    return row


@transaction.atomic
def return_plan_update(
    *, actor: User, plan_id: object, plan: PlanInput, version: int
) -> ReturnPlan:
    """Change a plan being prepared (R-31); an approved plan goes back to
    preparation first. Optimistic locking: a stale edit saves nothing."""
    gated, row = gate.plan_for_write(actor=actor, plan_id=plan_id)
    if row.status != ReturnPlanState.DRAFT:
        raise errors.PlanNotEditable(_("Only a plan being prepared is changed."))
    checked = _checked(plan)
    locking.version_claim(row, expected=version)
    _fill(row, plan, checked)
    row.full_clean(exclude=["case", "recorded_by", "organisation"])
    row.save(update_fields=[*PLAN_FIELDS, "wishes_enc", "risk_notes_enc"])
    audit_row(gated, Action.UPDATE, row, {"country": row.country})
    return row


# --- warnings ------------------------------------------------------------------------------------


@transaction.atomic
def return_warning_acknowledge(
    *, actor: User, plan_id: object, warning: str, reason: str
) -> WarningAcknowledgement:
    """A named person goes ahead despite a warning the plan raises now, and writes
    why (R-31, P3, R-15). The blocks of ``rules`` are never acknowledged."""
    gated, plan = gate.plan_for_write(actor=actor, plan_id=plan_id)
    if plan.status != ReturnPlanState.DRAFT:
        raise errors.PlanNotEditable(_("Only a plan being prepared is changed."))
    text = _text(reason, field="reason", required=_("Write why the return goes ahead."))
    raised = rules.plan_warnings(case=plan.case, plan=plan, today=timezone.localdate())
    if warning not in WarningKind.values or warning not in {w.key for w in raised}:
        raise errors.WarningNotRaised(_("This plan does not raise that warning now."))
    assert actor.organisation is not None  # noqa: S101 - the case gate let a member in
    row, _created = WarningAcknowledgement.objects.update_or_create(
        plan=plan,
        warning=warning,
        defaults={
            "case": plan.case,
            "reason_enc": vault.encrypt(
                key=plan.case.person.data_key, plaintext=text, context=ACK_CONTEXT
            ),
            "acknowledged_at": timezone.now(),
            "acknowledged_by": actor,
            "organisation": actor.organisation,
        },
    )
    audit_row(gated, Action.CREATE, row, {"warning": warning, "plan": str(plan.pk)})
    return row


def _require_approvable(plan: ReturnPlan) -> None:
    """R-30, R-31: no block, every warning acknowledged, a planned date."""
    raised = rules.plan_warnings(case=plan.case, plan=plan, today=timezone.localdate())
    blocks = [w for w in raised if w.blocking]
    if blocks:
        raise errors.ReturnBlocked(" ".join(w.message for w in blocks))
    acknowledged = set(plan.acknowledgements.values_list("warning", flat=True))
    missing = [w for w in raised if w.key not in acknowledged]
    if missing:
        raise errors.WarningUnacknowledged(
            _("Acknowledge each warning with a reason before approval: %(warnings)s")
            % {"warnings": " ".join(w.message for w in missing)}
        )
    if plan.planned_on is None:
        raise errors.PlanInputInvalid(_("Set the planned date of return."), field="planned_on")


# --- the state machine ------------------------------------------------------------------------


def _follow_ups_schedule(plan: ReturnPlan) -> list[FollowUp]:
    """R-32: one follow-up per month of the schedule after the actual return, each a
    deadline on the holder's list (``clocks.follow_up_holder``)."""
    assert plan.returned_on is not None  # noqa: S101 - marked returned with its date
    holder = clocks.follow_up_holder(
        case_id=plan.case_id, partner=plan.partner_organisation, sender=plan.organisation
    )
    rows = []
    for months, due_on in schedule.follow_up_dates(plan.returned_on):
        row = FollowUp(
            plan=plan, case_id=plan.case_id, months=months, due_on=due_on, organisation=holder
        )
        row.task = deadline_services.task_open(
            case_id=plan.case_id,
            kind=clocks.FOLLOW_UP,
            due_on=due_on,
            organisation=holder,
            reminder_days_before=clocks.REMINDER_DAYS_BEFORE,
            detail={"months": months, "follow_up": str(row.pk)},
        )
        row.save()
        rows.append(row)
    return rows


def _apply(
    plan: ReturnPlan, *, actor: User, action: str, returned_on: date | None, reason: str
) -> list[str]:
    """Store what the move records; the fields it changed."""
    if action == states.PlanAction.APPROVE:
        _require_approvable(plan)
        plan.approved_at, plan.approved_by = timezone.now(), actor
        return ["approved_at", "approved_by"]
    if action == states.PlanAction.REOPEN:
        plan.approved_at, plan.approved_by = None, None
        return ["approved_at", "approved_by"]
    if action == states.PlanAction.MARK_RETURNED:
        if returned_on is None or returned_on > timezone.localdate():
            raise errors.PlanInputInvalid(
                _("Give the date the person returned (not in the future)."), field="returned_on"
            )
        plan.returned_on = returned_on
        return ["returned_on"]
    text = _text(reason, field="reason", required=_("Write why the return is cancelled."))
    plan.cancel_reason_enc = vault.encrypt(
        key=plan.case.person.data_key, plaintext=text, context=CANCEL_CONTEXT
    )
    return ["cancel_reason_enc"]


@transaction.atomic
def return_plan_transition(
    *,
    actor: User,
    plan_id: object,
    action: str,
    returned_on: date | None = None,
    reason: str = "",
) -> ReturnPlan:
    """Move a plan (``states.PLAN_TRANSITIONS``). Approval is refused while a block
    stands or a warning is unacknowledged, whichever door it comes from (R-30, R-31);
    marking it returned schedules the follow-ups after return (R-32)."""
    gated, plan = gate.plan_for_write(actor=actor, plan_id=plan_id)
    target = states.plan_next(plan.status, action)
    changed = _apply(plan, actor=actor, action=action, returned_on=returned_on, reason=reason)
    plan.status = target
    plan.save(update_fields=["status", *changed])
    if target == ReturnPlanState.RETURNED:
        _follow_ups_schedule(plan)
    audit_row(gated, Action.TRANSITION, plan, {"action": action, "status": target})
    return plan
