"""A shelter's name tells where the person sleeps: on the case page, its API,
the referrals block, the interviews form and the case list, a shelter on the
team is named only to those who see the case's location group and to the
shelter itself (R-39: where the person lives never leaves the location group)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.access.models import Purpose
from haven.access.policy import HIDDEN_PROVIDER
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, detail_url
from haven.referrals.services import referrals as services
from haven.referrals.tests.test_referrals_services import referral_setup, send
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

SHELTER_NAME = "Pajula safe house"


def _shelter_on_a_case() -> tuple[Case, User, User, User, Organisation]:
    """An NGO-led case referred to a shelter (which accepted), with a police
    caseworker on the team who sees no location."""
    s = referral_setup()
    s.shelter.name = SHELTER_NAME
    s.shelter.save()
    referral = send(s)
    services.referral_accept(actor=s.receiver, referral_id=referral.id)
    police = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    assert police.organisation is not None
    add_to_team(case=s.case, organisation=police.organisation)
    return s.case, s.sender, police, s.receiver, s.shelter


def _page(user: User, case: Case) -> str:
    return sign_in(Client(), user).get(reverse("web:case_detail", args=[case.id])).content.decode()


def test_r39_the_case_page_names_the_shelter_only_to_who_sees_the_location() -> None:
    # given
    case, lead, police, shelter_worker, _ = _shelter_on_a_case()

    # when
    lead_page, police_page, shelter_page = (_page(u, case) for u in (lead, police, shelter_worker))

    # then: the lead (location shown) and the shelter itself read the name; police do not
    assert SHELTER_NAME in lead_page and SHELTER_NAME in shelter_page
    assert SHELTER_NAME not in police_page
    assert str(HIDDEN_PROVIDER) in police_page


def test_r39_the_case_api_names_the_shelter_only_to_who_sees_the_location() -> None:
    # given
    case, lead, police, _, _ = _shelter_on_a_case()
    url = detail_url(case.id)

    # when
    as_lead = api_client_for(lead).get(url).json()
    as_police = api_client_for(police).get(url).json()

    # then
    assert SHELTER_NAME in {m["organisation"] for m in as_lead["team"]}
    assert SHELTER_NAME not in {m["organisation"] for m in as_police["team"]}
    assert str(HIDDEN_PROVIDER) in {m["organisation"] for m in as_police["team"]}


def test_r39_the_interviews_list_names_the_shelter_only_to_who_sees_the_location() -> None:
    # given
    case, lead, police, _, _ = _shelter_on_a_case()

    # when
    for_lead = case_selectors.interview_list(user=lead, case_id=case.id, purpose=Purpose.ASSISTANCE)
    for_police = case_selectors.interview_list(
        user=police, case_id=case.id, purpose=Purpose.ASSISTANCE
    )

    # then
    assert SHELTER_NAME in {o.name for o in for_lead.team}
    assert SHELTER_NAME not in {o.name for o in for_police.team}


def test_r39_a_case_led_by_a_shelter_is_listed_without_its_name_to_others() -> None:
    # given: a shelter opened the case itself; police joined the team
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, name=SHELTER_NAME)
    worker = UserFactory.create(organisation=shelter, role=Role.CASEWORKER)
    case = open_case(actor=worker)
    police = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)

    # when
    own = case_selectors.case_list(user=worker).get(pk=case.pk)
    others = case_selectors.case_list(user=police).get(pk=case.pk)

    # then
    assert own.lead_name == SHELTER_NAME  # type: ignore[attr-defined]
    assert others.lead_name == str(HIDDEN_PROVIDER)  # type: ignore[attr-defined]
