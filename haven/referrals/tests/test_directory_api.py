"""The service directory under /api/v1/ (issue 6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.referrals.models import DirectoryEntry
from haven.referrals.tests.test_directory import NOON, add, admin_of, org

pytestmark = pytest.mark.django_db
DIRECTORY = "/api/v1/directory/"
ENTRY = DIRECTORY + "{id}/"
CONFIRM = ENTRY + "confirm/"


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "service_type": "interpretation",
        "title": "Interpreters on call",
        "languages": ["ru", "uk"],
        "target_groups": ["large_groups"],
    }
    values.update(changes)
    return values


def test_it_searches_with_the_same_filters_as_the_page() -> None:
    # given
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        add(admin, title="Old", region="Harjumaa", languages=["et"])
    add(admin, title="New", region="", languages=["et", "ru"])
    client = api_client_for(make_user(org_type=OrgType.POLICE))
    # when
    everything = client.get(DIRECTORY, {"region": "harjumaa", "language": "et"})
    current = client.get(DIRECTORY, {"include_stale": "false"})
    bad = client.get(DIRECTORY, {"language": "EST"})
    # then
    assert everything.status_code == 200
    found = [(e["title"], e["stale"]) for e in everything.json()["results"]]
    assert found == [("New", False), ("Old", True)]
    assert [e["title"] for e in current.json()["results"]] == ["New"]
    assert everything.json()["results"][0]["languages"][0] == {"code": "et", "name": "Estonian"}
    assert bad.status_code == 400


@pytest.mark.parametrize("rows", [1, 4])
def test_the_search_queries_do_not_grow_with_the_rows(
    rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    for index in range(rows):
        add(admin_of(), title=f"Service {index}")
    client = api_client_for(make_user())
    # when / then: the token with its user, the entries with their organisations
    with django_assert_num_queries(2):
        response = client.get(DIRECTORY)
    assert response.json()["count"] == rows


@pytest.mark.parametrize(
    ("who", "allowed"), [("its_admin", True), ("its_caseworker", False), ("other_admin", False)]
)
def test_only_the_organisations_admin_writes_its_entries(who: str, allowed: bool) -> None:
    # given
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        entry = add(admin)
    users = {
        "its_admin": admin,
        "its_caseworker": make_user(organisation=org(admin), role=Role.CASEWORKER),
        "other_admin": admin_of(),
    }
    client = api_client_for(users[who])
    # when
    updated = client.post(
        ENTRY.format(id=entry.id), body(title="Renamed", version=1), format="json"
    )
    confirmed = client.post(CONFIRM.format(id=entry.id))
    # then
    entry.refresh_from_db()
    if allowed:
        assert (updated.status_code, confirmed.status_code) == (200, 200)
        assert (entry.title, confirmed.json()["stale"]) == ("Renamed", False)
    else:
        assert (updated.status_code, confirmed.status_code) == (403, 403)
        assert updated.json()["code"] == "directory_not_allowed"
        assert (entry.title, entry.confirmed_at) == ("Safe house", NOON)


@pytest.mark.parametrize(("role", "status"), [(Role.ORG_ADMIN, 201), (Role.CASEWORKER, 403)])
def test_an_admin_creates_an_entry_for_their_organisation(role: str, status: int) -> None:
    # given
    user = make_user(org_type=OrgType.NGO, role=role)
    # when
    response = api_client_for(user).post(DIRECTORY, body(), format="json")
    # then
    assert response.status_code == status
    assert DirectoryEntry.objects.filter(organisation=org(user)).count() == int(status == 201)


def test_it_names_the_field_of_a_bad_value() -> None:
    # given
    client = api_client_for(admin_of())
    # when
    response = client.post(DIRECTORY, body(languages=["english"]), format="json")
    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("directory_invalid", "languages")


def test_a_missing_entry_is_a_404() -> None:
    # when
    response = api_client_for(admin_of()).post(CONFIRM.format(id="nothing-here"))
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "directory_entry_not_found"


def test_stale_entries_are_marked_after_the_default_days() -> None:
    # given
    with time_machine.travel(NOON, tick=False):
        add(admin_of())
    # when
    with time_machine.travel(NOON + timedelta(days=181)):
        response = api_client_for(make_user()).get(DIRECTORY)
    # then
    assert [e["stale"] for e in response.json()["results"]] == [True]
