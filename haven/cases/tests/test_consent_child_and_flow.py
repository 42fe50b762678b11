"""The consent page and API for a child without a guardian yet (R-11, R-25), and the
warning before saving a kind of information no agreement lets flow (R-47).

A child with no guardian or representative: nobody can consent for them, so the
page says so, does not offer "the guardian" as the giver, records the child's own
views instead (never a consent), and lists the sharing that rests on a legal
basis. Once a guardian is appointed, the guardian consents as before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import ChildViews, Consent, FieldGroup, GivenBy, Purpose
from haven.access.tests.test_selectors_sharing import CHILD, NARRATIVE, org_of, world
from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.children.tests.factories import appoint_guardian
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

VIEWS = "I will talk to the police, but they must not tell my uncle where I am."


def _child_case() -> tuple[User, Organisation, Case]:
    """A presumed child led by an NGO; the police on the team by law (an agreement
    on a legal basis that needs no consent, ``add_to_team``)."""
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, narrative=NARRATIVE, **CHILD)
    police = make_user(org_type=OrgType.POLICE)
    add_to_team(case=case, organisation=org_of(police), by=lead)
    return lead, org_of(police), case


def _new(case: Case) -> str:
    return reverse("cases:consent_new", args=[case.id])


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate().isoformat(),
        "given_by": GivenBy.GUARDIAN,
        "language": "ti",
        "information_given": "Told with an interpreter what the police would read.",
        **overrides,
    }


def _client(user: User) -> Client:
    return sign_in(Client(), user)


# --- the page: no guardian yet -----------------------------------------------------------


def test_r11_r25_the_consent_page_says_no_guardian_and_offers_what_the_law_allows() -> None:
    # given: a child with no guardian yet
    lead, police, case = _child_case()

    # when
    response = _client(lead).get(_new(case))

    # then: said plainly; the guardian is not offered; the child's views and the
    # sharing on a legal basis are
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="no-guardian"' in page
    assert "nobody can consent for this child" in page
    form = response.context["form"]
    assert [v for v, _ in form.fields["given_by"].choices] == [sharing_forms.CHILD_VIEWS_ONLY]
    assert 'name="given_by" value="guardian"' not in page
    assert form.fields["child_views"].required
    assert reverse("children:guardian_new", args=[case.id]) in page
    (flow,) = response.context["legal_basis_flows"]
    assert flow.team_members == [police.name]
    assert 'id="legal-basis-flows"' in page
    assert police.name in page
    assert "Record the child" in page


def test_r11_r25_a_guardians_consent_without_a_guardian_is_refused_beside_the_field() -> None:
    # given
    lead, police, case = _child_case()

    # when
    response = _client(lead).post(_new(case), _form(recipient=f"org:{police.pk}"))

    # then: refused next to "given by", and the page still shows the alternatives
    assert response.status_code == 400
    form = response.context["form"]
    assert "given_by" in form.errors
    assert "No guardian or representative is appointed" in form.errors["given_by"][0]
    page = response.content.decode()
    assert 'id="id_given_by_error"' in page
    assert 'id="legal-basis-flows"' in page
    assert not Consent.objects.exists()


def test_r11_r25_the_childs_views_are_recorded_from_the_page_and_are_not_a_consent() -> None:
    # given
    lead, police, case = _child_case()
    client = _client(lead)
    views_only = _form(recipient=f"org:{police.pk}", given_by=sharing_forms.CHILD_VIEWS_ONLY)

    # when
    empty = client.post(_new(case), views_only)
    recorded = client.post(_new(case), {**views_only, "child_views": VIEWS})
    listed = client.get(reverse("cases:consent_list", args=[case.id])).content.decode()

    # then
    assert empty.status_code == 400
    assert list(empty.context["form"].errors) == ["child_views"]
    assert recorded.status_code == 302
    record = ChildViews.objects.get()
    assert (record.recipient_organisation, record.purpose) == (police, Purpose.INVESTIGATION)
    assert VIEWS.encode() not in bytes(record.views_enc)
    assert not Consent.objects.exists()
    assert 'id="child-views"' in listed
    assert "my uncle" in listed
    assert "Not a consent" in listed


def test_r11_r25_the_childs_views_refused_by_the_service_show_beside_the_field() -> None:
    # given: a purpose the form accepts but a date the service refuses
    lead, police, case = _child_case()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    # when
    response = _client(lead).post(
        _new(case),
        _form(
            recipient=f"org:{police.pk}",
            given_by=sharing_forms.CHILD_VIEWS_ONLY,
            child_views=VIEWS,
            given_on=tomorrow,
        ),
    )

    # then
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["given_on"]
    assert not ChildViews.objects.exists()


# --- the page: a guardian appointed ------------------------------------------------------


def test_r11_r25_once_a_guardian_is_appointed_the_guardian_consents_from_the_page() -> None:
    # given: the same child, a guardian appointed
    lead, police, case = _child_case()
    appoint_guardian(actor=lead, case=case)
    client = _client(lead)

    # when
    page = client.get(_new(case))
    posted = client.post(_new(case), _form(recipient=f"org:{police.pk}", child_views=VIEWS))

    # then
    assert 'id="no-guardian"' not in page.content.decode()
    assert [v for v, _ in page.context["form"].fields["given_by"].choices] == [GivenBy.GUARDIAN]
    assert page.context["legal_basis_flows"] == []
    assert posted.status_code == 302
    consent = Consent.objects.get()
    assert consent.given_by == GivenBy.GUARDIAN
    assert bytes(consent.child_views_enc or b"")


# --- the warning before saving a kind that cannot flow (R-47) -------------------------------


def test_r47_the_consent_form_warns_before_saving_a_kind_that_cannot_flow() -> None:
    # given: an agreement lets the narrative (and identity) flow to the police, not the location
    w = world()
    client = _client(w.lead)
    police = org_of(w.police)
    form = _form(
        recipient=f"org:{police.pk}",
        given_by=GivenBy.PERSON,
        field_groups=[FieldGroup.NARRATIVE, FieldGroup.LOCATION],
    )

    # when: the user confirms what the warning named (the page carries it back)
    warned = client.post(_new(w.case), form)
    signature = warned.context["form"].data["warned_about"]
    confirmed = client.post(
        _new(w.case), {**form, "confirm_cannot_flow": "on", "warned_about": signature}
    )

    # then: not saved at first; one warning, for the location only, naming who makes one
    assert warned.status_code == 200
    (item,) = warned.context["cannot_flow"]
    assert item.field_group == FieldGroup.LOCATION
    page = warned.content.decode()
    assert 'id="cannot-flow"' in page
    assert f"No cooperation agreement lets location flow to {police.name}" in page
    assert f"ask an administrator of {org_of(w.lead).name} to make one" in page
    assert "lets narrative flow" not in page
    assert 'name="confirm_cannot_flow"' in page
    assert confirmed.status_code == 302
    assert Consent.objects.get().field_groups == [FieldGroup.LOCATION, FieldGroup.NARRATIVE]


def test_r47_a_tick_confirms_only_the_warning_it_answered() -> None:
    # given: a warning about the location; the user then adds health, keeping the tick
    w = world()
    client = _client(w.lead)
    police = org_of(w.police)
    form = _form(
        recipient=f"org:{police.pk}",
        given_by=GivenBy.PERSON,
        field_groups=[FieldGroup.NARRATIVE, FieldGroup.LOCATION],
    )
    warned = client.post(_new(w.case), form)
    signature = warned.context["form"].data["warned_about"]
    changed = {
        **form,
        "field_groups": [FieldGroup.NARRATIVE, FieldGroup.LOCATION, FieldGroup.HEALTH],
        "confirm_cannot_flow": "on",
        "warned_about": signature,
    }

    # when
    again = client.post(_new(w.case), changed)
    tick_alone = client.post(_new(w.case), {**form, "confirm_cannot_flow": "on"})

    # then: warned again about both kinds, the tick cleared; nothing saved either time
    assert again.status_code == 200
    assert {c.field_group for c in again.context["cannot_flow"]} == {
        FieldGroup.LOCATION,
        FieldGroup.HEALTH,
    }
    assert again.context["form"].data.get("confirm_cannot_flow") is None
    assert tick_alone.status_code == 200
    assert not Consent.objects.exists()


def test_r47_the_consent_form_saves_at_once_when_every_kind_can_flow() -> None:
    # given
    w = world()

    # when
    response = _client(w.lead).post(
        _new(w.case), _form(recipient=f"org:{org_of(w.police).pk}", given_by=GivenBy.PERSON)
    )

    # then
    assert response.status_code == 302
    assert Consent.objects.get().field_groups == [FieldGroup.NARRATIVE]


# --- the API ------------------------------------------------------------------------------


def _consents(case: Case) -> str:
    return f"/api/v1/cases/{case.id}/consents/"


def _body(recipient: Organisation, **overrides: Any) -> dict[str, Any]:
    return {
        "recipient_organisation": str(recipient.pk),
        "purpose": "investigation",
        "field_groups": ["narrative"],
        "language": "ti",
        "information_given": "Told with an interpreter what the police would read.",
        **overrides,
    }


def test_r48_a_consent_names_an_organisation_of_the_leads_country_only() -> None:
    # given: the case lead in Finland; a police organisation at home and one abroad
    w = world()
    client = api_client_for(w.lead)
    at_home = org_of(w.police)
    abroad = OrganisationFactory.create(org_type=OrgType.POLICE, country="EE")
    assert abroad.country != at_home.country

    # when
    refused = client.post(_consents(w.case), _body(abroad), format="json")
    allowed = client.post(_consents(w.case), _body(at_home), format="json")

    # then: abroad is a cross-border package; at home is recorded
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("other_country", "recipient")
    assert allowed.status_code == 201
    assert [c.recipient_organisation_id for c in Consent.objects.all()] == [at_home.pk]


def test_r11_r25_the_api_refuses_a_guardians_consent_without_a_guardian_with_a_code() -> None:
    # given
    lead, police, case = _child_case()
    client = api_client_for(lead)

    # when
    refused = client.post(_consents(case), _body(police, given_by="guardian"), format="json")
    defaulted = client.post(_consents(case), _body(police), format="json")
    appoint_guardian(actor=lead, case=case)
    allowed = client.post(_consents(case), _body(police, child_views=VIEWS), format="json")

    # then
    for answer in (refused, defaulted):
        assert answer.status_code == 400
        assert (answer.json()["code"], answer.json()["field"]) == (
            "guardian_not_appointed",
            "given_by",
        )
    assert allowed.status_code == 201
    assert (allowed.json()["given_by"], allowed.json()["child_views"]) == ("guardian", VIEWS)


def test_r11_r25_the_api_says_who_can_consent_and_what_flows_meanwhile() -> None:
    # given
    lead, police, case = _child_case()
    adult = world()
    client = api_client_for(lead)
    url = f"/api/v1/cases/{case.id}/consent-options/"

    # when
    before = client.get(url).json()
    appoint_guardian(actor=lead, case=case)
    after = client.get(url).json()
    for_adult = api_client_for(adult.lead).get(f"/api/v1/cases/{adult.case.id}/consent-options/")
    for_police = api_client_for(make_user(org_type=OrgType.POLICE, organisation=police)).get(url)

    # then
    assert (before["treat_as_child"], before["guardian_appointed"], before["given_by"]) == (
        True,
        False,
        [],
    )
    assert "No guardian" in before["detail"]
    (flow,) = before["legal_basis_flows"]
    assert flow["team_members"] == [police.name]
    assert (after["guardian_appointed"], after["given_by"], after["legal_basis_flows"]) == (
        True,
        ["guardian"],
        [],
    )
    assert for_adult.json()["given_by"] == ["person", "guardian"]
    assert for_police.status_code == 403


def test_r11_r25_the_api_records_the_childs_views_and_lists_them() -> None:
    # given
    lead, police, case = _child_case()
    client = api_client_for(lead)
    url = f"/api/v1/cases/{case.id}/child-views/"
    body = _body(police, views=VIEWS)

    # when
    recorded = client.post(url, body, format="json")
    listed = client.get(url).json()
    consents = client.get(_consents(case)).json()

    # then
    assert recorded.status_code == 201
    assert recorded.json()["views"] == VIEWS
    assert recorded.json()["heard_on"] == timezone.localdate().isoformat()
    assert [row["views"] for row in listed] == [VIEWS]
    assert consents == []


def test_r47_the_api_names_each_kind_that_cannot_flow_in_its_answer() -> None:
    # given: the narrative can flow to the police, the location cannot
    w = world()
    police = org_of(w.police)

    # when
    client = api_client_for(w.lead)
    answer = client.post(
        _consents(w.case), _body(police, field_groups=["narrative", "location"]), format="json"
    )
    only_narrative = client.post(_consents(w.case), _body(police), format="json")

    # then
    assert answer.status_code == 201
    (item,) = answer.json()["cannot_flow"]
    assert item["field_group"] == "location"
    assert f"ask an administrator of {org_of(w.lead).name}" in item["reason"]
    assert only_narrative.json()["cannot_flow"] == []
