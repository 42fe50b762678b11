"""Assistance plans, services and closing: services, selectors and the
eligibility of services (R-18, R-19, R-20, R-22)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db.models import Q

from haven.access.services import break_glass as break_glass_services
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance import clocks as assistance_clocks
from haven.assistance import eligibility
from haven.assistance.catalogue import ServiceType
from haven.assistance.errors import ErrorCode
from haven.assistance.models import (
    Assessment,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    ClosureGround,
    ReflectionPeriod,
)
from haven.assistance.models import ServiceStatus as St
from haven.assistance.selectors import plans as selectors
from haven.assistance.services import plans as services
from haven.assistance.services import reflection as reflection_services
from haven.audit.models import AuditEvent
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Task
from haven.identification.services import decisions as decision_services
from haven.lib.errors import HavenError
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


@dataclass
class PlanTeam:
    case: Case
    lead: User  # NGO caseworker, case lead: sees the services group
    police: User  # on the team, but the police never see the services group
    supervisor: User  # police supervisor (ends a reflection period early)
    outsider: User  # not on the team
    provider: Organisation


def plan_team() -> PlanTeam:
    lead = make_user(org_type=OrgType.NGO)
    with time_machine.travel(NOON - timedelta(days=1), tick=False):  # before any decision
        case = open_case(actor=lead)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation, by=lead)
    supervisor = make_user(
        org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=police.organisation
    )
    shelter = make_user(org_type=OrgType.SHELTER)
    assert shelter.organisation is not None
    return PlanTeam(
        case, lead, police, supervisor, make_user(org_type=OrgType.NGO), shelter.organisation
    )


def service_input(t: PlanTeam, **changes: Any) -> services.ServiceInput:
    data = services.ServiceInput(
        service_type=ServiceType.ACCOMMODATION,
        provider_id=t.provider.id,
        starts_on=TODAY,
        note="Room in the safe house.",
    )
    return replace(data, **changes)


def money(t: PlanTeam, **changes: Any) -> services.ServiceInput:
    return service_input(
        t,
        **{
            "service_type": ServiceType.FINANCIAL_SUPPORT,
            "amount": Decimal("150.00"),
            "currency": "EUR",
            "amount_period": "monthly",
            **changes,
        },
    )


def make_plan(t: PlanTeam, *rows: services.ServiceInput, **kwargs: Any) -> AssistancePlan:
    return services.plan_create(
        actor=t.lead,
        case_id=t.case.id,
        agreed_on=TODAY,
        person_view=kwargs.pop("person_view", "She wants a quiet place first."),
        services=list(rows) or [service_input(t)],
        **kwargs,
    )


def code_of(call: Any) -> str:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code


def field_of(call: Any) -> str | None:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.field


def a_service(t: PlanTeam, **changes: Any) -> AssistanceService:
    return services.service_add(
        actor=t.lead, case_id=t.case.id, service=service_input(t, **changes)
    )


def start(t: PlanTeam, service: AssistanceService) -> AssistanceService:
    return services.service_start(
        actor=t.lead, service_id=service.id, starts_on=TODAY, consent_on=TODAY
    )


def needs_assessment(case: Case, lead: User, kind: str = "needs") -> Assessment:
    """An assessment row written as the assessments service stores it."""
    content = {
        "sections": {
            "accommodation": {"level": "urgent", "note": "No safe place."},
            "medical": {"level": "none", "note": ""},
            "subsistence": {"level": "needed", "note": "No income."},
        },
        "person_view": "She agrees.",
    }
    assert lead.organisation is not None
    return Assessment.objects.create(
        case=case,
        kind=kind,
        version=1,
        trigger="initial",
        assessed_on=TODAY,
        content_enc=vault.encrypt(
            key=case.person.data_key,
            plaintext=json.dumps(content),
            context="assessment.content",
        ),
        recorded_at=NOON,
        recorded_by=lead,
        recorded_by_organisation=lead.organisation,
    )


# --- a plan agreed with the person ------------------------------------------------


def test_r20_a_plan_is_recorded_with_its_services_and_the_persons_view_encrypted() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        plan = make_plan(t, service_input(t), money(t))
        view = selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then
    assert b"quiet place" not in bytes(plan.person_view_enc)
    assert [p.person_view for p in view.plans] == ["She wants a quiet place first."]
    assert [s.service_type for s in view.plans[0].services] == [
        "accommodation",
        "financial_support",
    ]
    assert {s.status for s in view.services} == {St.PLANNED}
    assert view.services[0].note == "Room in the safe house."
    assert AuditEvent.objects.filter(
        object_type="assistance.AssistancePlan", action="create", field_groups="services"
    ).exists()


def test_r20_a_plan_needs_the_persons_view_and_at_least_one_service() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when / then
        assert field_of(lambda: make_plan(t, person_view="  ")) == "person_view"
        assert (
            code_of(
                lambda: services.plan_create(
                    actor=t.lead,
                    case_id=t.case.id,
                    agreed_on=TODAY,
                    person_view="Yes.",
                    services=[],
                )
            )
            == "services_required"
        )
    assert not AssistancePlan.objects.exists()


def test_r20_a_refused_row_names_its_index_and_nothing_is_written() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        field = field_of(lambda: make_plan(t, service_input(t), money(t, currency="eur")))
    # then
    assert field == "services.1.currency"
    assert not AssistancePlan.objects.exists()
    assert not AssistanceService.objects.exists()


def test_r20_a_plan_is_made_from_a_needs_assessment_of_the_same_case_only() -> None:
    # given
    t = plan_team()
    other = open_case(actor=t.lead)
    needs = needs_assessment(t.case, t.lead)
    risk = needs_assessment(t.case, t.lead, kind="risk")
    foreign = needs_assessment(other, t.lead)
    with time_machine.travel(NOON, tick=False):
        # when
        plan = make_plan(t, assessment_id=needs.id)
        # then
        assert plan.assessment_id == needs.id
        assert code_of(lambda: make_plan(t, assessment_id=risk.id)) == "assessment_not_needs"
        assert code_of(lambda: make_plan(t, assessment_id=foreign.id)) == "assessment_not_needs"
        assert code_of(lambda: make_plan(t, assessment_id="nope")) == "assessment_not_needs"


def test_r20_only_a_member_who_sees_the_services_group_writes_and_reads_plans() -> None:
    # given: one case; the lead sees the services group, the police on the team do not
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        make_plan(t)
        # then: allowed side
        assert len(selectors.plans_for_case(user=t.lead, case_id=t.case.id).services) == 1
        # then: denied side
        assert code_of(lambda: make_plan(replace(t, lead=t.police))) == ("field_group_not_allowed")
        assert (
            code_of(lambda: selectors.plans_for_case(user=t.police, case_id=t.case.id))
            == "field_group_not_allowed"
        )
        assert (
            code_of(lambda: selectors.plans_for_case(user=t.outsider, case_id=t.case.id))
            == "case_not_found"
        )
        assert code_of(lambda: a_service(replace(t, lead=t.outsider))) == "case_not_found"


def test_r20_break_glass_access_never_writes_a_service() -> None:
    # given: an outsider who broke the glass reads the case, the lead writes
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(t)
        break_glass_services.break_glass_use(
            actor=t.outsider,
            case_id=t.case.id,
            reason="medical_emergency",
            justification="Medical emergency, no lead.",
        )
        # when / then
        assert code_of(lambda: a_service(replace(t, lead=t.outsider))) == "break_glass_read_only"
        assert code_of(lambda: start(replace(t, lead=t.outsider), service)) == (
            "break_glass_read_only"
        )
        assert AssistanceService.objects.get().status == St.PLANNED
        assert start(t, service).status == St.ACTIVE


# --- consent, refusal without penalty, the state machine --------------------------


def test_r20_a_service_starts_only_with_the_persons_consent_recorded() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(t)
        # when
        refused = code_of(
            lambda: services.service_start(
                actor=t.lead, service_id=service.id, starts_on=TODAY, consent_on=None
            )
        )
        after_start = code_of(
            lambda: services.service_start(
                actor=t.lead,
                service_id=service.id,
                starts_on=TODAY - timedelta(days=1),
                consent_on=TODAY,
            )
        )
        started = start(t, service)
    # then
    assert refused == "consent_required"
    assert after_start == "invalid"
    assert (started.status, started.consent_given, started.consent_on) == (
        St.ACTIVE,
        True,
        TODAY,
    )


def test_r20_a_refusal_is_recorded_without_penalty() -> None:
    # given: two services and a plain case
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        refused = a_service(t)
        other = start(t, a_service(t, service_type=ServiceType.MEDICAL_CARE))
        case_before = Case.objects.values().get(pk=t.case.pk)
        # when
        services.service_refuse(
            actor=t.lead, service_id=refused.id, refused_on=TODAY, note="Prefers her aunt's flat."
        )
        # then: nothing else changes, and new services stay open to the person
        assert Case.objects.values().get(pk=t.case.pk) == case_before
        assert AssistanceService.objects.get(pk=other.pk).status == St.ACTIVE
        assert eligibility.service_eligibility(
            case=t.case, service_type=ServiceType.ACCOMMODATION, closure=None
        ).eligible
        again = a_service(t)
        view = selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then
    assert view.service(refused.id) is not None
    assert view.service(refused.id).refusal_note == "Prefers her aunt's flat."  # type: ignore[union-attr]  # checked just above
    assert [view.service(s.id).id for s in (refused, other, again)] == [  # type: ignore[union-attr]  # each is found
        refused.id,
        other.id,
        again.id,
    ]
    assert again.status == St.PLANNED
    assert AssistanceService.objects.count() == 3  # no alternative forced on the person


TRANSITIONS = [
    # (from, action, allowed)
    (St.PLANNED, "start", True),
    (St.PLANNED, "refuse", True),
    (St.PLANNED, "stop", True),
    (St.PLANNED, "complete", False),
    (St.ACTIVE, "complete", True),
    (St.ACTIVE, "refuse", True),
    (St.ACTIVE, "stop", True),
    (St.ACTIVE, "start", False),
    (St.COMPLETED, "stop", False),
    (St.REFUSED, "start", False),
    (St.STOPPED, "refuse", False),
]


def _act(t: PlanTeam, service: AssistanceService, action: str) -> AssistanceService:
    if action == "start":
        return start(t, service)
    if action == "complete":
        return services.service_complete(
            actor=t.lead, service_id=service.id, ends_on=TODAY, outcome="achieved"
        )
    if action == "refuse":
        return services.service_refuse(actor=t.lead, service_id=service.id, refused_on=TODAY)
    return services.service_stop(
        actor=t.lead, service_id=service.id, ends_on=TODAY, note="The provider closed."
    )


def _in_status(t: PlanTeam, status: str) -> AssistanceService:
    service = a_service(t)
    path: list[str] = {
        St.PLANNED: [],
        St.ACTIVE: ["start"],
        St.COMPLETED: ["start", "complete"],
        St.REFUSED: ["refuse"],
        St.STOPPED: ["stop"],
    }[St(status)]
    for action in path:
        service = _act(t, service, action)
    return service


@pytest.mark.parametrize(("from_status", "action", "allowed"), TRANSITIONS)
def test_r20_a_service_moves_only_along_its_table(
    from_status: str, action: str, allowed: bool
) -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = _in_status(t, from_status)
        # when / then
        if allowed:
            assert _act(t, service, action).status != from_status
        else:
            assert code_of(lambda: _act(t, service, action)) == "service_transition_not_allowed"
            assert AssistanceService.objects.get(pk=service.pk).status == from_status


def test_r20_completing_needs_an_outcome_and_stopping_needs_a_reason() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        # when / then
        assert (
            code_of(
                lambda: services.service_complete(
                    actor=t.lead, service_id=service.id, ends_on=TODAY, outcome="great"
                )
            )
            == "outcome_required"
        )
        assert (
            field_of(
                lambda: services.service_stop(
                    actor=t.lead, service_id=service.id, ends_on=TODAY, note=" "
                )
            )
            == "note"
        )
        done = services.service_complete(
            actor=t.lead,
            service_id=service.id,
            ends_on=TODAY,
            outcome="partly",
            outcome_note="Moved on early.",
        )
    assert (done.status, done.outcome) == (St.COMPLETED, "partly")


def test_r20_a_missing_service_and_a_hidden_one_look_the_same() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(t)
        # when / then
        hidden = code_of(lambda: start(replace(t, lead=t.outsider), service))
        missing = code_of(
            lambda: services.service_refuse(
                actor=t.lead,
                service_id="00000000-0000-0000-0000-000000000000",
                refused_on=TODAY,
            )
        )
        garbage = code_of(
            lambda: services.service_refuse(actor=t.lead, service_id="x", refused_on=TODAY)
        )
    assert hidden == missing == garbage == "not_found"


# --- financial support and the catalogue ------------------------------------------


def test_r19_financial_support_records_amount_currency_and_period() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        make_plan(t, money(t), money(t, amount=Decimal("50"), amount_period="once"))
        a_service(t, **{**money(t).__dict__, "amount": Decimal("100")})
        refused = a_service(t, **{**money(t).__dict__, "amount": Decimal("999")})
        services.service_refuse(actor=t.lead, service_id=refused.id, refused_on=TODAY)
        view = selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then: refusals are left out of the totals
    assert [(x.currency, x.amount_period, x.amount) for x in view.totals] == [
        ("EUR", "monthly", Decimal("250.00")),
        ("EUR", "once", Decimal("50.00")),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"amount": None}, "amount", "amount_required"),
        ({"amount": Decimal("-1")}, "amount", "amount_required"),
        ({"currency": "eur"}, "currency", "currency_invalid"),
        ({"currency": ""}, "currency", "currency_invalid"),
        ({"amount_period": ""}, "amount_period", "amount_period_required"),
        ({"service_type": "accommodation"}, "amount", "amount_not_allowed"),
        ({"service_type": "spa_days"}, "service_type", "unknown_service_type"),
        ({"provider_id": "nope"}, "provider", "provider_unknown"),
        ({"ends_on": TODAY - timedelta(days=1)}, "ends_on", "invalid"),
        ({"consent_given": True}, "consent_on", "consent_date_required"),
    ],
)
def test_r19_a_service_is_refused_in_plain_words_on_its_field(
    changes: dict[str, Any], field: str, code: str
) -> None:
    # given
    t = plan_team()
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(HavenError) as refused:
        services.service_add(actor=t.lead, case_id=t.case.id, service=money(t, **changes))
    # then
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not AssistanceService.objects.exists()


def test_r19_a_service_may_join_a_plan_of_the_same_case_only() -> None:
    # given
    t = plan_team()
    other = replace(t, case=open_case(actor=t.lead))
    with time_machine.travel(NOON, tick=False):
        plan = make_plan(t)
        foreign = make_plan(other)
        # when
        joined = services.service_add(
            actor=t.lead, case_id=t.case.id, service=service_input(t), plan_id=plan.id
        )
        # then
        assert joined.plan_id == plan.id
        assert (
            code_of(
                lambda: services.service_add(
                    actor=t.lead, case_id=t.case.id, service=service_input(t), plan_id=foreign.id
                )
            )
            == "plan_unknown"
        )


# --- every status from potential on ----------------------------------------------


@pytest.mark.parametrize("status", [S.POTENTIAL, S.PRESUMED, S.NOT_IDENTIFIED, S.WITHDRAWN])
def test_r18_services_are_available_in_every_identification_status(status: str) -> None:
    # given
    t = plan_team()
    Case.objects.filter(pk=t.case.pk).update(identification_status=status)
    with time_machine.travel(NOON, tick=False):
        # when
        service = start(t, a_service(t))
    # then
    assert service.status == St.ACTIVE


def test_r22_a_negative_decision_or_the_end_of_the_reflection_period_closes_nothing() -> None:
    # given: services under way for a presumed victim
    t = plan_team()
    with time_machine.travel(NOON, tick=False) as traveller:
        decision_services.decision_record(
            actor=t.police,
            case_id=t.case.id,
            decision_type="reasonable_grounds",
            outcome="positive",
            reasons="Indicators confirmed.",
            legal_basis="Test Act s. 1",
        )
        active = start(t, a_service(t))
        planned = a_service(t, service_type=ServiceType.COUNSELLING)
        # when: the reflection period ends early, its end date passes, a negative decision
        reflection_services.reflection_period_end_early(
            actor=t.supervisor,
            case_id=t.case.id,
            ground="public_order",
            reasons="A recorded finding.",
            legal_basis="Section 1",
        )
        traveller.shift(timedelta(days=60))
        decision_services.decision_record(
            actor=t.police,
            case_id=t.case.id,
            decision_type="conclusive_grounds",
            outcome="negative",
            reasons="Not enough evidence.",
            legal_basis="Test Act s. 1",
        )
        # then
        statuses = dict(AssistanceService.objects.values_list("id", "status"))
        assert statuses == {active.id: St.ACTIVE, planned.id: St.PLANNED}
        assert not AssistanceClosure.objects.exists()
        case = Case.objects.get(pk=t.case.pk)
        assert case.identification_status == S.NOT_IDENTIFIED
        assert eligibility.service_eligibility(
            case=case, service_type=ServiceType.COUNSELLING, closure=None
        ).eligible
        assert start(t, planned).status == St.ACTIVE


# --- closing needs a recorded decision with an exit plan --------------------------


def close(t: PlanTeam, **changes: Any) -> AssistanceClosure:
    arguments: dict[str, Any] = {
        "decided_on": TODAY,
        "ground": "persons_wish",
        "reasons": "She found work and a flat.",
        "exit_plan": "Counselling available on request for six months.",
        "person_view": "She agrees.",
    }
    arguments.update(changes)
    return services.assistance_close(actor=t.lead, case_id=t.case.id, **arguments)


def test_r22_closing_needs_reasons_and_an_exit_plan() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when / then
        assert field_of(lambda: close(t, reasons=" ")) == "reasons"
        assert field_of(lambda: close(t, exit_plan="")) == "exit_plan"
        assert field_of(lambda: close(t, follow_up_on=TODAY)) == "follow_up_on"
        assert field_of(lambda: close(t, decided_on=TODAY + timedelta(days=1))) == "decided_on"
    assert not AssistanceClosure.objects.exists()


def _presumed(t: PlanTeam) -> None:
    decision_services.decision_record(
        actor=t.police,
        case_id=t.case.id,
        decision_type="reasonable_grounds",
        outcome="positive",
        reasons="Indicators confirmed.",
        legal_basis="Test Act s. 1",
    )


def test_r15_r18_a_presumed_victims_assistance_closes_only_on_a_ground_the_law_allows() -> None:
    # given: a presumed victim inside the reflection period
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        _presumed(t)
        # when / then: never for not cooperating, never "no longer needed"
        assert code_of(lambda: close(t, ground="does_not_cooperate")) == (
            ErrorCode.CLOSURE_GROUND_INVALID
        )
        assert code_of(lambda: close(t, ground=ClosureGround.NO_LONGER_NEEDED)) == (
            ErrorCode.CLOSURE_GROUND_NOT_PERMITTED
        )
        assert field_of(lambda: close(t, ground=ClosureGround.NO_LONGER_NEEDED)) == "ground"
        # the person's own wish is recorded in their words
        assert code_of(lambda: close(t, ground=ClosureGround.PERSONS_WISH, person_view=" ")) == (
            ErrorCode.PERSON_VIEW_REQUIRED
        )
        assert not AssistanceClosure.objects.exists()
        closure = close(t, ground=ClosureGround.PERSONS_WISH, person_view="I am going home.")
    assert closure.ground == ClosureGround.PERSONS_WISH


@pytest.mark.parametrize("ground", [ClosureGround.DEATH, ClosureGround.LEFT_COUNTRY])
def test_r15_death_or_leaving_the_country_closes_assistance_during_the_period(
    ground: str,
) -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        _presumed(t)
        # when
        closure = close(t, ground=ground, person_view="")
    # then
    assert closure.ground == ground


def test_r15_the_running_period_alone_protects_from_closing_after_identification() -> None:
    # given: identified (no longer presumed) while the extended period still runs
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        _presumed(t)
        ReflectionPeriod.objects.filter(case=t.case).update(ends_on=TODAY + timedelta(days=90))
    with time_machine.travel(NOON + timedelta(days=31), tick=False):
        decision_services.decision_record(
            actor=t.police,
            case_id=t.case.id,
            decision_type="conclusive_grounds",
            outcome="positive",
            reasons="Balance of probabilities met.",
            legal_basis="Test Act s. 1",
        )
        # when / then
        assert code_of(lambda: close(t, ground=ClosureGround.NO_LONGER_NEEDED)) == (
            ErrorCode.CLOSURE_GROUND_NOT_PERMITTED
        )
    # and once the period is over, assistance no longer needed is a ground
    with time_machine.travel(NOON + timedelta(days=95), tick=False):
        closure = close(
            t, ground=ClosureGround.NO_LONGER_NEEDED, decided_on=TODAY + timedelta(days=95)
        )
    assert closure.ground == ClosureGround.NO_LONGER_NEEDED


def test_r22_closing_stops_open_services_and_opens_the_follow_up_for_the_lead() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        active = start(t, a_service(t))
        planned = a_service(t, starts_on=TODAY + timedelta(days=5))
        refused = services.service_refuse(
            actor=t.lead, service_id=a_service(t).id, refused_on=TODAY
        )
        # when
        closure = close(t, follow_up_on=TODAY + timedelta(days=90))
        # then
        rows = {s.pk: s for s in AssistanceService.objects.all()}
        assert (rows[active.pk].status, rows[active.pk].ends_on) == (St.STOPPED, TODAY)
        assert (rows[planned.pk].status, rows[planned.pk].starts_on) == (St.STOPPED, None)
        assert rows[refused.pk].status == St.REFUSED
        task = Task.objects.get(kind=assistance_clocks.CLOSURE_FOLLOW_UP)
        assert task.assigned_organisation == t.lead.organisation
        assert task.detail == {"closure_id": str(closure.pk)}
        view = selectors.plans_for_case(user=t.lead, case_id=t.case.id)
        assert view.closure is not None
        assert view.closure.exit_plan == "Counselling available on request for six months."
        # and new services wait for a reopening
        assert code_of(lambda: a_service(t)) == "assistance_closed"
        assert code_of(lambda: close(t)) == "assistance_closed"


def test_r22_reopening_lifts_the_closure_and_keeps_it_on_record() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        assert code_of(
            lambda: services.assistance_reopen(actor=t.lead, case_id=t.case.id, reasons="Back.")
        ) == ("assistance_not_closed")
        close(t, follow_up_on=TODAY + timedelta(days=30))
        assert field_of(
            lambda: services.assistance_reopen(actor=t.lead, case_id=t.case.id, reasons=" ")
        ) == ("reasons")
        # when
        services.assistance_reopen(actor=t.lead, case_id=t.case.id, reasons="She came back.")
        service = a_service(t)
        view = selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then
    assert service.status == St.PLANNED
    assert view.closure is None
    assert [c.reopen_reasons for c in view.closures] == ["She came back."]
    assert (
        Task.objects.get(kind=assistance_clocks.CLOSURE_FOLLOW_UP).status == Task.Status.CANCELLED
    )


# --- service_eligibility, each branch ----------------------------------------------------


def _closure(reopened_on: date | None) -> AssistanceClosure:
    return AssistanceClosure(decided_on=TODAY, reopened_on=reopened_on)


@pytest.mark.parametrize(
    ("service_type", "closure", "eligible"),
    [
        ("spa_days", None, False),
        (ServiceType.ACCOMMODATION, None, True),
        (ServiceType.ACCOMMODATION, "in force", False),
        (ServiceType.ACCOMMODATION, "reopened", True),
    ],
)
def test_r18_service_eligibility_reads_the_catalogue_and_the_closure_only(
    service_type: str, closure: str | None, eligible: bool
) -> None:
    # given
    case = Case(identification_status=S.NOT_IDENTIFIED)
    row = {None: None, "in force": _closure(None), "reopened": _closure(TODAY)}[closure]
    # when
    result = eligibility.service_eligibility(case=case, service_type=service_type, closure=row)
    # then
    assert result.eligible is eligible
    assert str(result.reason)


@pytest.mark.parametrize("status", S.values)
def test_r18_every_catalogue_service_is_open_in_every_status(status: str) -> None:
    # given
    case = Case(identification_status=status)
    # then
    assert all(
        eligibility.service_eligibility(case=case, service_type=kind, closure=None).eligible
        for kind in ServiceType.values
    )


# --- the case page -----------------------------------------------------------------------


def test_r20_the_case_page_summary_counts_services_in_two_queries(
    django_assert_num_queries: Any,
) -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        start(t, a_service(t))
        a_service(t)
        close(t)
        lead_view = case_selectors.case_read(user=t.lead, case_id=t.case.id)
        police_view = case_selectors.case_read(user=t.police, case_id=t.case.id)
        # when
        with django_assert_num_queries(2):
            summary = selectors.case_page_plans(case_view=lead_view)
        hidden = selectors.case_page_plans(case_view=police_view)
    # then
    assert summary is not None
    assert [(c.status, c.count) for c in summary.counts] == [(St.STOPPED, 2)]
    assert summary.closed_on == TODAY
    assert hidden is None


def test_r20_reads_are_audited_on_the_services_group() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then
    event = AuditEvent.objects.filter(Q(object_type="assistance.AssistancePlan")).get()
    assert (event.action, event.field_groups) == ("read", "services")
