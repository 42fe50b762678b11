"""The recovery and reflection period (R-15, CETS Art. 13) through its services:
start, national length, extension, early end, and the removal check."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from pytest_django import Settings

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance import clocks as assistance_clocks
from haven.assistance import errors
from haven.assistance.models import ReflectionExtension, ReflectionPeriod
from haven.assistance.services import reflection as services
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Task
from haven.identification.tests.test_decisions_services import TODAY, Team, org_of, record, team
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

NATIONAL_90_DAYS = """
schema_version: 1
default:
  reflection_period: {min_days: 30}
  decision_types:
    reasonable_grounds:
      deciding_org_types: [police]
      target_working_days: 5
      positive_status: presumed
      negative_status: not_identified
      starts_reflection_period: true
countries:
  FI:
    confirmed: true
    reflection_period: {min_days: 90, reminder_days_before: 10}
"""


def presumed() -> tuple[Team, User]:
    """A presumed victim since TODAY, and a police supervisor on the case team."""
    t = team()
    boss = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(t.police))
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    return t, boss


def period_of(case: Case) -> ReflectionPeriod:
    return ReflectionPeriod.objects.get(case=case)


def period_version(case_id: uuid.UUID) -> int:
    """The version of the case's current period, as its page or the API shows it
    (optimistic locking: an extension sends it back); 1 when there is none."""
    period = ReflectionPeriod.objects.filter(case_id=case_id).order_by("-id").first()
    return period.version if period is not None else 1


def period_end_task(case: Case) -> Task:
    return Task.objects.get(case=case, kind=assistance_clocks.REFLECTION_PERIOD_END)


# --- the length ----------------------------------------------------------------------


def test_r15_a_direct_start_below_30_days_is_refused() -> None:
    # given
    t = team()
    # when
    with pytest.raises(errors.ReflectionBelowFloor) as caught:
        services.reflection_period_start(
            actor=t.police,
            case_id=t.case.id,
            person_id=t.case.person_id,
            starts_on=TODAY,
            days=29,
            decision_id="",
        )
    # then
    assert caught.value.code == "reflection_below_floor"
    assert not ReflectionPeriod.objects.exists()


def test_r15_a_decision_starts_one_period_only() -> None:
    # given
    t, _boss = presumed()
    period = ReflectionPeriod.objects.get(case=t.case)
    # when / then
    with pytest.raises(errors.ReflectionExists):
        services.reflection_period_start(
            actor=t.police,
            case_id=t.case.id,
            person_id=t.case.person_id,
            starts_on=TODAY,
            days=30,
            decision_id=period.started_by_decision,
        )
    assert ReflectionPeriod.objects.filter(case=t.case).count() == 1


def test_r15_the_period_lasts_the_national_length(settings: Settings, tmp_path: Path) -> None:
    # given: Finland grants 90 days
    path = tmp_path / "pathways.yaml"
    path.write_text(NATIONAL_90_DAYS, encoding="utf-8")
    settings.HAVEN_PATHWAYS_FILE = str(path)
    t = team()
    assert t.case.country == "FI"
    # when
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # then
    period = period_of(t.case)
    assert (period.granted_days, period.ends_on) == (90, TODAY + timedelta(days=90))
    task = period_end_task(t.case)
    assert timezone.localdate(task.remind_at) == TODAY + timedelta(days=80)


# --- extension -----------------------------------------------------------------------


def test_r15_an_extension_with_reasons_moves_the_end_and_its_deadline() -> None:
    # given
    t, boss = presumed()
    task = period_end_task(t.case)
    before = task.due_at - task.remind_at
    # when
    with time_machine.travel(TODAY + timedelta(days=20), tick=False):
        extension = services.reflection_period_extend(
            actor=boss,
            case_id=t.case.id,
            days=15,
            reasons="Serious health needs.",
            version=period_version(t.case.id),
        )
    # then
    period = period_of(t.case)
    assert (period.granted_days, period.ends_on) == (45, TODAY + timedelta(days=45))
    assert (extension.days, extension.decided_on, extension.decided_by) == (
        15,
        TODAY + timedelta(days=20),
        boss,
    )
    reasons = vault.decrypt(
        key=t.case.person.data_key,
        ciphertext=extension.reasons_enc,
        context="reflection.extension.reasons",
    )
    assert reasons == "Serious health needs."
    task.refresh_from_db()
    assert timezone.localdate(task.due_at) == TODAY + timedelta(days=45)
    assert task.due_at - task.remind_at == before
    event = AuditEvent.objects.filter(object_type="assistance.ReflectionPeriod").last()
    assert event is not None
    assert (event.action, event.detail) == (Action.UPDATE, {"extended_by_days": 15})


def test_r15_an_extension_after_a_reminder_is_reminded_again() -> None:
    # given: the reminder before the end was already sent
    t, boss = presumed()
    Task.objects.filter(case=t.case, kind=assistance_clocks.REFLECTION_PERIOD_END).update(
        reminded_at=timezone.now()
    )
    # when
    with time_machine.travel(TODAY + timedelta(days=28), tick=False):
        services.reflection_period_extend(
            actor=boss,
            case_id=t.case.id,
            days=30,
            reasons="Risk.",
            version=period_version(t.case.id),
        )
    # then
    assert period_end_task(t.case).reminded_at is None


@pytest.mark.parametrize("reasons", ["", "   "])
def test_r15_an_extension_without_reasons_is_refused(reasons: str) -> None:
    # given
    t, boss = presumed()
    # when
    with pytest.raises(errors.ReasonsRequired) as caught:
        services.reflection_period_extend(
            actor=boss,
            case_id=t.case.id,
            days=10,
            reasons=reasons,
            version=period_version(t.case.id),
        )
    # then
    assert caught.value.field == "reasons"
    assert period_of(t.case).granted_days == 30


@pytest.mark.parametrize("days", [0, -3, 366])
def test_it_refuses_an_extension_of_a_silly_length(days: int) -> None:
    # given
    t, boss = presumed()
    # when / then
    with pytest.raises(errors.ReflectionInputInvalid) as caught:
        services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=days, reasons="x", version=period_version(t.case.id)
        )
    assert caught.value.field == "days"


def test_it_refuses_an_extension_dated_in_the_future_or_before_the_start() -> None:
    # given
    t, boss = presumed()
    # then
    with time_machine.travel(TODAY + timedelta(days=3), tick=False):
        for day in (TODAY + timedelta(days=4), TODAY - timedelta(days=1)):
            with pytest.raises(errors.ReflectionInputInvalid):
                services.reflection_period_extend(
                    actor=boss,
                    case_id=t.case.id,
                    days=5,
                    reasons="x",
                    decided_on=day,
                    version=period_version(t.case.id),
                )


def test_it_refuses_to_extend_a_period_that_is_over() -> None:
    # given
    t, boss = presumed()
    # when / then
    with (
        time_machine.travel(TODAY + timedelta(days=31), tick=False),
        pytest.raises(errors.ReflectionNotRunning),
    ):
        services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=5, reasons="x", version=period_version(t.case.id)
        )


@pytest.mark.parametrize(
    ("org_type", "role", "allowed"),
    [
        (OrgType.POLICE, Role.SUPERVISOR, True),
        (OrgType.POLICE, Role.CASEWORKER, False),  # a supervisor decides
        (OrgType.NGO, Role.SUPERVISOR, False),  # an NGO does not grant the period
    ],
)
def test_r15_a_supervisor_of_an_organisation_that_grants_the_period_decides_on_it(
    org_type: str, role: str, allowed: bool
) -> None:
    # given
    t, _boss = presumed()
    actor = make_user(org_type=org_type, role=role)
    add_to_team(case=t.case, organisation=org_of(actor), by=t.ngo)
    # when
    try:
        services.reflection_period_extend(
            actor=actor,
            case_id=t.case.id,
            days=5,
            reasons="x",
            decided_on=TODAY,
            version=period_version(t.case.id),
        )
        outcome = "extended"
    except errors.SupervisorRequired as refused:
        outcome = refused.code
    # then
    assert outcome == ("extended" if allowed else "supervisor_required")


def test_an_outsider_gets_the_same_answer_as_for_a_missing_case() -> None:
    # given
    t, _boss = presumed()
    outsider = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR)
    # when / then
    with pytest.raises(case_errors.CaseNotFound):
        services.reflection_period_extend(
            actor=outsider,
            case_id=t.case.id,
            days=5,
            reasons="x",
            version=period_version(t.case.id),
        )


def test_a_team_member_without_the_legal_group_is_refused() -> None:
    # given
    t, _boss = presumed()
    inspector = make_user(org_type=OrgType.LABOUR_INSPECTORATE, role=Role.SUPERVISOR)
    add_to_team(case=t.case, organisation=org_of(inspector), by=t.ngo)
    # when / then
    with pytest.raises(case_errors.GroupNotAllowed):
        services.reflection_period_extend(
            actor=inspector,
            case_id=t.case.id,
            days=5,
            reasons="x",
            version=period_version(t.case.id),
        )


def test_a_case_without_a_period_cannot_be_extended_or_ended() -> None:
    # given
    t = team()
    boss = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(t.police))
    # then
    with pytest.raises(errors.NoReflectionPeriod):
        services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=5, reasons="x", version=period_version(t.case.id)
        )
    with pytest.raises(errors.NoReflectionPeriod):
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons="x", legal_basis="y"
        )


def test_nothing_is_decided_on_the_period_of_an_erased_person() -> None:
    # given
    t, boss = presumed()
    lead_boss = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(t.ngo))
    case_services.person_erase(actor=lead_boss, case_id=t.case.id)
    # when / then
    with pytest.raises(errors.PersonErased):
        services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=5, reasons="x", version=period_version(t.case.id)
        )


# --- early end -----------------------------------------------------------------------


@pytest.mark.parametrize("ground", ["public_order", "improper_claim"])
def test_r15_the_period_ends_early_on_one_of_the_two_permitted_grounds(ground: str) -> None:
    # given
    t, boss = presumed()
    read = ReflectionPeriod.objects.get(case=t.case).version
    # when
    with time_machine.travel(TODAY + timedelta(days=10), tick=False):
        period = services.reflection_period_end_early(
            actor=boss,
            case_id=t.case.id,
            ground=ground,
            reasons="Documented finding.",
            legal_basis="Aliens Act s. 52d",
        )
    # then
    assert period.status == ReflectionPeriod.Status.ENDED_EARLY
    assert (period.ended_on, period.early_end_ground) == (TODAY + timedelta(days=10), ground)
    assert (period.early_end_legal_basis, period.early_end_decided_by) == (
        "Aliens Act s. 52d",
        boss,
    )
    assert period_end_task(t.case).status == Task.Status.CANCELLED
    # ending it is an edit: a form opened on the running period is stale now
    assert ReflectionPeriod.objects.get(pk=period.pk).version == period.version == read + 1


@pytest.mark.parametrize(
    "ground", ["", "no_cooperation", "refuses_to_testify", "ended", "PUBLIC_ORDER"]
)
def test_r15_an_early_end_on_any_other_ground_is_refused(ground: str) -> None:
    # given
    t, boss = presumed()
    # when
    with pytest.raises(errors.EarlyEndGroundNotPermitted) as caught:
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground=ground, reasons="x", legal_basis="y"
        )
    # then
    assert (caught.value.code, caught.value.field) == ("early_end_ground_not_permitted", "ground")
    assert period_of(t.case).status == ReflectionPeriod.Status.RUNNING


def test_r15_an_early_end_needs_reasons_and_a_legal_basis() -> None:
    # given
    t, boss = presumed()
    # then
    with pytest.raises(errors.ReasonsRequired):
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons=" ", legal_basis="y"
        )
    with pytest.raises(errors.LegalBasisRequired) as caught:
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons="x", legal_basis=" "
        )
    assert caught.value.field == "legal_basis"
    assert period_of(t.case).status == ReflectionPeriod.Status.RUNNING


def test_r15_an_early_end_is_decided_by_a_supervisor() -> None:
    # given
    t, _boss = presumed()
    # when / then
    with pytest.raises(errors.SupervisorRequired):
        services.reflection_period_end_early(
            actor=t.police, case_id=t.case.id, ground="public_order", reasons="x", legal_basis="y"
        )


def test_a_period_ended_early_can_be_neither_ended_nor_extended_again() -> None:
    # given
    t, boss = presumed()
    services.reflection_period_end_early(
        actor=boss,
        case_id=t.case.id,
        ground="public_order",
        reasons="x",
        legal_basis="y",
        decided_on=TODAY,
    )
    # then
    with pytest.raises(errors.ReflectionNotRunning):
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons="x", legal_basis="y"
        )
    with pytest.raises(errors.ReflectionNotRunning):
        services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=5, reasons="x", version=period_version(t.case.id)
        )
    assert not ReflectionExtension.objects.exists()


# --- removal ---------------------------------------------------------------------------


def _start_directly(case: Case, actor: User) -> ReflectionPeriod:
    """A period alone, without the presumed status (to test the period's own rule),
    started on the day it is recorded."""
    with time_machine.travel(TODAY, tick=False):
        return services.reflection_period_start(
            actor=actor,
            case_id=case.id,
            person_id=case.person_id,
            starts_on=TODAY,
            days=30,
            decision_id="",
        )


def test_r15_removal_is_blocked_inside_the_period_and_allowed_after_its_end() -> None:
    # given: a period from TODAY to TODAY + 30 on a case without removal protection
    t = team()
    _start_directly(t.case, t.police)
    # when / then
    for day in (TODAY, TODAY + timedelta(days=30)):
        with time_machine.travel(day, tick=False), pytest.raises(errors.RemovalProtected) as caught:
            services.removal_enforcement_check(case_id=t.case.id, on_date=timezone.localdate())
        assert caught.value.code == "reflection_period_running"
    with time_machine.travel(TODAY + timedelta(days=31), tick=False):
        services.removal_enforcement_check(case_id=t.case.id, on_date=timezone.localdate())
    services.removal_enforcement_check(case_id=t.case.id, on_date=TODAY - timedelta(days=1))


def test_r03_a_presumed_person_stays_protected_after_the_period() -> None:
    # given: reasonable grounds protect the person until identification is complete
    t, boss = presumed()
    services.reflection_period_end_early(
        actor=boss,
        case_id=t.case.id,
        ground="improper_claim",
        reasons="x",
        legal_basis="y",
        decided_on=TODAY,
    )
    # when
    with pytest.raises(errors.RemovalProtected) as caught:
        services.removal_enforcement_check(case_id=t.case.id, on_date=TODAY + timedelta(days=60))
    # then
    assert caught.value.code == "removal_protected"


def test_r15_removal_is_allowed_once_a_period_ended_early_on_a_case_without_protection() -> None:
    # given
    t = team()
    boss = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(t.police))
    _start_directly(t.case, t.police)
    with time_machine.travel(TODAY + timedelta(days=5), tick=False):
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons="x", legal_basis="y"
        )
    # when / then: nothing in the way from the day it ended
    services.removal_enforcement_check(case_id=t.case.id, on_date=TODAY + timedelta(days=5))


def test_the_removal_check_knows_no_missing_case() -> None:
    # then
    for case_id in ("00000000-0000-0000-0000-000000000000", "nonsense"):
        with pytest.raises(case_errors.CaseNotFound):
            services.removal_enforcement_check(case_id=case_id, on_date=date(2026, 1, 1))


def test_a_potential_victim_without_a_period_is_not_blocked_here() -> None:
    # given
    case = open_case(actor=make_user())
    # when / then: no exception
    services.removal_enforcement_check(case_id=case.id, on_date=TODAY)
