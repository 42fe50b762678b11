"""Reflection period reads: legal group only, decrypted, audited; the removal check."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.assistance.selectors import reflection as selectors
from haven.assistance.services import reflection as services
from haven.assistance.tests.test_reflection_services import period_version, presumed
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.tests.factories import add_to_team
from haven.identification.tests.test_decisions_services import TODAY, org_of, team

pytestmark = pytest.mark.django_db


def test_it_shows_the_period_with_its_extensions_and_early_end() -> None:
    # given
    t, boss = presumed()
    with time_machine.travel(TODAY + timedelta(days=2), tick=False):
        services.reflection_period_extend(
            actor=boss,
            case_id=t.case.id,
            days=10,
            reasons="Health needs.",
            version=period_version(t.case.id),
        )
    with time_machine.travel(TODAY + timedelta(days=5), tick=False):
        services.reflection_period_end_early(
            actor=boss, case_id=t.case.id, ground="public_order", reasons="Found.", legal_basis="s1"
        )
        # when
        view = selectors.reflection_period_get(user=boss, case_id=t.case.id)
    # then
    assert view.summary.state == "ended_early"
    assert view.summary.days_left is None
    assert view.summary.ended_on == TODAY + timedelta(days=5)
    assert [(e.days, e.reasons, e.decided_by) for e in view.extensions] == [
        (10, "Health needs.", boss.username)
    ]
    assert (view.early_end_ground, view.early_end_reasons, view.early_end_decided_by) == (
        "public_order",
        "Found.",
        boss.username,
    )
    assert view.early_end_ground_label == "Public order"
    assert view.min_days == 30
    assert not view.pathway_confirmed
    assert view.may_decide


def test_it_counts_the_days_left_of_a_running_period() -> None:
    # given
    t, _boss = presumed()
    # when
    with time_machine.travel(TODAY + timedelta(days=12), tick=False):
        view = selectors.reflection_period_get(user=t.ngo, case_id=t.case.id)
        last_day = TODAY + timedelta(days=30)
    with time_machine.travel(last_day, tick=False):
        on_last_day = selectors.reflection_period_summary(user=t.ngo, case_id=t.case.id)
    with time_machine.travel(last_day + timedelta(days=1), tick=False):
        after = selectors.reflection_period_summary(user=t.ngo, case_id=t.case.id)
    # then
    assert (view.summary.state, view.summary.days_left) == ("running", 18)
    assert not view.may_decide  # an NGO caseworker
    assert on_last_day is not None
    assert (on_last_day.state, on_last_day.days_left) == ("running", 0)
    assert after is not None
    assert (after.state, after.days_left, after.ends_on) == ("ended", None, last_day)


def test_a_case_without_a_period_says_so() -> None:
    # given
    t = team()
    # when
    view = selectors.reflection_period_get(user=t.ngo, case_id=t.case.id)
    summary = selectors.reflection_period_summary(user=t.ngo, case_id=t.case.id)
    # then
    assert view.period is None
    assert (view.summary.state, view.extensions, view.early_end_ground) == ("none", [], "")
    assert summary is not None
    assert summary.starts_on is None


def test_the_reads_are_audited_in_the_legal_group() -> None:
    # given
    t, _boss = presumed()
    before = AuditEvent.objects.count()
    # when
    selectors.reflection_period_get(user=t.ngo, case_id=t.case.id)
    selectors.reflection_period_summary(user=t.ngo, case_id=t.case.id)
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.field_groups, e.person_id) for e in events] == [
        (Action.READ, "legal", str(t.case.person_id))
    ] * 2


def test_the_legal_group_decides_who_sees_the_period() -> None:
    # given: a shelter on the team does not see legal data; the lead NGO does
    t, _boss = presumed()
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=t.case, organisation=org_of(shelter), by=t.ngo)
    # then
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.reflection_period_get(user=shelter, case_id=t.case.id)
    assert selectors.reflection_period_summary(user=shelter, case_id=t.case.id) is None
    assert selectors.reflection_period_summary(user=t.ngo, case_id=t.case.id) is not None


def test_outsiders_get_the_same_answer_as_for_a_missing_case() -> None:
    # given
    t, _boss = presumed()
    outsider = make_user(org_type=OrgType.NGO)
    # then
    for read in (selectors.reflection_period_get, selectors.reflection_period_summary):
        with pytest.raises(case_errors.CaseNotFound):
            read(user=outsider, case_id=t.case.id)


def test_an_erased_persons_reasons_are_not_read() -> None:
    # given
    t, boss = presumed()
    services.reflection_period_extend(
        actor=boss,
        case_id=t.case.id,
        days=10,
        reasons="Health.",
        decided_on=TODAY,
        version=period_version(t.case.id),
    )
    lead_boss = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(t.ngo))
    case_services.person_erase(actor=lead_boss, case_id=t.case.id)
    # when
    view = selectors.reflection_period_get(user=boss, case_id=t.case.id)
    # then
    assert view.erased
    assert [e.reasons for e in view.extensions] == [""]
    assert view.early_end_reasons == ""
    assert not view.may_decide


def test_the_removal_check_answers_and_records_the_question() -> None:
    # given
    t, _boss = presumed()
    potential = team()
    # when
    inside = selectors.removal_check(user=t.police, case_id=t.case.id, on_date=TODAY)
    after = selectors.removal_check(
        user=t.police, case_id=t.case.id, on_date=TODAY + timedelta(days=40)
    )
    free = selectors.removal_check(user=potential.police, case_id=potential.case.id)
    # then
    assert (inside.removal_allowed, inside.code) == (False, "reflection_period_running")
    assert (after.removal_allowed, after.code) == (False, "removal_protected")
    assert (free.removal_allowed, free.code) == (True, "removal_not_blocked")
    assert free.reason
    event = AuditEvent.objects.filter(purpose="return").first()
    assert event is not None
    assert event.detail == {"removal_check": TODAY.isoformat(), "code": "reflection_period_running"}
