"""The demo's service directory (issue 6): recorded through the services, a few stale."""

from __future__ import annotations

import pytest

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.demo import directory as demo
from haven.referrals.selectors import directory as selectors

pytestmark = pytest.mark.django_db


def test_it_seeds_each_country_with_some_entries_stale() -> None:
    # given: every organisation type in each country; administrators of the NGOs only
    orgs: dict[tuple[str, str], Organisation] = {
        (country, org_type): OrganisationFactory.create(
            org_type=org_type, country=country, region="Uusimaa"
        )
        for country in demo.LANGUAGES
        for org_type in OrgType
    }
    users: dict[tuple[str, str, str], User] = {
        (country, OrgType.NGO, Role.ORG_ADMIN): make_user(
            organisation=orgs[(country, OrgType.NGO)], role=Role.ORG_ADMIN
        )
        for country in demo.LANGUAGES
    }
    system_admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    # when
    recorded = demo.seed_directory(orgs=orgs, users=users, system_admin=system_admin)
    # then
    rows = selectors.directory_search(need=None, region=None, language=None, target_group=None)
    stale = [row for row in rows if row.stale]
    assert recorded == len(rows) == 2 * len(demo.ENTRIES)
    assert len(stale) == sum(len(spec.stale_in) for spec in demo.ENTRIES) > 0
    assert rows[-len(stale) :] == stale  # listed after the current ones
    assert {row.entry.confirmed_by for row in rows} == {*users.values(), system_admin}
    estonian = selectors.directory_search(need=None, region=None, language="et", target_group=None)
    assert {row.entry.organisation.country for row in estonian} == {"EE"}
