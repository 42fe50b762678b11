"""The assessment pages and the case-page block, through the test client (R-21, R-19)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.tests.factories import make_user
from haven.assistance import catalogue
from haven.assistance.models import Assessment
from haven.assistance.tests.test_assessments import NOON, TODAY, assessment_team, record
from haven.cases.models import Draft
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _form(kind: str = "needs", **changes: str) -> dict[str, str]:
    level = "needed" if kind == "needs" else "high"
    data = {f"{s.key}_level": level for s in catalogue.sections_for(kind, child=False)}
    data.update({f"{s.key}_note": "A note." for s in catalogue.sections_for(kind, child=False)})
    data.update(
        {
            "assessed_on": TODAY.isoformat(),
            "person_view": "He would like to work again soon.",
            "trigger": "",
            "based_on_version": "0",
        }
    )
    data.update(changes)
    return data


def test_r21_an_assessment_is_recorded_through_the_form_with_errors_next_to_the_field() -> None:
    # given
    t = assessment_team()
    url = reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=risk"
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        form = client.get(url).content.decode()
        refused = client.post(url, _form("risk", safety_level="", person_view=""))
        done = client.post(url, _form("risk"))
    # then
    assert 'type="radio"' in form and "Personal safety" in form
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Choose a level for this section." in page
    saved = Assessment.objects.get()
    assert (saved.kind, saved.version) == ("risk", 1)
    detail = reverse("assistance:assessment_detail", args=[saved.id])
    assert (done.status_code, done["Location"]) == (302, detail)


def test_r19_the_persons_view_is_asked_for_in_plain_words() -> None:
    # given
    t = assessment_team()
    url = reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=needs"
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        refused = client.post(url, _form(person_view="  "))
    # then
    assert refused.status_code == 400
    assert "or that they did not wish to say" in refused.content.decode()
    assert Assessment.objects.count() == 0


def test_r21_the_form_is_prefilled_from_the_previous_version() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs", person_view="Wants a quiet place.")
    url = reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=needs"
    with time_machine.travel(NOON, tick=False):
        # when
        page = client_for(t.lead).get(url).content.decode()
    # then
    assert "Wants a quiet place." in page
    assert re.search(r'name="medical_level" value="needed"[^>]*checked', page)
    assert not re.search(r'name="medical_level" value="urgent"[^>]*checked', page)


def test_r21_the_detail_page_shows_sections_view_and_the_plan_link_for_needs() -> None:
    # given
    t = assessment_team()
    needs = record(t.lead, t.case, "needs", person_view="Wants a quiet place.")
    risk = record(t.lead, t.case, "risk")
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        needs_page = client.get(reverse("assistance:assessment_detail", args=[needs.id]))
        risk_page = client.get(reverse("assistance:assessment_detail", args=[risk.id]))
        listing = client.get(reverse("assistance:assessments", args=[t.case.id]))
    # then
    body = needs_page.content.decode()
    assert "Wants a quiet place." in body and "Safe and appropriate accommodation" in body
    assert "/plans/new/?assessment=" in body
    assert "/plans/new/?assessment=" not in risk_page.content.decode()
    assert str(needs.id) in listing.content.decode()


def test_no_link_is_refused_the_plan_link_is_offered_only_to_those_who_may_plan() -> None:
    # given: the lead plans; break-glass reads the assessment but writes nothing
    t = assessment_team()
    needs = record(t.lead, t.case, "needs")
    url = reverse("assistance:assessment_detail", args=[needs.id])
    plan_new = reverse("assistance:plan_new", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        # when
        for_lead = client_for(t.lead).get(url).content.decode()
        emergency = client_for(t.emergency)
        for_emergency = emergency.get(url)
        emergency_plan = emergency.get(plan_new)
        lead_plan = client_for(t.lead).get(plan_new)
    # then: the link is shown exactly where the plan page lets the user in
    assert for_emergency.status_code == 200
    assert "/plans/new/?assessment=" in for_lead
    assert "/plans/new/?assessment=" not in for_emergency.content.decode()
    assert lead_plan.status_code == 200
    assert emergency_plan.status_code == 403


def test_r21_a_member_without_the_assessment_group_gets_the_reason() -> None:
    # given
    t = assessment_team()
    saved = record(t.lead, t.case)
    url = reverse("assistance:assessment_detail", args=[saved.id])
    with time_machine.travel(NOON, tick=False):
        # when
        allowed = client_for(t.lead).get(url)
        denied = client_for(t.police).get(url)
        denied_post = client_for(t.police).post(
            reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=needs", _form()
        )
    # then
    assert allowed.status_code == 200
    assert denied.status_code == 403 and denied_post.status_code == 403
    assert Assessment.objects.count() == 1


def test_r21_the_case_page_links_to_the_assessments_and_offers_to_record_them() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    case_url = reverse("web:case_detail", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        # when
        lead_page = client_for(t.lead).get(case_url).content.decode()
        police_page = client_for(t.police).get(case_url).content.decode()
        emergency_page = client_for(t.emergency).get(case_url).content.decode()
    # then
    assert "No risk assessment yet." in lead_page
    assert "Record a needs assessment" in lead_page
    assert reverse("assistance:assessments", args=[t.case.id]) in lead_page
    assert "Record a needs assessment" not in police_page
    assert "Needs and risk assessments" not in police_page
    assert "Needs and risk assessments" in emergency_page
    assert "Record a needs assessment" not in emergency_page


def test_an_assessment_saved_as_a_draft_is_resumed_by_its_author_and_gone_once_recorded() -> None:
    # given
    t = assessment_team()
    url = reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=needs"
    colleague = make_user(organisation=t.lead.organisation)
    half_done = {
        "medical_level": "urgent",
        "person_view": "Wants a quiet place.",
        "draft_kind": "assessment",
        "draft_path": url,
        "draft_case": str(t.case.id),
    }
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        saved = client.post(reverse("cases:draft_save"), half_done)
        resumed = client.get(saved["Location"])
        theirs = client_for(colleague).get(saved["Location"])
        draft = Draft.objects.get()
        done = client.post(url, {**_form(), "draft_id": str(draft.id)})
    # then
    assert saved["Location"] == f"{url}&draft={draft.id}"
    page = resumed.content.decode()
    assert "Wants a quiet place." in page
    assert re.search(r'name="medical_level" value="urgent"[^>]*checked', page)
    assert theirs.status_code == 404
    assert done.status_code == 302
    assert not Draft.objects.exists()
