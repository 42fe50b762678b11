"""The case team: one lead organisation, members added once each."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from haven.access import services
from haven.access.models import TeamMembership
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.tests.factories import open_case
from haven.lib.errors import Conflict


@pytest.mark.django_db
def test_it_makes_the_opening_organisation_the_case_lead() -> None:
    # given
    actor = make_user()

    # when
    case = open_case(actor=actor)

    # then
    team = list(TeamMembership.objects.filter(case=case))
    assert [(m.organisation_id, m.is_lead, m.added_by_id) for m in team] == [
        (actor.organisation_id, True, actor.pk)
    ]


@pytest.mark.django_db
def test_it_adds_a_member_organisation_once() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)
    member = OrganisationFactory.create()

    # when
    added = services.team_member_add(case_id=case.id, organisation=member, by=actor)
    with pytest.raises(Conflict) as again:
        services.team_member_add(case_id=case.id, organisation=member, by=actor)

    # then
    assert not added.is_lead
    assert again.value.code == "already_member"
    assert TeamMembership.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_it_refuses_to_add_the_lead_again_as_a_member() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)
    assert actor.organisation is not None

    # then
    with pytest.raises(Conflict) as raised:
        services.team_member_add(case_id=case.id, organisation=actor.organisation, by=None)
    assert raised.value.code == "already_member"


@pytest.mark.django_db
def test_it_keeps_one_lead_per_case() -> None:
    # given
    case = open_case(actor=make_user())

    # then
    with pytest.raises(IntegrityError), transaction.atomic():
        services.team_create(case_id=case.id, lead=OrganisationFactory.create(), by=None)


@pytest.mark.django_db
def test_it_names_a_membership_by_ids_only() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)

    # when
    name = str(TeamMembership.objects.get(case=case))

    # then
    assert name == f"{actor.organisation_id} on {case.id}"
