"""Assistance plans, services and the closing of assistance (R-19, R-20, R-22, R-18).

One transaction each, audited on the services field group, written by a member
of the case team whose organisation sees that group for assistance (never
through break-glass: ``case_get(for_update=True)`` refuses it).

- R-20: a plan is agreed with the person and records their view; a service
  starts only once the person's consent is recorded; a refusal is recorded
  without penalty: nothing else on the case changes and no alternative is forced.
- R-18, R-19: every service of the catalogue is open in every identification
  status from potential on (``eligibility.service_eligibility``); the only thing
  that stops new services is a recorded closing decision in force.
- R-22: assistance never ends by itself. Closing it needs a recorded decision
  with reasons and an exit plan; the services still planned or under way stop
  on the day of the decision. Reopening lifts the closure and keeps it on record.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, User
from haven.assistance import clocks as assistance_clocks
from haven.assistance import eligibility
from haven.assistance.catalogue import ServiceType
from haven.assistance.errors import ErrorCode
from haven.assistance.models import (
    PROTECTED_CLOSURE_GROUNDS,
    AmountPeriod,
    Assessment,
    AssessmentKind,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    ClosureGround,
    ServiceOutcome,
)
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.states import SERVICE_TRANSITIONS
from haven.assistance.states import ServiceStatus as St
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib import dates, ids
from haven.lib.errors import Conflict, InvalidInput, NotFound
from haven.vault import services as vault

# Encryption contexts of the free text, read back by the selectors.
PLAN_PERSON_VIEW = "plan.person_view"
SERVICE_NOTE = "service.note"
SERVICE_REFUSAL_NOTE = "service.refusal_note"
SERVICE_OUTCOME_NOTE = "service.outcome_note"
CLOSURE_REASONS = "closure.reasons"
CLOSURE_EXIT_PLAN = "closure.exit_plan"
CLOSURE_PERSON_VIEW = "closure.person_view"
CLOSURE_REOPEN_REASONS = "closure.reopen_reasons"

OPEN_STATUSES = (St.PLANNED, St.ACTIVE)
# Days before a closure's follow-up date that the lead is reminded.
FOLLOW_UP_REMINDER_DAYS = 7
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ServiceInput:
    service_type: str  # catalogue.ServiceType
    provider_id: object  # an Organisation id
    starts_on: date | None = None  # planned start
    ends_on: date | None = None  # planned end
    note: str = ""
    consent_given: bool = False
    consent_on: date | None = None
    amount: Decimal | None = None  # financial support only
    currency: str = ""  # ISO 4217, upper case
    amount_period: str = ""  # AmountPeriod


def _services_case(*, actor: User, case_id: object) -> Case:
    """The case through the gate, locked for a write of the services group."""
    return case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.SERVICES,
        purpose=Purpose.ASSISTANCE,
        write=True,
    ).case


def closure_in_force(case_id: uuid.UUID) -> AssistanceClosure | None:
    """The case's closing decision not reopened, or None."""
    return AssistanceClosure.objects.filter(case_id=case_id, reopened_on__isnull=True).first()


def _required(value: str, *, field: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(message, code=ErrorCode.REQUIRED, field=field)
    return text


def _encrypt(case: Case, text: str, context: str) -> bytes:
    return vault.encrypt(key=case.person.data_key, plaintext=text, context=context)


def _audit(
    *,
    actor: User,
    case: Case,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, object],  # codes and dates only, never personal data
) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id,
        field_groups=[FieldGroup.SERVICES],
        purpose=Purpose.ASSISTANCE,
        detail=detail,
    )


def _check_available(*, case: Case, service_type: str, closure: AssistanceClosure | None) -> None:
    """R-18, R-22: every catalogue service, in every status, unless assistance is closed."""
    if service_type not in ServiceType.values:
        raise InvalidInput(
            _("Choose a service from the list."),
            code=ErrorCode.UNKNOWN_SERVICE_TYPE,
            field="service_type",
        )
    result = eligibility.service_eligibility(case=case, service_type=service_type, closure=closure)
    if not result.eligible:
        raise Conflict(str(result.reason), code=ErrorCode.ASSISTANCE_CLOSED)


