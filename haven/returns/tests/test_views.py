"""The return pages: every door refuses what the services refuse (R-30, R-31,
R-32), and errors appear beside their field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.returns import services
from haven.returns.models import FollowUp, ReintegrationGoal, ReturnPlan, WarningAcknowledgement
from haven.returns.tests.factories import load_profiles, make_plan, open_claim, partner_in
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def form_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "country": "UA",
        "wishes": "Home to Lviv, to my mother.",
        "voluntariness": "voluntary",
        "risk_retrafficking": "medium",
        "risk_reprisals": "low",
        "risk_family": "low",
        "risk_notes": "",
        "risk_assessed_on": timezone.localdate().isoformat(),
        "willingness": "adequate",
        "capacity": "limited",
        "focal_point": "Ministry focal point",
        "partner_name": "Nadiya Reintegration Network (Kyiv)",
        "partner_organisation": "",
        "contacts_police": "on",
        "contacts_ngos": "on",
        "proceedings_status": "open",
        "planned_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    body.update(overrides)
    return body


def url(name: str, case: Case, *args: object) -> str:
    return reverse(f"returns:{name}", args=[case.id, *args])


def test_r31_the_profiles_page_flags_stale_profiles_and_only_the_coordinator_edits() -> None:
    # given
    load_profiles()
    coordinator = sign_in(Client(), make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    ngo = sign_in(Client(), make_user(org_type=OrgType.NGO))
    admin = sign_in(Client(), make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN))
    edit = reverse("returns:profile_edit", args=["VN"])
    # when
    with time_machine.travel(date(2026, 12, 7), tick=False):
        listed = ngo.get(reverse("returns:profile_list")).content.decode()
        as_coordinator = coordinator.get(reverse("returns:profile_list")).content.decode()
        refused = ngo.get(edit)
        not_staff = admin.get(reverse("returns:profile_list"))
        form = coordinator.get(edit)
        bad = coordinator.post(edit, {"name": "", "willingness": "adequate", "version": 1})
        saved = coordinator.post(
            edit,
            {
                "name": "Viet Nam",
                "partner_organisations": "Song Hong Returnee Support\nHanoi Youth Shelter",
                "focal_points": "Reception focal point",
                "known_risks": "Debt to recruiters.",
                "willingness": "adequate",
                "capacity": "limited",
                "last_reviewed_on": "2026-12-07",
                "version": 1,
            },
        )
        after = ngo.get(reverse("returns:profile_list")).content.decode()
    # then
    assert "Stale" in listed
    assert "Review Viet Nam" not in listed and "Review Viet Nam" in as_coordinator
    assert refused.status_code == 403
    assert not_staff.status_code == 403
    assert (
        form.status_code == 200 and "not reviewed for more than 12 months" in form.content.decode()
    )
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    assert saved.status_code == 302
    assert "Hanoi Youth Shelter" in after


def test_r31_a_plan_is_prepared_on_its_page_with_errors_beside_the_field() -> None:
    # given
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    outsider = sign_in(Client(), make_user(org_type=OrgType.NGO))
    case = open_case(actor=lead)
    web = sign_in(Client(), lead)
    # when
    empty = web.get(url("plan_list", case)).content.decode()
    form = web.get(url("plan_new", case))
    missing = web.post(url("plan_new", case), form_body(wishes=""))
    created = web.post(url("plan_new", case), form_body())
    page = web.get(url("plan_list", case)).content.decode()
    hidden = outsider.get(url("plan_list", case))
    hidden_form = outsider.post(url("plan_new", case), form_body())
    # then
    assert "Prepare a return plan" in empty
    assert form.status_code == 200
    assert missing.status_code == 400
    assert 'id="id_wishes_error"' in missing.content.decode()
    assert created.status_code == 302
    assert "Home to Lviv, to my mother." in page
    assert "What is known of Ukraine" in page
    assert (hidden.status_code, hidden_form.status_code) == (404, 404)
    assert ReturnPlan.objects.count() == 1


def test_r31_the_warning_must_be_acknowledged_with_a_reason_before_approval_on_the_page() -> None:
    # given: a woman with an open compensation claim
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    open_claim(case=case, by=lead)
    plan = make_plan(actor=lead, case=case)
    web = sign_in(Client(), lead)
    approve = url("plan_transition", case, plan.id, "approve")
    acknowledge = url("plan_acknowledge", case, plan.id)
    # when
    page = web.get(url("plan_list", case)).content.decode()
    refused = web.post(approve)
    no_reason = web.post(acknowledge, {"warning": "open_remedies", "reason": " "})
    done = web.post(acknowledge, {"warning": "open_remedies", "reason": "Lawyer acts by proxy."})
    approved = web.post(approve)
    after = web.get(url("plan_list", case)).content.decode()
    # then
    assert "open proceedings or a compensation claim" in page
    assert "Acknowledge, under my name" in page
    assert refused.status_code == 409
    assert "Acknowledge each warning" in refused.content.decode()
    assert no_reason.status_code == 400
    assert 'id="ack-open_remedies_error"' in no_reason.content.decode()
    assert done.status_code == 302 and approved.status_code == 302
    assert ReturnPlan.objects.get().status == "approved"
    assert WarningAcknowledgement.objects.get().acknowledged_by == lead
    assert "Lawyer acts by proxy." in after
    assert "?stage=return" in after


def test_r30_a_childs_plan_is_refused_approval_on_the_page_without_a_determination() -> None:
    # given
    from haven.children.tests.factories import open_child_case

    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=lead)
    plan = make_plan(actor=lead, case=case)
    web = sign_in(Client(), lead)
    # when
    page = web.get(url("plan_list", case)).content.decode()
    refused = web.post(url("plan_transition", case, plan.id, "approve"))
    # then
    assert "best-interests determination on return" in page
    assert refused.status_code == 409
    assert ReturnPlan.objects.get().status == "draft"


def returned_with_partner() -> tuple[User, User, Case, ReturnPlan]:
    lead = make_user(org_type=OrgType.NGO)
    partner = make_user(organisation=partner_in("UA"))
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(partner))
    plan = make_plan(actor=lead, case=case, partner_organisation_id=org_of(partner).pk)
    services.return_plan_transition(actor=lead, plan_id=plan.id, action="approve")
    return lead, partner, case, plan


def test_r32_marking_returned_on_the_page_lists_the_follow_ups_and_the_partner_records_one() -> (
    None
):
    # given
    load_profiles()
    lead, partner, case, plan = returned_with_partner()
    web = sign_in(Client(), lead)
    partner_web = sign_in(Client(), partner)
    mark = url("plan_transition", case, plan.id, "mark_returned")
    # when
    future = web.post(mark, {"returned_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    done = web.post(mark, {"returned_on": timezone.localdate().isoformat()})
    first = FollowUp.objects.get(plan=plan, months=1)
    record = url("follow_up_record", case, plan.id, first.id)
    not_holder = web.get(record)
    lead_page = web.get(url("plan_list", case)).content.decode()
    partner_page = partner_web.get(url("plan_list", case)).content.decode()
    bad = partner_web.post(record, {"contacted_on": timezone.localdate().isoformat()})
    recorded = partner_web.post(
        record,
        {
            "contacted_on": timezone.localdate().isoformat(),
            "outcome": "met_well",
            "indicators": ["no_income"],
            "note": "Started work at a bakery.",
        },
    )
    twice = partner_web.get(record)
    # then
    assert future.status_code == 400 and 'id="id_returned_on_error"' in future.content.decode()
    assert done.status_code == 302
    assert not_holder.status_code == 403
    assert "Follow-up after return" in lead_page and record not in lead_page
    assert record in partner_page
    assert bad.status_code == 400 and 'id="id_outcome_error"' in bad.content.decode()
    assert recorded.status_code == 302
    assert twice.status_code == 403
    assert FollowUp.objects.get(pk=first.pk).outcome == "met_well"


def test_r31_goals_of_the_reintegration_plan_and_their_outcomes_on_the_page() -> None:
    # given
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    plan = make_plan(actor=lead, case=case)
    web = sign_in(Client(), lead)
    # when
    empty = web.post(url("goal_add", case, plan.id), {"area": "housing", "goal": ""})
    added = web.post(url("goal_add", case, plan.id), {"area": "housing", "goal": "A flat."})
    goal = ReintegrationGoal.objects.get()
    outcome_url = url("goal_outcome", case, plan.id, goal.id)
    form = web.get(outcome_url)
    stale = web.post(outcome_url, {"outcome": "achieved", "note": "", "version": 5})
    saved = web.post(outcome_url, {"outcome": "achieved", "note": "Moved in.", "version": 1})
    missing = web.get(url("goal_outcome", case, plan.id, case.id))
    page = web.get(url("plan_list", case)).content.decode()
    # then
    assert empty.status_code == 400 and 'id="id_goal_error"' in empty.content.decode()
    assert added.status_code == 302 and form.status_code == 200
    assert stale.status_code == 400
    assert saved.status_code == 302
    assert missing.status_code == 404
    assert "Moved in." in page


def test_r31_changing_a_plan_and_cancelling_it_on_the_page() -> None:
    # given
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    plan = make_plan(actor=lead, case=case)
    web = sign_in(Client(), lead)
    edit = url("plan_edit", case, plan.id)
    # when
    form = web.get(edit).content.decode()
    saved = web.post(edit, form_body(wishes="Kyiv instead.", version=1))
    refused = web.post(url("plan_transition", case, plan.id, "cancel"), {"reason": ""})
    cancelled = web.post(url("plan_transition", case, plan.id, "cancel"), {"reason": "Stays."})
    not_draft = web.get(edit)
    unknown = web.post(url("plan_transition", case, plan.id, "teleport"))
    page = web.get(url("plan_list", case)).content.decode()
    # then
    assert "I want to go home to my mother" in form
    assert saved.status_code == 302
    assert refused.status_code == 400 and 'id="id_reason_error"' in refused.content.decode()
    assert cancelled.status_code == 302
    assert not_draft.status_code == 403
    assert unknown.status_code == 404
    assert "Stays." in page and "Prepare a return plan" in page


def test_r31_the_case_page_shows_the_return_block_and_the_report_its_section() -> None:
    # given
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    open_claim(case=case, by=lead)
    make_plan(actor=lead, case=case)
    web = sign_in(Client(), lead)
    # when
    page = web.get(reverse("web:case_detail", args=[case.id])).content.decode()
    report = web.get(reverse("web:person_report", args=[case.id])).content.decode()
    # then
    assert "Return plan to Ukraine: Being prepared." in page
    assert "1 warning to acknowledge" in page
    assert "Your return and reintegration" in report
    assert "I want to go home to my mother" in report
