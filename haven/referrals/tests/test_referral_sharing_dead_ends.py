"""The referral form without dead ends (issue 11 "Sharing dead ends", R-47): per
kind of information it shows whether it can flow to the organisation and what is
missing: the person's consent, with a link to the consent form prefilled with the
recipient, purpose and kind; or an agreement, naming the organisations whose
administrators can make one. The referral's refusal and the API give the same
answer (``access.policy.flow_status``). Recording the consent from the link lets
the referral through."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.referrals.models import Referral
from haven.referrals.tests.test_access_requests import agreement_needing_consent
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

# An agreement lets these flow to the shelter once the person consents; nothing else.
BY_CONSENT = [FieldGroup.IDENTITY, FieldGroup.CONTACT, FieldGroup.LOCATION]


@dataclass
class Referring:
    case: Case
    lead: User  # caseworker of the case lead (an NGO)
    lead_org: Organisation
    shelter: Organisation
    member: User  # caseworker of another team member (not the lead)


def referring() -> Referring:
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert lead.organisation is not None
    case = open_case(actor=lead)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, name="Harbour Shelter")
    agreement_needing_consent(lead=lead.organisation, recipient=shelter, groups=BY_CONSENT)
    social = OrganisationFactory.create(org_type=OrgType.SOCIAL_SERVICES)
    add_to_team(case=case, organisation=social, by=lead)
    member = UserFactory.create(organisation=social, role=Role.CASEWORKER)
    return Referring(case, lead, lead.organisation, shelter, member)


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _referral(r: Referring, groups: list[str]) -> dict[str, object]:
    return {
        "to_organisation": str(r.shelter.pk),
        "referral_type": "accommodation",
        "purpose": Purpose.ASSISTANCE,
        "field_groups": groups,
        "message": "A safe bed tonight.",
    }


def _row(html: str, group: str) -> str:
    start = html.index(f'<tr id="flow-{group}">')
    return html[start : html.index("</tr>", start)]


def test_r47_issue11_the_referral_form_shows_per_kind_what_is_missing() -> None:
    # given
    r = referring()
    url = reverse("referrals:referral_new", args=[r.case.id])

    # when
    page = client_for(r.lead).get(url, {"to": str(r.shelter.pk), "purpose": "assistance"})

    # then: three kinds wait for consent, with a prefilled link each
    html = page.content.decode()
    consent_url = reverse("cases:consent_new", args=[r.case.id])
    for group in BY_CONSENT:
        row = _row(html, group)
        assert "Not yet: consent needed" in row
        assert f"{consent_url}?recipient=org%3A{r.shelter.pk}&amp;purpose=assistance" in row
        assert f"field_groups={group.value}" in row
    # the others need an agreement, naming the organisations that can make one
    health = _row(html, FieldGroup.HEALTH)
    assert "No: an agreement is needed" in health
    assert r.lead_org.name in health and "Harbour Shelter" in health
    assert consent_url not in health
    # and one link records the consent for every kind that needs it
    assert "Record one consent for every kind that needs it" in html
    assert "No</td>" not in html  # no bare "No" left without a way forward


def test_r47_issue11_only_the_case_leads_staff_get_the_consent_link() -> None:
    # given: a team member that is not the lead refers too
    r = referring()
    url = reverse("referrals:referral_new", args=[r.case.id])

    # when
    page = client_for(r.member).get(url, {"to": str(r.shelter.pk), "purpose": "assistance"})
    consent_page = client_for(r.member).get(reverse("cases:consent_new", args=[r.case.id]))

    # then: no link to a page that would refuse them; the lead is named instead
    html = page.content.decode()
    assert reverse("cases:consent_new", args=[r.case.id]) not in html
    assert f"Staff of the case lead ({r.lead_org.name}) record it." in _row(html, "identity")
    assert consent_page.status_code == 403


def test_r47_issue11_the_consent_link_opens_the_form_preselected_then_the_referral_succeeds() -> (
    None
):
    # given: the refusal says what is missing
    r = referring()
    new = reverse("referrals:referral_new", args=[r.case.id])
    lead = client_for(r.lead)
    refused = lead.post(new, _referral(r, [FieldGroup.IDENTITY, FieldGroup.LOCATION]))
    html = refused.content.decode()
    link = re.search(r'href="([^"]*consents/new/\?[^"]*)"', _row(html, "identity"))
    assert link is not None
    consent_url = link.group(1).replace("&amp;", "&")

    # when: the lead follows the link, records the consent, and sends again
    form = lead.get(consent_url)
    recorded = lead.post(
        consent_url,
        {
            "recipient": f"org:{r.shelter.pk}",
            "purpose": "assistance",
            "field_groups": [FieldGroup.IDENTITY, FieldGroup.LOCATION],
            "given_on": timezone.localdate().isoformat(),
            "given_by": "person",
            "language": "en",
            "information_given": "Explained in English before agreeing.",
        },
    )
    sent = lead.post(new, _referral(r, [FieldGroup.IDENTITY, FieldGroup.LOCATION]))

    # then
    assert refused.status_code == 400
    assert "the person&#x27;s consent is missing" in html
    form_html = form.content.decode()
    assert form.status_code == 200
    assert f'<option value="org:{r.shelter.pk}" selected>' in form_html
    assert re.search(r'value="assistance"[^>]*checked', form_html)
    assert re.search(r'value="identity"[^>]*checked', form_html)
    assert not re.search(r'value="health"[^>]*checked', form_html)
    assert recorded.status_code == 302
    # back to the referral's check for the same organisation and purpose
    assert recorded["Location"] == f"{new}?to={r.shelter.pk}&purpose=assistance"
    assert sent.status_code == 302
    assert Referral.objects.filter(case=r.case, to_organisation=r.shelter).exists()


def test_r47_issue11_the_refusal_names_who_can_make_the_missing_agreement() -> None:
    # given
    r = referring()

    # when
    refused = client_for(r.lead).post(
        reverse("referrals:referral_new", args=[r.case.id]), _referral(r, [FieldGroup.HEALTH])
    )

    # then
    html = refused.content.decode()
    assert refused.status_code == 400
    assert f"The administrators of {r.lead_org.name}, Harbour Shelter can record one." in html
    assert "Ask the case lead" not in html.split("The referral")[1].split("</ul>")[0]


def test_r47_issue11_the_api_gives_the_same_answer_per_kind() -> None:
    # given
    r = referring()
    url = f"/api/v1/cases/{r.case.id}/sharing-check/"

    # when
    answer = api_client_for(r.lead).get(url, {"to": str(r.shelter.pk), "purpose": "assistance"})
    outsider = api_client_for(make_user(org_type=OrgType.SHELTER)).get(
        url, {"to": str(r.shelter.pk), "purpose": "assistance"}
    )

    # then
    flows = {row["group"]: row for row in answer.json()["flows"]}
    assert answer.status_code == 200
    assert {g: flows[g]["status"] for g in BY_CONSENT} == dict.fromkeys(BY_CONSENT, "needs_consent")
    assert flows["identity"]["may_record_consent"] is True
    assert flows["health"]["status"] == "needs_agreement"
    assert flows["health"]["agreement_between"] == [r.lead_org.name, "Harbour Shelter"]
    assert outsider.status_code == 404


def test_issue11_the_consent_form_returns_only_to_a_page_of_this_site() -> None:
    # given: a consent link whose "next" points to another site
    r = referring()
    consent = reverse("cases:consent_new", args=[r.case.id])
    body = {
        "recipient": f"org:{r.shelter.pk}",
        "purpose": "assistance",
        "field_groups": [FieldGroup.IDENTITY],
        "given_on": timezone.localdate().isoformat(),
        "given_by": "person",
        "language": "en",
        "information_given": "Explained in English before agreeing.",
    }

    # when
    elsewhere = client_for(r.lead).post(f"{consent}?next=https://example.org/", body)

    # then: the case's consents, never the other site
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == reverse("cases:consent_list", args=[r.case.id])
