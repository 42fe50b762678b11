"""R-32: when a plan is marked returned, the follow-up schedule (1, 3, 6, 12 months
by default, configurable) becomes deadlines of the partner in the country of return
(or of the sending organisation while the partner is not on the case team); each
contact records its outcome and re-trafficking risk indicators; a missed one is
escalated. The reintegration plan records goals by area and their outcomes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pytest_django import Settings

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.lib.errors import EditConflict, HavenError
from haven.returns import clocks, selectors, services
from haven.returns.models import FollowUp, ReturnPlan
from haven.returns.tests.factories import make_plan, partner_in

pytestmark = pytest.mark.django_db

RETURNED_ON = date(2026, 12, 1)


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code, refused.value.field


def returned(actor: User, case: Case, **overrides: Any) -> ReturnPlan:
    plan = make_plan(actor=actor, case=case, **overrides)
    services.return_plan_transition(actor=actor, plan_id=plan.id, action="approve")
    return services.return_plan_transition(
        actor=actor, plan_id=plan.id, action="mark_returned", returned_on=RETURNED_ON
    )


def team_with_partner() -> tuple[User, User, Case]:
    """The sending caseworker, a caseworker of the partner in Ukraine, and the case
    the partner joined (as by accepting the case's referral)."""
    caseworker = make_user(org_type=OrgType.NGO)
    partner = make_user(organisation=partner_in("UA"))
    case = open_case(actor=caseworker)
    add_to_team(case=case, organisation=org_of(partner))
    return caseworker, partner, case


def record(actor: User, follow_up: FollowUp, **overrides: Any) -> FollowUp:
    fields: dict[str, Any] = {
        "contacted_on": RETURNED_ON + timedelta(days=30),
        "outcome": "met_concerns",
        "indicators": ["debt", "recontacted"],
        "note": "She met the recruiter's cousin at the market.",
    }
    fields.update(overrides)
    return services.follow_up_record(actor=actor, follow_up_id=follow_up.id, **fields)


def test_r32_marking_returned_puts_the_schedule_on_the_partners_list() -> None:
    # given
    caseworker, partner, case = team_with_partner()
    # when
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case, partner_organisation_id=org_of(partner).pk)
        listed = list(deadline_selectors.my_deadlines(user=partner))
    # then
    rows = list(FollowUp.objects.filter(plan=plan))
    assert [(row.months, row.due_on) for row in rows] == [
        (1, date(2027, 1, 1)),
        (3, date(2027, 3, 1)),
        (6, date(2027, 6, 1)),
        (12, date(2027, 12, 1)),
    ]
    assert {row.organisation for row in rows} == {org_of(partner)}
    assert [task.kind for task in listed] == [clocks.FOLLOW_UP] * 4
    assert listed[0].detail == {"months": 1, "follow_up": str(rows[0].id)}
    event = AuditEvent.objects.get(
        object_type="returns.ReturnPlan", action=Action.TRANSITION, detail__action="mark_returned"
    )
    assert event.detail["status"] == "returned"


def test_r32_the_schedule_is_a_national_rule(settings: Settings) -> None:
    # given
    settings.HAVEN_RETURN_FOLLOW_UP_MONTHS = "2, 24"
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    # when
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case)
    # then
    assert list(FollowUp.objects.filter(plan=plan).values_list("months", flat=True)) == [2, 24]


@pytest.mark.parametrize("value", ["1,three", "", "0", "121"])
def test_r32_a_malformed_schedule_fails_loudly(settings: Settings, value: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from haven.returns import schedule

    settings.HAVEN_RETURN_FOLLOW_UP_MONTHS = value
    with pytest.raises(ImproperlyConfigured):
        schedule.follow_up_months()


def test_r32_the_sender_holds_the_follow_ups_while_the_partner_is_not_on_the_team() -> None:
    # given: the partner works in Haven but never joined this case
    caseworker = make_user(org_type=OrgType.NGO)
    partner = partner_in("UA")
    case = open_case(actor=caseworker)
    # when
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case, partner_organisation_id=partner.pk)
    # then
    assert set(FollowUp.objects.filter(plan=plan).values_list("organisation", flat=True)) == {
        org_of(caseworker).pk
    }
    view = selectors.return_plan_list(user=caseworker, case_id=case.id).plans[0]
    assert view.follow_up_holder == org_of(caseworker).name


def test_r32_the_actual_return_date_is_required_and_not_in_the_future() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    services.return_plan_transition(actor=caseworker, plan_id=plan.id, action="approve")
    tomorrow = timezone.localdate() + timedelta(days=1)
    # when / then
    for day in (None, tomorrow):
        assert code_of(
            lambda day=day: services.return_plan_transition(
                actor=caseworker, plan_id=plan.id, action="mark_returned", returned_on=day
            )
        ) == ("plan_input_invalid", "returned_on")


