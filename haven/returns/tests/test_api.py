"""The returns API mirrors the pages: the same services refuse the same things
(R-30, R-31, R-32), with stable codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.returns.models import FollowUp, ReintegrationGoal
from haven.returns.tests.factories import load_profiles, open_claim, partner_in

pytestmark = pytest.mark.django_db


def plan_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "country": "UA",
        "wishes": "Home to Lviv.",
        "voluntariness": "voluntary",
        "risk_retrafficking": "high",
        "risk_reprisals": "medium",
        "risk_family": "low",
        "risk_assessed_on": timezone.localdate().isoformat(),
        "planned_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    body.update(overrides)
    return body


def test_r31_the_api_refuses_approval_until_the_warning_is_acknowledged() -> None:
    # given: a woman with an open compensation claim, and a partner in Ukraine on the team
    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    partner = make_user(organisation=partner_in("UA"))
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(partner))
    open_claim(case=case, by=lead)
    api = api_client_for(lead)
    plans = f"/api/v1/cases/{case.id}/return-plans/"
    # when
    invalid = api.post(plans, plan_body(wishes=" "), format="json")
    created = api.post(
        plans, plan_body(partner_organisation_id=str(org_of(partner).pk)), format="json"
    )
    plan = created.json()["plans"][0]
    base = f"/api/v1/return-plans/{plan['id']}/"
    refused = api.post(f"{base}transitions/", {"action": "approve"}, format="json")
    no_reason = api.post(
        f"{base}acknowledgements/", {"warning": "open_remedies", "reason": ""}, format="json"
    )
    acknowledged = api.post(
        f"{base}acknowledgements/",
        {"warning": "open_remedies", "reason": "Her lawyer acts by proxy."},
        format="json",
    )
    approved = api.post(f"{base}transitions/", {"action": "approve"}, format="json")
    hidden = outsider.get(plans)
    hidden_write = outsider.post(f"{base}transitions/", {"action": "cancel"}, format="json")
    # then
    assert invalid.json() | {"detail": ""} == {
        "code": "plan_input_invalid",
        "detail": "",
        "field": "wishes",
    }
    assert created.status_code == 201
    assert [w["key"] for w in plan["warnings"]] == ["open_remedies"]
    assert plan["warnings"][0]["acknowledged_by"] is None
    assert (refused.status_code, refused.json()["code"]) == (409, "warning_unacknowledged")
    assert (no_reason.status_code, no_reason.json()["field"]) == (400, "reason")
    assert acknowledged.json()["plans"][0]["warnings"][0]["acknowledged_reason"] == (
        "Her lawyer acts by proxy."
    )
    assert approved.json()["plans"][0]["status"] == "approved"
    assert approved.json()["plans"][0]["actions"] == ["mark_returned", "reopen", "cancel"]
    assert (hidden.status_code, hidden.json()["code"]) == (404, "case_not_found")
    assert (hidden_write.status_code, hidden_write.json()["code"]) == (404, "plan_not_found")


def test_r30_the_api_refuses_a_childs_return_without_a_determination_in_favour() -> None:
    # given
    from haven.children.tests.factories import open_child_case

    lead = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=lead)
    api = api_client_for(lead)
    created = api.post(f"/api/v1/cases/{case.id}/return-plans/", plan_body(), format="json")
    plan_id = created.json()["plans"][0]["id"]
    # when
    refused = api.post(
        f"/api/v1/return-plans/{plan_id}/transitions/", {"action": "approve"}, format="json"
    )
    block = api.post(
        f"/api/v1/return-plans/{plan_id}/acknowledgements/",
        {"warning": "open_remedies", "reason": "x"},
        format="json",
    )
    # then
    assert [w["key"] for w in created.json()["plans"][0]["warnings"]] == ["best_interests_missing"]
    assert (refused.status_code, refused.json()["code"]) == (409, "return_blocked")
    assert (block.status_code, block.json()["code"]) == (409, "warning_not_raised")


def test_r32_the_api_marks_returned_and_the_partner_records_a_follow_up() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    partner = make_user(organisation=partner_in("UA"))
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(partner))
    api = api_client_for(lead)
    partner_api = api_client_for(partner)
    body = plan_body(partner_organisation_id=str(org_of(partner).pk), planned_on=None)
    plan_id = api.post(f"/api/v1/cases/{case.id}/return-plans/", body, format="json").json()[
        "plans"
    ][0]["id"]
    base = f"/api/v1/return-plans/{plan_id}/"
    # when
    full = {**plan_body(partner_organisation_id=str(org_of(partner).pk)), "version": 1}
    updated = api.post(base, full, format="json")
    stale = api.post(base, full, format="json")
    api.post(f"{base}transitions/", {"action": "approve"}, format="json")
    back = (timezone.localdate() - timedelta(days=40)).isoformat()
    today = timezone.localdate().isoformat()
    returned = api.post(
        f"{base}transitions/", {"action": "mark_returned", "returned_on": back}, format="json"
    )
    first = FollowUp.objects.get(months=1)
    by_lead = api.post(
        f"/api/v1/return-follow-ups/{first.id}/",
        {"contacted_on": today, "outcome": "met_well"},
        format="json",
    )
    recorded = partner_api.post(
        f"/api/v1/return-follow-ups/{first.id}/",
        {"contacted_on": today, "outcome": "met_concerns", "indicators": ["debt"]},
        format="json",
    )
    # then
    assert updated.status_code == 200
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    assert [f["months"] for f in returned.json()["plans"][0]["follow_ups"]] == [1, 3, 6, 12]
    assert returned.json()["plans"][0]["follow_up_holder"] == org_of(partner).name
    assert (by_lead.status_code, by_lead.json()["code"]) == (403, "follow_up_not_holder")
    assert recorded.status_code == 200
    follow_up = recorded.json()["plans"][0]["follow_ups"][0]
    assert follow_up["outcome"] == "met_concerns"
    assert follow_up["indicators"] == ["Debt or pressure to repay"]


def test_r31_the_api_keeps_reintegration_goals_and_their_outcomes() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    api = api_client_for(lead)
    plan_id = api.post(f"/api/v1/cases/{case.id}/return-plans/", plan_body(), format="json").json()[
        "plans"
    ][0]["id"]
    # when
    added = api.post(
        f"/api/v1/return-plans/{plan_id}/goals/",
        {"area": "job_placement", "goal": "Work as a nurse's aide."},
        format="json",
    )
    goal = ReintegrationGoal.objects.get()
    updated = api.post(
        f"/api/v1/reintegration-goals/{goal.id}/",
        {"outcome": "under_way", "note": "Interview booked.", "version": 1},
        format="json",
    )
    # then
    assert added.status_code == 201
    assert updated.json()["plans"][0]["goals"][0]["outcome"] == "under_way"


def test_r31_the_api_reads_profiles_and_only_the_coordinator_edits_them() -> None:
    # given
    load_profiles()
    coordinator = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    ngo = api_client_for(make_user(org_type=OrgType.NGO))
    body = {
        "name": "Thailand",
        "partner_organisations": ["Chiang Mai Returnee Care Foundation"],
        "focal_points": ["Returnee reception officer"],
        "known_risks": "Re-contact by recruiters.",
        "willingness": "adequate",
        "capacity": "adequate",
        "last_reviewed_on": timezone.localdate().isoformat(),
        "version": 1,
    }
    # when
    listed = ngo.get("/api/v1/country-profiles/")
    one = ngo.get("/api/v1/country-profiles/th/")
    missing = ngo.get("/api/v1/country-profiles/zz/")
    refused = ngo.post("/api/v1/country-profiles/TH/", body, format="json")
    saved = coordinator.post("/api/v1/country-profiles/TH/", body, format="json")
    # then
    assert len(listed.json()) == 8
    assert one.json()["country"] == "TH"
    assert (missing.status_code, missing.json()["code"]) == (404, "profile_not_found")
    assert (refused.status_code, refused.json()["code"]) == (403, "profiles_not_allowed")
    assert saved.json()["focal_points"] == ["Returnee reception officer"]
    assert saved.json()["version"] == 2
