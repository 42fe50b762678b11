"""Assistance plan, service and closure reads (R-19, R-20, R-22): the services
field group, decided and audited. Missing and hidden cases give the same 404
(``case_get``); a team member whose organisation does not see the services group
gets ``field_group_not_allowed``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, User
from haven.assistance import states as assistance_states
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    AmountPeriod,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    ServiceOutcome,
    ServiceStatus,
)
from haven.assistance.services import plans as plan_services
from haven.audit import services as audit
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import HavenError
from haven.vault import services as vault
from haven.vault.models import DataKey


@dataclass(frozen=True)
class ServiceView:
    id: uuid.UUID
    plan_id: uuid.UUID | None
    service_type: str
    service_type_label: str
    provider_id: uuid.UUID
    provider_name: str
    status: str
    status_label: str
    starts_on: date | None
    ends_on: date | None
    consent_given: bool
    consent_on: date | None
    refused_on: date | None
    note: str  # empty once the person's data is erased
    refusal_note: str
    outcome: str
    outcome_label: str
    outcome_note: str
    amount: Decimal | None
    currency: str
    amount_period: str
    amount_period_label: str
    next_statuses: tuple[str, ...]  # what may follow (the service state machine)


@dataclass(frozen=True)
class PlanView:
    id: uuid.UUID
    agreed_on: date
    assessment_id: uuid.UUID | None
    person_view: str
    recorded_by: str
    services: list[ServiceView]


@dataclass(frozen=True)
class ClosureView:
    id: uuid.UUID
    decided_on: date
    reasons: str
    exit_plan: str
    person_view: str
    follow_up_on: date | None
    decided_by: str
    reopened_on: date | None
    reopened_by: str
    reopen_reasons: str


@dataclass(frozen=True)
class TotalView:
    """Financial support of one currency and period, refused services left out."""

    currency: str
    amount_period: str
    amount_period_label: str
    amount: Decimal


@dataclass(frozen=True)
class PlansView:
    case: Case
    erased: bool
    plans: list[PlanView]
    services: list[ServiceView]  # all of the case's services, in or out of a plan
    totals: list[TotalView]
    closure: ClosureView | None  # in force
    closures: list[ClosureView]  # every closing decision, latest first

    @property
    def unplanned(self) -> list[ServiceView]:
        return [s for s in self.services if s.plan_id is None]

    def service(self, service_id: object) -> ServiceView | None:
        return next((s for s in self.services if str(s.id) == str(service_id)), None)


def _text(key: DataKey, ciphertext: bytes | memoryview | None, context: str, erased: bool) -> str:
    if erased:
        return ""
    return vault.decrypt_optional(key=key, ciphertext=ciphertext, context=context)


def _service_view(row: AssistanceService, key: DataKey, erased: bool) -> ServiceView:
    def text(ciphertext: bytes | memoryview | None, context: str) -> str:
        return _text(key, ciphertext, context, erased)

    service_type = row.service_type
    return ServiceView(
        id=row.id,
        plan_id=row.plan_id,
        service_type=service_type,
        service_type_label=str(ServiceType(service_type).label)
        if service_type in ServiceType.values
        else service_type,
        provider_id=row.provider_id,
        provider_name=row.provider.name,
        status=row.status,
        status_label=str(ServiceStatus(row.status).label),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        consent_given=row.consent_given,
        consent_on=row.consent_on,
        refused_on=row.refused_on,
        note=text(row.note_enc, plan_services.SERVICE_NOTE),
        refusal_note=text(row.refusal_note_enc, plan_services.SERVICE_REFUSAL_NOTE),
        outcome=row.outcome,
        outcome_label=str(ServiceOutcome(row.outcome).label) if row.outcome else "",
        outcome_note=text(row.outcome_note_enc, plan_services.SERVICE_OUTCOME_NOTE),
        amount=row.amount,
        currency=row.currency,
        amount_period=row.amount_period,
        amount_period_label=str(AmountPeriod(row.amount_period).label) if row.amount_period else "",
        next_statuses=tuple(sorted(assistance_states.SERVICE_TRANSITIONS.targets(row.status))),
    )


def _closure_view(row: AssistanceClosure, key: DataKey, erased: bool) -> ClosureView:
    return ClosureView(
        id=row.id,
        decided_on=row.decided_on,
        reasons=_text(key, row.reasons_enc, plan_services.CLOSURE_REASONS, erased),
        exit_plan=_text(key, row.exit_plan_enc, plan_services.CLOSURE_EXIT_PLAN, erased),
        person_view=_text(key, row.person_view_enc, plan_services.CLOSURE_PERSON_VIEW, erased),
        follow_up_on=row.follow_up_on,
        decided_by=row.decided_by.get_username(),
        reopened_on=row.reopened_on,
        reopened_by=row.reopened_by.get_username() if row.reopened_by else "",
        reopen_reasons=_text(
            key, row.reopen_reasons_enc, plan_services.CLOSURE_REOPEN_REASONS, erased
        ),
    )


def _totals(services: list[ServiceView]) -> list[TotalView]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for s in services:
        if s.amount is not None and s.status != ServiceStatus.REFUSED:
            sums[(s.currency, s.amount_period)] += s.amount
    return [
        TotalView(currency, period, str(AmountPeriod(period).label), amount)
        for (currency, period), amount in sorted(sums.items())
    ]


def plan_write_require(*, user: User, case_id: object) -> None:
    """The gate a new plan's write passes (services group, a team member, a live
    person), asked without reading or locking: the new-plan page refuses up front
    with it, not after the form was filled in."""
    case_selectors.case_for(
        user=user,
        case_id=case_id,
        group=FieldGroup.SERVICES,
        purpose=Purpose.ASSISTANCE,
        write=True,
        lock=False,
    )


def plan_offered(*, user: User, case_id: object) -> bool:
    """Whether a page offers a new plan (e.g. "make a plan from this assessment"):
    ``plan_write_require`` passes (the services group may be closed to a team
    member, as it is to the police; break-glass only reads)."""
    try:
        plan_write_require(user=user, case_id=case_id)
    except HavenError:
        return False
    return True


@audit.audited_read()
def plans_for_case(
    *, user: User, case_id: object, purpose: Purpose = Purpose.ASSISTANCE
) -> PlansView:
    """The case's plans, services (notes decrypted), financial totals per currency
    and closing decisions (services group; R-19, R-20, R-22). The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.SERVICES, purpose=purpose
    )
    case, erased = gated.case, gated.erased
    key = case.person.data_key
    services = [
        _service_view(row, key, erased)
        for row in AssistanceService.objects.filter(case=case)
        .select_related("provider")
        .order_by(F("starts_on").asc(nulls_last=True), "recorded_at", "service_type")
    ]
    plans = [
        PlanView(
            id=plan.id,
            agreed_on=plan.agreed_on,
            assessment_id=plan.assessment_id,
            person_view=_text(key, plan.person_view_enc, plan_services.PLAN_PERSON_VIEW, erased),
            recorded_by=plan.recorded_by.get_username(),
            services=[s for s in services if s.plan_id == plan.id],
        )
        for plan in AssistancePlan.objects.filter(case=case).select_related("recorded_by")
    ]
    closures = [
        _closure_view(row, key, erased)
        for row in AssistanceClosure.objects.filter(case=case).select_related(
            "decided_by", "reopened_by"
        )
    ]
    gated.audit_record(object_type="assistance.AssistancePlan")
    return PlansView(
        case=case,
        erased=erased,
        plans=plans,
        services=services,
        totals=_totals(services),
        closure=next((c for c in closures if c.reopened_on is None), None),
        closures=closures,
    )


