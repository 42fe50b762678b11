"""Which cases exist for a user: only those their organisation is on the team of."""

from __future__ import annotations

import pytest

from haven.access import selectors
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases.tests.factories import add_to_team, open_case


@pytest.mark.django_db
def test_it_lists_the_cases_of_the_users_teams_only() -> None:
    # given: a case led by the user's organisation, one it is a member of, and a stranger's
    me = make_user(org_type=OrgType.NGO)
    colleague = UserFactory.create(organisation=me.organisation, role=Role.SUPERVISOR)
    other = make_user(org_type=OrgType.POLICE)
    led = open_case(actor=me)
    joined = open_case(actor=other)
    assert other.organisation is not None and me.organisation is not None
    add_to_team(case=joined, organisation=me.organisation)
    hidden = open_case(actor=other)

    # when
    mine = set(selectors.visible_case_ids(user=me))

    # then
    assert mine == {led.id, joined.id}
    assert set(selectors.visible_case_ids(user=colleague)) == mine
    assert hidden.id not in mine


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_lists_nothing_for_roles_without_case_data(role: str) -> None:
    # given: a case led by the user's own organisation
    caseworker = make_user()
    open_case(actor=caseworker)
    user = UserFactory.create(organisation=caseworker.organisation, role=role)

    # then
    assert list(selectors.visible_case_ids(user=user)) == []
    assert len(selectors.visible_case_ids(user=caseworker)) == 1


@pytest.mark.django_db
def test_it_lists_nothing_for_an_inactive_user_or_one_without_organisation() -> None:
    # given
    caseworker = make_user()
    open_case(actor=caseworker)
    inactive = UserFactory.create(organisation=caseworker.organisation, is_active=False)
    homeless = UserFactory.create(organisation=None)

    # then
    assert list(selectors.visible_case_ids(user=inactive)) == []
    assert list(selectors.visible_case_ids(user=homeless)) == []


@pytest.mark.django_db
def test_it_lists_the_teams_the_users_organisation_leads() -> None:
    # given: a case the user's organisation leads and one it is only a member of
    me = make_user(org_type=OrgType.NGO)
    other = make_user(org_type=OrgType.POLICE)
    led = open_case(actor=me)
    joined = open_case(actor=other)
    assert me.organisation is not None
    add_to_team(case=joined, organisation=me.organisation)

    # then
    assert [m.case_id for m in selectors.led_memberships(user=me)] == [led.id]
