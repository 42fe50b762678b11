"""R-31: a return plan prepared with the person, gated in the assessment group;
R-30: a child's return only with a completed risk assessment and a best-interests
determination in favour of return; warnings that cannot pass silently (P3: open
remedies; R-15: the reflection period), each acknowledged with a reason by a named
person before approval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.services import reflection as reflection_services
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.children.services import best_interests
from haven.children.tests.factories import open_child_case
from haven.lib.errors import EditConflict, HavenError
from haven.returns import rules, selectors, services
from haven.returns.models import ReturnPlan, WarningAcknowledgement
from haven.returns.tests.factories import WISHES, make_plan, open_claim, partner_in, plan_input

pytestmark = pytest.mark.django_db


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code, refused.value.field


def approve(actor: User, plan: ReturnPlan) -> ReturnPlan:
    return services.return_plan_transition(actor=actor, plan_id=plan.id, action="approve")


def acknowledge(actor: User, plan: ReturnPlan, warning: str, reason: str = "Checked.") -> Any:
    return services.return_warning_acknowledge(
        actor=actor, plan_id=plan.id, warning=warning, reason=reason
    )


def determine(actor: User, case: Case, *, favours: bool) -> None:
    day = timezone.localdate()
    common: dict[str, Any] = {
        "actor": actor,
        "case_id": case.id,
        "matter": "return",
        "how_heard": "conversation",
        "child_views": "Wants to see her grandmother.",
        "considerations": "Safety at home.",
        "conclusion": "As decided.",
        "guardian_present": True,
        "decided_on": day,
    }
    best_interests.best_interests_record(stage="assessment", **common)
    best_interests.best_interests_record(stage="determination", favours_return=favours, **common)


# --- preparing the plan ------------------------------------------------------------------------


def test_r31_a_plan_is_prepared_with_the_person_encrypted_and_audited() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    # when
    plan = make_plan(actor=caseworker, case=case)
    # then
    view = selectors.return_plan_list(user=caseworker, case_id=case.id)
    assert view.current is not None
    assert view.current.wishes == WISHES
    assert view.current.risk_assessment_complete is True
    assert b"Lviv" not in bytes(plan.wishes_enc)
    created = AuditEvent.objects.get(object_type="returns.ReturnPlan", action=Action.CREATE)
    read = AuditEvent.objects.filter(object_type="returns.ReturnPlan", action=Action.READ).get()
    assert created.field_groups == FieldGroup.ASSESSMENT
    assert (created.purpose, read.purpose) == (Purpose.ASSISTANCE, Purpose.ASSISTANCE)
    assert created.detail == {"country": "UA", "status": "draft"}


def test_r31_one_plan_is_prepared_at_a_time() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    make_plan(actor=caseworker, case=case)
    # when / then
    assert code_of(lambda: make_plan(actor=caseworker, case=case)) == ("plan_already_open", None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"wishes": "  "}, "wishes"),
        ({"wishes": "x" * 5001}, "wishes"),
        ({"country": "U"}, "country"),
        ({"voluntariness": "forced"}, "voluntariness"),
        ({"risk_family": "extreme"}, "risk_family"),
        ({"capacity": "huge"}, "capacity"),
        ({"proceedings_status": "secret"}, "proceedings_status"),
        ({"focal_point": "x" * 201}, "focal_point"),
        ({"risk_assessed_on": timezone.localdate() + timedelta(days=1)}, "risk_assessed_on"),
        ({"partner_organisation_id": "not-an-id"}, "partner_organisation"),
    ],
)
def test_r31_a_plan_is_checked_field_by_field(overrides: dict[str, Any], field: str) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    # when / then
    assert code_of(lambda: make_plan(actor=caseworker, case=case, **overrides)) == (
        "plan_input_invalid",
        field,
    )


def test_r31_the_partner_organisation_works_in_the_country_of_return() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    elsewhere = partner_in("FI")
    partner = partner_in("UA")
    # when
    refused = code_of(
        lambda: make_plan(actor=caseworker, case=case, partner_organisation_id=elsewhere.pk)
    )
    plan = make_plan(actor=caseworker, case=case, partner_organisation_id=str(partner.pk))
    # then
    assert refused == ("plan_input_invalid", "partner_organisation")
    assert plan.partner_organisation == partner


def test_r31_the_plan_is_gated_in_the_assessment_group_never_legal() -> None:
    # given: the lead, a health service on the team (no assessment group), an outsider
    caseworker = make_user(org_type=OrgType.NGO)
    health = make_user(org_type=OrgType.HEALTH)
    outsider = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    add_to_team(case=case, organisation=org_of(health))
    plan = make_plan(actor=caseworker, case=case)
    # when
    allowed = selectors.return_plan_list(user=caseworker, case_id=case.id)
    hidden = code_of(lambda: selectors.return_plan_list(user=outsider, case_id=case.id))
    group = code_of(lambda: selectors.return_plan_list(user=health, case_id=case.id))
    write_hidden = code_of(lambda: approve(outsider, plan))
    write_group = code_of(lambda: approve(health, plan))
    # then
    assert allowed.current is not None
    assert hidden == ("case_not_found", None)
    assert group == ("field_group_not_allowed", None)
    assert write_hidden == ("plan_not_found", None)
    assert write_group == ("field_group_not_allowed", None)
    assert code_of(lambda: approve(caseworker, ReturnPlan(id=case.id))) == ("plan_not_found", None)


def test_r31_only_a_plan_being_prepared_is_changed_and_a_stale_edit_saves_nothing() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when
    changed = services.return_plan_update(
        actor=caseworker, plan_id=plan.id, plan=plan_input(wishes="Go to Kyiv."), version=1
    )
    with pytest.raises(EditConflict):
        services.return_plan_update(actor=caseworker, plan_id=plan.id, plan=plan_input(), version=1)
    approve(caseworker, plan)
    not_draft = code_of(
        lambda: services.return_plan_update(
            actor=caseworker, plan_id=plan.id, plan=plan_input(), version=2
        )
    )
    # then
    assert changed.version == 2
    assert selectors.return_plan_list(user=caseworker, case_id=case.id).plans[0].wishes == (
        "Go to Kyiv."
    )
    assert not_draft == ("plan_not_editable", None)


# --- blocks and warnings -------------------------------------------------------------------------


def test_r31_approval_is_blocked_until_the_pre_return_risk_assessment_is_complete() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case, risk_family="", risk_assessed_on=None)
    # when
    blocked = code_of(lambda: approve(caseworker, plan))
    not_acknowledgeable = code_of(lambda: acknowledge(caseworker, plan, "risk_assessment_missing"))
    # then
    assert blocked == ("return_blocked", None)
    assert not_acknowledgeable == ("warning_not_raised", None)
    assert ReturnPlan.objects.get().status == "draft"


def test_r30_a_childs_return_needs_a_best_interests_determination_in_favour_of_return() -> None:
    # given: the same child's plan, with no determination, then one against, then one for
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when
    without = code_of(lambda: approve(caseworker, plan))
    determine(caseworker, case, favours=False)
    against = code_of(lambda: approve(caseworker, plan))
    determine(caseworker, case, favours=True)
    approved = approve(caseworker, plan)
    # then
    assert without == ("return_blocked", None)
    assert against == ("return_blocked", None)
    assert approved.status == "approved"


def test_r30_a_childs_return_needs_a_completed_risk_assessment_even_in_its_best_interests() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    determine(caseworker, case, favours=True)
    plan = make_plan(actor=caseworker, case=case, risk_assessed_on=None)
    # when
    facts = rules.facts_for(case=case, plan=plan, today=timezone.localdate())
    refused = code_of(lambda: approve(caseworker, plan))
    # then
    assert facts.best_interests_favour_return is True
    assert [w.key for w in rules.warnings_for(facts)] == ["risk_assessment_missing"]
    assert refused == ("return_blocked", None)


def test_r31_open_remedies_warn_and_are_acknowledged_with_a_reason_before_approval() -> None:
    # given: a woman with an open compensation claim
    caseworker = make_user(org_type=OrgType.NGO, first_name="Aino", last_name="Virtanen")
    case = open_case(actor=caseworker)
    open_claim(case=case, by=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when
    unacknowledged = code_of(lambda: approve(caseworker, plan))
    no_reason = code_of(lambda: acknowledge(caseworker, plan, "open_remedies", reason=" "))
    acknowledge(caseworker, plan, "open_remedies", reason="Her lawyer files for her by proxy.")
    approved = approve(caseworker, plan)
    # then
    assert unacknowledged == ("warning_unacknowledged", None)
    assert no_reason == ("plan_input_invalid", "reason")
    assert approved.status == "approved"
    ack = WarningAcknowledgement.objects.get()
    assert b"proxy" not in bytes(ack.reason_enc)
    event = AuditEvent.objects.get(object_type="returns.WarningAcknowledgement")
    assert event.detail == {"warning": "open_remedies", "plan": str(plan.id)}
    shown = selectors.return_plan_list(user=caseworker, case_id=case.id).plans[0].warnings
    assert [(w.key, w.acknowledgement and w.acknowledgement.acknowledged_by) for w in shown] == [
        ("open_remedies", "Aino Virtanen")
    ]
    assert shown[0].acknowledgement is not None
    assert shown[0].acknowledgement.reason == "Her lawyer files for her by proxy."


def test_r31_the_open_remedies_warning_carries_no_legal_detail() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    open_claim(case=case, by=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when
    view = selectors.return_plan_list(user=caseworker, case_id=case.id).plans[0]
    # then
    assert [w.key for w in view.unacknowledged] == ["open_remedies"]
    assert "12000" not in view.unacknowledged[0].message
    assert "open proceedings or a compensation claim" in view.unacknowledged[0].message
    assert plan.status == "draft"


def test_r31_a_return_during_the_reflection_period_is_acknowledged_before_approval() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    reflection_services.reflection_period_start(
        actor=caseworker,
        case_id=case.id,
        person_id=case.person_id,
        starts_on=timezone.localdate(),
        days=30,
        decision_id="",
    )
    plan = make_plan(actor=caseworker, case=case)
    # when
    refused = code_of(lambda: approve(caseworker, plan))
    acknowledge(caseworker, plan, "reflection_period", reason="She asked to go home now.")
    approved = approve(caseworker, plan)
    # then
    assert refused == ("warning_unacknowledged", None)
    assert approved.status == "approved"


def test_r31_only_a_warning_the_plan_raises_now_is_acknowledged() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    # when / then
    assert code_of(lambda: acknowledge(caseworker, plan, "open_remedies")) == (
        "warning_not_raised",
        None,
    )
    assert code_of(lambda: acknowledge(caseworker, plan, "invented")) == (
        "warning_not_raised",
        None,
    )


def test_r31_approval_needs_a_planned_date() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case, planned_on=None)
    # when / then
    assert code_of(lambda: approve(caseworker, plan)) == ("plan_input_invalid", "planned_on")


# --- the state machine ------------------------------------------------------------------------


def test_r31_an_approved_plan_goes_back_to_preparation_or_is_cancelled_with_a_reason() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    approve(caseworker, plan)
    # when
    reopened = services.return_plan_transition(actor=caseworker, plan_id=plan.id, action="reopen")
    acknowledged_elsewhere = code_of(
        lambda: services.return_plan_transition(
            actor=caseworker, plan_id=plan.id, action="mark_returned"
        )
    )
    no_reason = code_of(
        lambda: services.return_plan_transition(actor=caseworker, plan_id=plan.id, action="cancel")
    )
    cancelled = services.return_plan_transition(
        actor=caseworker, plan_id=plan.id, action="cancel", reason="She decided to stay."
    )
    # then
    assert (reopened.status, reopened.approved_at) == ("draft", None)
    assert acknowledged_elsewhere == ("transition_not_allowed", None)
    assert no_reason == ("plan_input_invalid", "reason")
    assert cancelled.status == "cancelled"
    view = selectors.return_plan_list(user=caseworker, case_id=case.id)
    assert view.plans[0].cancel_reason == "She decided to stay."
    assert view.may_start is True
    assert code_of(lambda: acknowledge(caseworker, plan, "open_remedies")) == (
        "plan_not_editable",
        None,
    )


def test_r31_the_person_erased_reads_nothing_and_writes_are_refused() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    plan = make_plan(actor=caseworker, case=case)
    supervisor = make_user(organisation=org_of(caseworker), role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=case.id)
    # when
    view = selectors.return_plan_list(user=caseworker, case_id=case.id)
    # then
    assert view.erased is True
    assert view.plans[0].wishes == ""
    with pytest.raises(case_errors.PersonErased):
        approve(caseworker, plan)


def test_r31_a_case_without_a_plan_has_no_summary_and_no_plan_of_another_id() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    # when
    summary = selectors.return_summary(case=case)
    missing = code_of(
        lambda: selectors.return_plan_get(user=caseworker, case_id=case.id, plan_id=case.id)
    )
    # then
    assert summary is None
    assert missing == ("plan_not_found", None)