def _check_money(data: ServiceInput) -> None:
    """Financial support records its amount, currency and period; nothing else has one."""
    if data.service_type != ServiceType.FINANCIAL_SUPPORT:
        if data.amount is not None or data.currency or data.amount_period:
            raise InvalidInput(
                _("Only financial support has an amount. Leave the amount empty."),
                code=ErrorCode.AMOUNT_NOT_ALLOWED,
                field="amount",
            )
        return
    if data.amount is None or data.amount < 0:
        raise InvalidInput(
            _("Give the amount of financial support, zero or more."),
            code=ErrorCode.AMOUNT_REQUIRED,
            field="amount",
        )
    if not _CURRENCY.match(data.currency):
        raise InvalidInput(
            _("Give the currency as three capital letters, for example EUR."),
            code=ErrorCode.CURRENCY_INVALID,
            field="currency",
        )
    if data.amount_period not in AmountPeriod.values:
        raise InvalidInput(
            _("Say whether the amount is paid once, per week or per month."),
            code=ErrorCode.AMOUNT_PERIOD_REQUIRED,
            field="amount_period",
        )


def _provider(provider_id: object) -> Organisation:
    pk = ids.parse_uuid(provider_id)
    provider = Organisation.objects.filter(pk=pk).first() if pk else None
    if provider is None:
        raise InvalidInput(
            _("Choose the organisation that provides the service."),
            code=ErrorCode.PROVIDER_UNKNOWN,
            field="provider",
        )
    return provider


def _check_dates(data: ServiceInput) -> None:
    dates.check(data.starts_on, dates.PLANNED, field="starts_on")
    dates.check(data.ends_on, dates.PLANNED, field="ends_on")
    dates.check(data.consent_on, dates.PAST, field="consent_on")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput(
            _("A service cannot end before it starts."), code=ErrorCode.INVALID, field="ends_on"
        )
    if data.consent_given and data.consent_on is None:
        raise InvalidInput(
            _("Give the day the person consented."),
            code=ErrorCode.CONSENT_DATE_REQUIRED,
            field="consent_on",
        )


def _service_new(
    *, actor: User, case: Case, data: ServiceInput, plan: AssistancePlan | None
) -> AssistanceService:
    _check_available(case=case, service_type=data.service_type, closure=closure_in_force(case.id))
    _check_money(data)
    _check_dates(data)
    now = timezone.now()
    note = data.note.strip()
    service = AssistanceService(
        case=case,
        plan=plan,
        service_type=data.service_type,
        provider=_provider(data.provider_id),
        status=St.PLANNED,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        consent_given=data.consent_given,
        consent_on=data.consent_on if data.consent_given else None,
        note_enc=_encrypt(case, note, SERVICE_NOTE) if note else None,
        amount=data.amount,
        currency=data.currency,
        amount_period=data.amount_period,
        recorded_at=now,
        recorded_by=actor,
        updated_at=now,
    )
    service.full_clean(exclude=["case", "plan", "provider", "recorded_by"])
    service.save()
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        object_type="assistance.AssistanceService",
        object_id=service.pk,
        detail={"service_type": service.service_type, "status": service.status},
    )
    return service


def _needs_assessment(*, case: Case, assessment_id: object) -> Assessment:
    pk = ids.parse_uuid(assessment_id)
    assessment = Assessment.objects.filter(pk=pk, case=case).first() if pk else None
    if assessment is None or assessment.kind != AssessmentKind.NEEDS:
        raise InvalidInput(
            _("Choose a needs assessment of this case."),
            code=ErrorCode.ASSESSMENT_NOT_NEEDS,
            field="assessment",
        )
    return assessment


@transaction.atomic
def plan_create(
    *,
    actor: User,
    case_id: object,
    agreed_on: date,
    person_view: str,
    services: Sequence[ServiceInput],
    assessment_id: object | None = None,
) -> AssistancePlan:
    """Record a plan of services agreed with the person, with its services (R-19, R-20).

    A refused row names its field as ``services.<index>.<field>``."""
    case = _services_case(actor=actor, case_id=case_id)
    assessment = (
        _needs_assessment(case=case, assessment_id=assessment_id) if assessment_id else None
    )
    dates.check(agreed_on, dates.PAST, field="agreed_on")
    view = _required(
        person_view, field="person_view", message=_("Record what the person said about the plan.")
    )
    if not services:
        raise InvalidInput(
            _("A plan has at least one service."),
            code=ErrorCode.SERVICES_REQUIRED,
            field="services",
        )
    plan = AssistancePlan(
        case=case,
        assessment=assessment,
        agreed_on=agreed_on,
        person_view_enc=_encrypt(case, view, PLAN_PERSON_VIEW),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    plan.full_clean(exclude=["case", "assessment", "recorded_by"])
    plan.save()
    for index, data in enumerate(services):
        try:
            _service_new(actor=actor, case=case, data=data, plan=plan)
        except (InvalidInput, Conflict) as exc:
            exc.field = f"services.{index}.{exc.field or 'service_type'}"
            raise
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        object_type="assistance.AssistancePlan",
        object_id=plan.pk,
        detail={"services": len(services), "from_assessment": assessment is not None},
    )
    return plan