def providers() -> list[Organisation]:
    """Organisations that may be named as a service's provider (issue 6 narrows
    this to the service directory)."""
    return list(Organisation.objects.order_by("name"))


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class CasePagePlans:
    counts: list[StatusCount]  # statuses with at least one service, in the machine's order
    total: int
    closed_on: date | None  # the closing decision in force


def case_page_plans(
    *, case_view: case_selectors.CaseView, services_held: bool = True, closures_held: bool = True
) -> CasePagePlans | None:
    """For a case page that ``case_read`` already decided and audited: None unless
    the services group is allowed there; then services counted by status and the
    closure in force. Two queries, nothing decrypted, nothing audited twice; none
    for what the page knows the case does not hold (``services_held``,
    ``closures_held`` False)."""
    if not case_view.group(FieldGroup.SERVICES).allowed:
        return None
    case_id = case_view.case.id
    by_status = (
        AssistanceService.objects.filter(case_id=case_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    rows = dict(by_status) if services_held else {}
    counts = [
        StatusCount(status.value, str(status.label), rows[status.value])
        for status in ServiceStatus
        if rows.get(status.value)
    ]
    closure = AssistanceClosure.objects.filter(case_id=case_id, reopened_on__isnull=True)
    closed_on = closure.values_list("decided_on", flat=True).first() if closures_held else None
    return CasePagePlans(counts=counts, total=sum(c.count for c in counts), closed_on=closed_on)
