"""The service directory's pages through the test client (issue 6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.catalogue import ServiceType
from haven.referrals.models import DirectoryEntry
from haven.referrals.tests.test_directory import NOON, add, admin_of, org
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
LIST = reverse("referrals:directory_list")
MINE = reverse("referrals:directory_mine")
NEW = reverse("referrals:directory_entry_new")


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_type": ServiceType.MEDICAL_CARE,
        "title": "Walk-in clinic",
        "region": "",
        "languages": ["fi", "en", "ru"],
        "target_groups": ["men", "women"],
        "hours": "Mon-Fri 8-16",
        "emergency_contact": "+372 000 0000",
        "capacity_notes": "",
        "description": "",
    }
    data.update(changes)
    return data


def test_it_shows_the_search_with_stale_entries_marked() -> None:
    # given
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        add(admin, title="Old shelter")
    with time_machine.travel(NOON + timedelta(days=200), tick=False):
        add(admin, title="New shelter")
        reader = client_for(make_user(org_type=OrgType.POLICE))
        # when
        response = reader.get(LIST, {"need": ServiceType.ACCOMMODATION, "language": "fi"})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("New shelter") < page.index("Old shelter")
    assert "may be out of date" in page
    assert 'aria-current="page"' in page


def test_it_answers_a_malformed_search_with_the_field_error() -> None:
    # given
    add(admin_of())
    # when
    response = client_for(make_user()).get(LIST, {"language": "english"})
    # then
    assert response.status_code == 400
    assert response.context["rows"] == []
    assert response.context["form"].errors["language"]


@pytest.mark.parametrize("rows", [1, 4])
def test_the_search_page_queries_do_not_grow_with_the_rows(
    rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    for index in range(rows):
        add(admin_of(), title=f"Service {index}")
    client = client_for(make_user())
    # when / then: session, user, device, entries with their organisations, unread
    # notifications, referrals waiting for an answer (the menu), the header's
    # organisation, the session's save (three)
    with django_assert_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["rows"]) == rows


@pytest.mark.parametrize(
    ("who", "status"), [("its_admin", 200), ("its_caseworker", 403), ("other_admin", 200)]
)
def test_only_an_admin_has_the_page_of_their_own_entries(who: str, status: int) -> None:
    # given
    admin = admin_of()
    add(admin, title="Our shelter")
    users = {
        "its_admin": admin,
        "its_caseworker": make_user(organisation=org(admin), role=Role.CASEWORKER),
        "other_admin": admin_of(),
    }
    # when
    response = client_for(users[who]).get(MINE)
    # then
    assert response.status_code == status
    assert ("Our shelter" in response.content.decode()) == (who == "its_admin")


def test_an_admin_adds_an_entry_through_the_form() -> None:
    # given
    admin = admin_of()
    client = client_for(admin)
    # when
    refused = client.post(NEW, form(languages=["fin"]))
    added = client.post(NEW, form())
    # then
    assert refused.status_code == 400
    assert refused.context["form"].errors["languages"]
    assert added.status_code == 302
    entry = DirectoryEntry.objects.get()
    assert (entry.organisation, entry.languages, entry.target_groups) == (
        org(admin),
        ["en", "fi", "ru"],
        ["men", "women"],
    )


@pytest.mark.parametrize(("who", "allowed"), [("its_admin", True), ("its_caseworker", False)])
def test_only_its_admin_confirms_edits_and_withdraws_an_entry(who: str, allowed: bool) -> None:
    # given
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        entry = add(admin)
    users = {
        "its_admin": admin,
        "its_caseworker": make_user(organisation=org(admin), role=Role.CASEWORKER),
    }
    client = client_for(users[who])
    edit = reverse("referrals:directory_entry_edit", args=[entry.id])
    # when
    confirmed = client.post(reverse("referrals:directory_entry_confirm", args=[entry.id]))
    shown = client.get(edit)
    edited = client.post(edit, form(title="Renamed", version="1"))
    withdrawn = client.post(reverse("referrals:directory_entry_deactivate", args=[entry.id]))
    # then
    entry.refresh_from_db()
    if allowed:
        assert [r.status_code for r in (confirmed, shown, edited, withdrawn)] == [
            302,
            200,
            302,
            302,
        ]
        assert (entry.title, entry.active, entry.confirmed_at > NOON) == ("Renamed", False, True)
    else:
        assert [r.status_code for r in (confirmed, shown, edited, withdrawn)] == [
            403,
            404,
            404,
            403,
        ]
        assert (entry.title, entry.active, entry.confirmed_at) == ("Safe house", True, NOON)


def test_an_edit_with_a_bad_value_shows_the_error_beside_the_field() -> None:
    # given
    admin = admin_of()
    entry = add(admin)
    # when
    response = client_for(admin).post(
        reverse("referrals:directory_entry_edit", args=[entry.id]),
        form(target_groups=["pets"], title=" ", version="1"),
    )
    # then
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"target_groups", "title"}


def test_a_stale_edit_keeps_what_was_typed_and_shows_the_entry_as_saved_now() -> None:
    # given: two administrators opened version 1; the first saved
    admin = admin_of()
    other = make_user(organisation=org(admin), role=Role.ORG_ADMIN)
    entry = add(admin)
    edit = reverse("referrals:directory_entry_edit", args=[entry.id])
    first = client_for(admin).post(edit, form(hours="Saved first", version="1"))
    client = client_for(other)
    # when
    conflict = client.post(edit, form(hours="Typed second", version="1"))
    again = client.post(edit, form(hours="Typed second", version="2"))
    # then
    page = conflict.content.decode()
    assert (first.status_code, conflict.status_code, again.status_code) == (302, 409, 302)
    assert "Someone else changed this record" in page
    assert "Saved first" in page and 'value="Typed second"' in page
    assert 'name="version" value="2"' in page
    entry.refresh_from_db()
    assert (entry.hours, entry.version) == ("Typed second", 3)