@transaction.atomic
def service_add(
    *, actor: User, case_id: object, service: ServiceInput, plan_id: object | None = None
) -> AssistanceService:
    """Add one service to the case, in one of its plans or on its own (R-19)."""
    case = _services_case(actor=actor, case_id=case_id)
    plan = None
    if plan_id:
        pk = ids.parse_uuid(plan_id)
        plan = AssistancePlan.objects.filter(pk=pk, case=case).first() if pk else None
        if plan is None:
            raise InvalidInput(
                _("Choose a plan of this case."), code=ErrorCode.PLAN_UNKNOWN, field="plan"
            )
    return _service_new(actor=actor, case=case, data=service, plan=plan)


def _service_for_update(*, actor: User, service_id: object) -> tuple[AssistanceService, Case]:
    """The service and its case, both locked; the same 404 for missing and hidden."""
    pk = ids.parse_uuid(service_id)
    service = AssistanceService.objects.select_for_update().filter(pk=pk).first() if pk else None
    if service is None:
        raise NotFound(_("No service with this reference is available to you."))
    try:
        case = _services_case(actor=actor, case_id=service.case_id)
    except case_errors.CaseNotFound:
        raise NotFound(_("No service with this reference is available to you.")) from None
    return service, case


def _move(service: AssistanceService, to_status: str) -> None:
    def refused() -> Conflict:
        return Conflict(
            _("This service is %(status)s: that change is not possible now.")
            % {"status": St(service.status).label},
            code=ErrorCode.SERVICE_TRANSITION_NOT_ALLOWED,
        )

    SERVICE_TRANSITIONS.require(service.status, to_status, refused)
    service.status = to_status
    service.updated_at = timezone.now()


def _save_and_audit(
    *, actor: User, case: Case, service: AssistanceService, fields: list[str]
) -> AssistanceService:
    service.full_clean(exclude=["case", "plan", "provider", "recorded_by"])
    service.save(update_fields=[*fields, "status", "updated_at"])
    _audit(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        object_type="assistance.AssistanceService",
        object_id=service.pk,
        detail={"service_type": service.service_type, "status": service.status},
    )
    return service


@transaction.atomic
def service_start(
    *, actor: User, service_id: object, starts_on: date, consent_on: date | None
) -> AssistanceService:
    """Start a planned service (R-20: only with the person's consent recorded)."""
    service, case = _service_for_update(actor=actor, service_id=service_id)
    if consent_on is None:
        raise InvalidInput(
            _("A service starts only with the person's consent: give the day they consented."),
            code=ErrorCode.CONSENT_REQUIRED,
            field="consent_on",
        )
    if consent_on > starts_on:
        raise InvalidInput(
            _("The person consents before the service starts, not after."),
            code=ErrorCode.INVALID,
            field="consent_on",
        )
    dates.check(consent_on, dates.PAST, field="consent_on")
    dates.check(starts_on, dates.PLANNED, field="starts_on")
    _check_available(
        case=case, service_type=service.service_type, closure=closure_in_force(case.id)
    )
    _move(service, St.ACTIVE)
    service.starts_on = starts_on
    if service.ends_on is not None and service.ends_on < starts_on:
        service.ends_on = None  # the planned end no longer fits; set when it ends
    service.consent_given = True
    service.consent_on = consent_on
    return _save_and_audit(
        actor=actor,
        case=case,
        service=service,
        fields=["starts_on", "ends_on", "consent_given", "consent_on"],
    )


def _check_end(service: AssistanceService, day: date, field: str) -> None:
    if service.status == St.ACTIVE and service.starts_on and day < service.starts_on:
        raise InvalidInput(
            _("A service cannot end before it started."), code=ErrorCode.INVALID, field=field
        )


