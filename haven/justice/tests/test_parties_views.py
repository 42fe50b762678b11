"""The parties pages, the case page panel and the report for the person, through
the test client (legal group; R-38)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.access import services as access_services
from haven.access.models import AgreementFlow, Purpose
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, share_by_law
from haven.justice.models import Party, PartyKind, PartyLink, PartyRole
from haven.justice.tests.parties_setup import shared_employer
from haven.web import timeline
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
EMPLOYER = "Berry Farm Oy"


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def test_r38_the_police_see_the_employer_and_its_other_case_and_a_shelter_sees_nothing() -> None:
    # given
    t = shared_employer()
    case_page = reverse("web:case_detail", args=[t.first.id])
    parties_page = reverse("justice:case_parties", args=[t.first.id])
    party_page = reverse("justice:party_detail", args=[t.link.party_id])
    # when
    police = client_for(t.police)
    shelter = client_for(t.shelter)
    police_case = police.get(case_page).content.decode()
    shelter_case = shelter.get(case_page)
    police_parties = police.get(parties_page)
    shelter_parties = shelter.get(parties_page)
    police_party = police.get(party_page)
    shelter_party = shelter.get(party_page)
    # then: the police see the party and the link to the second case
    assert EMPLOYER in police_case
    assert t.second.reference in police_case
    assert police_parties.status_code == 200
    assert reverse("web:case_detail", args=[t.second.id]) in police_parties.content.decode()
    assert police_party.status_code == 200
    assert t.second.reference in police_party.content.decode()
    # then: the shelter, on the same case, sees nothing of it
    assert shelter_case.status_code == 200
    assert EMPLOYER not in shelter_case.content.decode()
    assert t.second.reference not in shelter_case.content.decode()
    assert (shelter_parties.status_code, shelter_party.status_code) == (403, 404)


def test_r38_a_police_unit_not_on_the_other_case_sees_only_a_count() -> None:
    # given
    t = shared_employer()
    # when
    page = client_for(t.other_police).get(reverse("justice:case_parties", args=[t.first.id]))
    # then: no link that would answer 404
    content = page.content.decode()
    assert EMPLOYER in content
    assert t.second.reference not in content
    assert "Linked to 1 other case you may not read." in content


def test_r38_a_party_is_found_by_search_and_linked_to_another_case() -> None:
    # given: the employer is on the first case only
    t = shared_employer()
    t.other_link.delete()
    client = client_for(t.police)
    url = reverse("justice:party_add", args=[t.second.id])
    # when
    searched = client.get(url, {"name": "berry farm oy"})
    refused = client.post(url, {"party": str(t.link.party_id), "prefix": "p0"})
    form = {
        "prefix": "p0",
        "p0-roles": [PartyRole.EMPLOYER],
        "p0-sex": "unknown",
        "p0-age_group": "unknown",
        "p0-citizenship": "",
    }
    unknown = client.post(url, {**form, "party": "nonsense"})
    linked = client.post(url, {**form, "party": str(t.link.party_id)})
    # then
    assert searched.status_code == 200
    assert f"Link {EMPLOYER} to this case" in searched.content.decode()
    assert refused.status_code == 400
    assert unknown.status_code == 404
    assert (linked.status_code, linked["Location"]) == (
        302,
        reverse("justice:case_parties", args=[t.second.id]),
    )
    assert PartyLink.objects.filter(case=t.second, party_id=t.link.party_id).exists()


def test_r38_a_new_party_is_recorded_and_a_known_registration_number_is_refused() -> None:
    # given
    t = shared_employer()
    client = client_for(t.police)
    url = reverse("justice:party_add", args=[t.first.id])
    new = {
        "kind": PartyKind.PERSON,
        "name": "Client Z",
        "registration_number": "",
        "address": "",
        "sector": "",
        "country": "",
        "roles": [PartyRole.USER],
        "sex": "male",
        "age_group": "30_49",
        "citizenship": "FI",
    }
    # when
    empty = client.get(url)
    nothing_found = client.get(url, {"name": "Nobody"})
    created = client.post(url, new)
    known = client.post(
        url, {**new, "kind": PartyKind.COMPANY, "name": "B", "registration_number": "12345678"}
    )
    shelter = client_for(t.shelter).post(url, new)
    # then
    assert empty.status_code == 200
    assert "No known party has this name" in nothing_found.content.decode()
    assert created.status_code == 302
    assert Party.objects.count() == 2
    assert known.status_code == 400
    assert "already known: link it instead" in known.content.decode()
    assert shelter.status_code == 403


def test_r38_the_roles_are_changed_and_the_party_unlinked_by_the_police_not_by_a_shelter() -> None:
    # given
    t = shared_employer()
    edit = reverse("justice:party_link_edit", args=[t.first.id, t.link.id])
    unlink = reverse("justice:party_unlink", args=[t.first.id, t.link.id])
    form = {"roles": [PartyRole.CONVICTED], "sex": "unknown", "age_group": "unknown"}
    police = client_for(t.police)
    # when
    shown = police.get(edit)
    invalid = police.post(edit, {"roles": []})
    bad_country = police.post(edit, {**form, "citizenship": "Finland"})
    shelter_edit = client_for(t.shelter).post(edit, form)
    shelter_unlink = client_for(t.shelter).post(unlink)
    changed = police.post(edit, form)
    roles = PartyLink.objects.get(pk=t.link.id).roles
    unlinked = police.post(unlink)
    # then
    assert shown.status_code == 200
    assert (invalid.status_code, bad_country.status_code) == (400, 400)
    assert (shelter_edit.status_code, shelter_unlink.status_code) == (403, 403)
    assert changed.status_code == unlinked.status_code == 302
    assert roles == [PartyRole.CONVICTED]
    assert not PartyLink.objects.filter(pk=t.link.id).exists()


def test_r38_the_report_for_the_person_has_the_cases_parties_but_not_the_other_cases() -> None:
    # given: the NGO leads both cases
    t = shared_employer()
    # when
    report = client_for(t.lead).get(reverse("web:person_report", args=[t.first.id]))
    # then
    content = report.content.decode()
    assert report.status_code == 200
    assert EMPLOYER in content
    assert t.second.reference not in content


def test_r38_the_timeline_shows_a_party_linked_to_the_police_and_nothing_to_a_shelter() -> None:
    # given
    t = shared_employer()
    # when
    police = timeline.timeline_read(user=t.police, case_id=t.first.id)[1]
    shelter = timeline.timeline_read(user=t.shelter, case_id=t.first.id)[1]
    # then: the police see the link, with its roles but never the party's name
    (linked,) = [e for e in police.entries if e.kind == "party"]
    assert linked.detail == "A company or other organisation, Suspect, Employer"
    assert EMPLOYER not in linked.title + linked.detail
    assert [e for e in shelter.entries if e.kind == "party"] == []


def test_r38_the_timeline_shows_no_party_to_who_may_not_read_them_for_an_investigation() -> None:
    # given: social services on the case, sharing every group for assistance only
    t = shared_employer()
    assisting = make_user(org_type=OrgType.SOCIAL_SERVICES)
    assert assisting.organisation is not None
    add_to_team(case=t.first, organisation=assisting.organisation, share=False)
    agreement = share_by_law(case=t.first, organisation=assisting.organisation)
    AgreementFlow.objects.filter(agreement=agreement).update(purposes=[Purpose.ASSISTANCE])
    # when
    entries = timeline.timeline_read(user=assisting, case_id=t.first.id)[1].entries
    page = client_for(assisting).get(reverse("web:case_detail", args=[t.first.id]))
    # then: neither the timeline nor the case page shows the parties
    assert [e for e in entries if e.kind == "party"] == []
    assert page.status_code == 200
    assert EMPLOYER not in page.content.decode()
    assert reverse("justice:case_parties", args=[t.first.id]) not in page.content.decode()


def test_r38_emergency_access_reads_the_parties_but_is_offered_no_form_to_add_one() -> None:
    # given: the police of another unit, on no team, with a live break-glass grant
    t = shared_employer()
    access_services.break_glass_open(
        actor=t.outsider,
        case_id=t.first.id,
        person_id=t.first.person_id,
        justification="The person is in hospital tonight and the lead cannot be reached.",
    )
    emergency = client_for(t.outsider)
    police = client_for(t.police)
    # when
    read = emergency.get(reverse("justice:case_parties", args=[t.first.id]))
    add = emergency.get(reverse("justice:party_add", args=[t.first.id]))
    allowed = police.get(reverse("justice:party_add", args=[t.first.id]))
    # then
    assert read.status_code == 200
    assert EMPLOYER in read.content.decode()
    assert reverse("justice:party_add", args=[t.first.id]) not in read.content.decode()
    assert (add.status_code, allowed.status_code) == (403, 200)