def test_r32_a_contact_records_outcome_and_indicators_and_closes_its_deadline() -> None:
    # given
    caseworker, partner, case = team_with_partner()
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case, partner_organisation_id=org_of(partner).pk)
    first = FollowUp.objects.get(plan=plan, months=1)
    # when
    with time_machine.travel(date(2027, 1, 2), tick=False):
        not_holder = code_of(lambda: record(caseworker, first))
        done = record(partner, first)
        twice = code_of(lambda: record(partner, first))
        view = selectors.return_plan_list(user=partner, case_id=case.id).plans[0]
    # then
    assert not_holder == ("follow_up_not_holder", None)
    assert twice == ("follow_up_done", None)
    assert done.indicators == ["debt", "recontacted"]
    assert b"cousin" not in bytes(done.note_enc or b"")
    assert Task.objects.get(pk=str(first.task_id)).status == Task.Status.DONE
    assert view.follow_ups[0].outcome_label == "Met: there are concerns"
    assert view.follow_ups[0].note == "She met the recruiter's cousin at the market."
    assert len(view.follow_ups[0].indicators) == 2
    assert [f.overdue for f in view.follow_ups] == [False, False, False, False]
    event = AuditEvent.objects.get(object_type="returns.FollowUp")
    assert event.detail == {"months": 1, "outcome": "met_concerns", "indicators": 2}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": "fine"}, "outcome"),
        ({"indicators": ["unknown"]}, "indicators"),
        ({"contacted_on": RETURNED_ON - timedelta(days=1)}, "contacted_on"),
        ({"note": "x" * 5001}, "note"),
    ],
)
def test_r32_a_contact_is_checked_field_by_field(overrides: dict[str, Any], field: str) -> None:
    # given
    caseworker, partner, case = team_with_partner()
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case, partner_organisation_id=org_of(partner).pk)
    first = FollowUp.objects.get(plan=plan, months=1)
    # when / then
    with time_machine.travel(date(2027, 1, 2), tick=False):
        assert code_of(lambda: record(partner, first, **overrides)) == (
            "follow_up_input_invalid",
            field,
        )
        assert code_of(
            lambda: services.follow_up_record(
                actor=partner,
                follow_up_id="nope",
                contacted_on=date(2027, 1, 2),
                outcome="met_well",
                indicators=[],
            )
        ) == ("plan_not_found", None)


def test_r32_a_missed_follow_up_escalates_to_the_partners_supervisors() -> None:
    # given
    caseworker, partner, case = team_with_partner()
    supervisor = make_user(organisation=org_of(partner), role=Role.SUPERVISOR)
    with time_machine.travel(date(2026, 12, 7), tick=False):
        plan = returned(caseworker, case, partner_organisation_id=org_of(partner).pk)
    first = FollowUp.objects.get(plan=plan, months=1)
    # when: the first contact is missed
    with time_machine.travel(date(2027, 1, 3), tick=False):
        swept = deadline_services.deadlines_sweep()
        summary = selectors.return_summary(case=case)
    # then
    escalated = Task.objects.filter(kind=clocks.FOLLOW_UP, escalated_at__isnull=False)
    assert swept.escalated >= 1
    assert list(escalated.values_list("id", flat=True)) == [first.task_id]
    escalation = Notification.objects.get(kind=Notification.Kind.ESCALATION, task=first.task_id)
    assert escalation.recipient == supervisor
    assert summary is not None
    assert (summary.follow_ups_due, summary.follow_ups_overdue) == (4, 1)


def test_r31_reintegration_goals_by_area_with_their_outcomes() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    outsider = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when
    goal = services.reintegration_goal_add(
        actor=caseworker, plan_id=plan.id, area="training", goal="Finish the nursing course."
    )
    hidden = code_of(
        lambda: services.reintegration_goal_add(
            actor=outsider, plan_id=plan.id, area="training", goal="x"
        )
    )
    bad_area = code_of(
        lambda: services.reintegration_goal_add(
            actor=caseworker, plan_id=plan.id, area="luck", goal="x"
        )
    )
    no_goal = code_of(
        lambda: services.reintegration_goal_add(
            actor=caseworker, plan_id=plan.id, area="housing", goal=" "
        )
    )
    updated = services.reintegration_goal_update(
        actor=caseworker, goal_id=goal.id, outcome="achieved", note="Diploma in June.", version=1
    )
    with pytest.raises(EditConflict):
        services.reintegration_goal_update(
            actor=caseworker, goal_id=goal.id, outcome="achieved", note="", version=1
        )
    bad_outcome = code_of(
        lambda: services.reintegration_goal_update(
            actor=caseworker, goal_id=goal.id, outcome="meh", note="", version=2
        )
    )
    long_note = code_of(
        lambda: services.reintegration_goal_update(
            actor=caseworker, goal_id=goal.id, outcome="achieved", note="x" * 5001, version=2
        )
    )
    missing = code_of(
        lambda: services.reintegration_goal_update(
            actor=caseworker, goal_id="nope", outcome="achieved", note="", version=2
        )
    )
    # then
    assert hidden == ("plan_not_found", None)
    assert bad_area == ("goal_input_invalid", "area")
    assert no_goal == ("goal_input_invalid", "goal")
    assert bad_outcome == ("goal_input_invalid", "outcome")
    assert long_note == ("goal_input_invalid", "note")
    assert missing == ("plan_not_found", None)
    assert updated.outcome == "achieved"
    view = selectors.return_plan_list(user=caseworker, case_id=case.id).plans[0]
    assert [(g.area_label, g.goal, g.outcome_label, g.outcome_note) for g in view.goals] == [
        ("Training", "Finish the nursing course.", "Achieved", "Diploma in June.")
    ]
    services.return_plan_transition(
        actor=caseworker, plan_id=plan.id, action="cancel", reason="Stays."
    )
    assert code_of(
        lambda: services.reintegration_goal_add(
            actor=caseworker, plan_id=plan.id, area="housing", goal="A flat."
        )
    ) == ("plan_not_editable", None)