@transaction.atomic
def service_complete(
    *, actor: User, service_id: object, ends_on: date, outcome: str, outcome_note: str = ""
) -> AssistanceService:
    """Record that a service under way was completed, and what it achieved (R-19)."""
    service, case = _service_for_update(actor=actor, service_id=service_id)
    if outcome not in ServiceOutcome.values:
        raise InvalidInput(
            _("Choose the outcome."), code=ErrorCode.OUTCOME_REQUIRED, field="outcome"
        )
    # The dates are checked while the service is still under way, before it moves.
    dates.check(ends_on, dates.PAST, field="ends_on")
    _check_end(service, ends_on, "ends_on")
    _move(service, St.COMPLETED)
    service.ends_on = ends_on
    service.outcome = outcome
    note = outcome_note.strip()
    service.outcome_note_enc = _encrypt(case, note, SERVICE_OUTCOME_NOTE) if note else None
    return _save_and_audit(
        actor=actor, case=case, service=service, fields=["ends_on", "outcome", "outcome_note_enc"]
    )


@transaction.atomic
def service_refuse(
    *, actor: User, service_id: object, refused_on: date, note: str = ""
) -> AssistanceService:
    """Record that the person refused a service (R-20): without penalty. Nothing
    else on the case changes (other services, eligibility, status), and no
    alternative is forced on the person."""
    service, case = _service_for_update(actor=actor, service_id=service_id)
    dates.check(refused_on, dates.PAST, field="refused_on")
    fields = ["refused_on", "refusal_note_enc"]
    if service.status == St.ACTIVE:
        _check_end(service, refused_on, "refused_on")
        service.ends_on = refused_on
        fields.append("ends_on")
    _move(service, St.REFUSED)
    service.refused_on = refused_on
    text = note.strip()
    service.refusal_note_enc = _encrypt(case, text, SERVICE_REFUSAL_NOTE) if text else None
    return _save_and_audit(actor=actor, case=case, service=service, fields=fields)


@transaction.atomic
def service_stop(*, actor: User, service_id: object, ends_on: date, note: str) -> AssistanceService:
    """Stop a service before it was completed, with the reason (e.g. the provider
    closed, the person moved). Not a refusal: the person did not refuse it."""
    service, case = _service_for_update(actor=actor, service_id=service_id)
    text = _required(note, field="note", message=_("Say why the service stops."))
    dates.check(ends_on, dates.PLANNED, field="ends_on")
    _check_end(service, ends_on, "ends_on")
    _move(service, St.STOPPED)
    _stop(service, ends_on)
    service.outcome_note_enc = _encrypt(case, text, SERVICE_OUTCOME_NOTE)
    return _save_and_audit(
        actor=actor, case=case, service=service, fields=["starts_on", "ends_on", "outcome_note_enc"]
    )


def _stop(service: AssistanceService, ends_on: date) -> None:
    if service.starts_on and service.starts_on > ends_on:
        # A planned service that never started: its planned start falls away.
        service.starts_on = None
    service.ends_on = ends_on


@transaction.atomic
def assistance_close(
    *,
    actor: User,
    case_id: object,
    decided_on: date,
    ground: str,
    reasons: str,
    exit_plan: str,
    person_view: str = "",
    follow_up_on: date | None = None,
) -> AssistanceClosure:
    """Close assistance by a recorded decision with an exit plan (R-22, Dir Art.
    11(1)): the services still planned or under way stop on ``decided_on``; a
    follow-up deadline for the case lead when ``follow_up_on`` is given.

    While the reflection period runs or the person is a presumed victim, only the
    grounds the law allows close it: the person's own wish (in their words), death,
    leaving the country (R-15, R-18). Cooperation is never a ground."""
    case = _services_case(actor=actor, case_id=case_id)
    if closure_in_force(case.id) is not None:
        raise Conflict(_("Assistance is already closed."), code=ErrorCode.ASSISTANCE_CLOSED)
    dates.check(decided_on, dates.PAST, field="decided_on")
    dates.check(follow_up_on, dates.PLANNED, field="follow_up_on")
    _check_closure_ground(case, ground=ground, person_view=person_view, decided_on=decided_on)
    closure = AssistanceClosure(
        case=case,
        decided_on=decided_on,
        ground=ground,
        reasons_enc=_encrypt(
            case,
            _required(reasons, field="reasons", message=_("Give the reasons for closing.")),
            CLOSURE_REASONS,
        ),
        exit_plan_enc=_encrypt(
            case,
            _required(exit_plan, field="exit_plan", message=_("Record the exit plan.")),
            CLOSURE_EXIT_PLAN,
        ),
        person_view_enc=_encrypt(case, person_view.strip(), CLOSURE_PERSON_VIEW),
        follow_up_on=_follow_up(decided_on, follow_up_on),
        decided_by=actor,
        recorded_at=timezone.now(),
    )
    closure.full_clean(exclude=["case", "decided_by", "reopened_by"])
    closure.save()
    stopped = _stop_open_services(actor=actor, case=case, ends_on=decided_on)
    if follow_up_on is not None:
        lead = TeamMembership.objects.select_related("organisation").get(
            case_id=case.id, is_lead=True
        )
        deadline_services.task_open(
            case_id=case.id,
            kind=assistance_clocks.CLOSURE_FOLLOW_UP,
            due_on=follow_up_on,
            organisation=lead.organisation,
            reminder_days_before=FOLLOW_UP_REMINDER_DAYS,
            detail={"closure_id": str(closure.pk)},
        )
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        object_type="assistance.AssistanceClosure",
        object_id=closure.pk,
        detail={"decided_on": decided_on.isoformat(), "services_stopped": stopped},
    )
    return closure


def _closure_protected(case: Case, day: date) -> bool:
    """R-15, R-18: whether closing on ``day`` (or today) needs one of the grounds the
    law allows: the person is presumed, or the reflection period runs."""
    if case.identification_status == IdentificationStatus.PRESUMED:
        return True
    period = reflection_selectors.current_period(case.id)
    return eligibility.reflection_runs_on(period, day) or eligibility.reflection_runs_on(
        period, timezone.localdate()
    )


def _check_closure_ground(case: Case, *, ground: str, person_view: str, decided_on: date) -> None:
    if ground not in ClosureGround.values:
        raise InvalidInput(
            _("Choose the ground for closing from the list."),
            code=ErrorCode.CLOSURE_GROUND_INVALID,
            field="ground",
        )
    if ground not in PROTECTED_CLOSURE_GROUNDS and _closure_protected(case, decided_on):
        raise Conflict(
            _(
                "While the reflection period runs or the person is a presumed victim, assistance "
                "closes only on the person's own wish, their death or their leaving the country."
            ),
            code=ErrorCode.CLOSURE_GROUND_NOT_PERMITTED,
            field="ground",
        )
    if ground == ClosureGround.PERSONS_WISH and not person_view.strip():
        raise InvalidInput(
            _("Record the person's wish in their own words."),
            code=ErrorCode.PERSON_VIEW_REQUIRED,
            field="person_view",
        )


def _follow_up(decided_on: date, follow_up_on: date | None) -> date | None:
    if follow_up_on is not None and follow_up_on <= decided_on:
        raise InvalidInput(
            _("The follow-up comes after the closing decision."),
            code=ErrorCode.INVALID,
            field="follow_up_on",
        )
    return follow_up_on


def _stop_open_services(*, actor: User, case: Case, ends_on: date) -> int:
    services = list(
        AssistanceService.objects.select_for_update().filter(case=case, status__in=OPEN_STATUSES)
    )
    for service in services:
        _check_end(service, ends_on, "decided_on")
        _move(service, St.STOPPED)
        _stop(service, ends_on)
        _save_and_audit(actor=actor, case=case, service=service, fields=["starts_on", "ends_on"])
    return len(services)


@transaction.atomic
def assistance_reopen(*, actor: User, case_id: object, reasons: str) -> AssistanceClosure:
    """Reopen closed assistance (R-22: the person may come back at any time); the
    closure stays on record and its follow-up deadline is cancelled."""
    case = _services_case(actor=actor, case_id=case_id)
    closure = closure_in_force(case.id)
    if closure is None:
        raise Conflict(_("Assistance is not closed."), code=ErrorCode.ASSISTANCE_NOT_CLOSED)
    text = _required(reasons, field="reasons", message=_("Give the reasons for reopening."))
    closure.reopened_on = timezone.localdate()
    closure.reopened_by = actor
    closure.reopen_reasons_enc = _encrypt(case, text, CLOSURE_REOPEN_REASONS)
    closure.save(update_fields=["reopened_on", "reopened_by", "reopen_reasons_enc"])
    deadline_services.tasks_close(
        case_id=case.id,
        kind=assistance_clocks.CLOSURE_FOLLOW_UP,
        by=actor,
        status=Task.Status.CANCELLED,
        closure_id=str(closure.pk),
    )
    _audit(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        object_type="assistance.AssistanceClosure",
        object_id=closure.pk,
        detail={"reopened_on": closure.reopened_on.isoformat()},
    )
    return closure
