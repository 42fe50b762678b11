"""The deadline and notification API end to end, with real bearer tokens, each
response checked against the published OpenAPI schema."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from haven.accounts.models import Organisation, OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

DEADLINES = "/api/v1/deadlines/"
NOTIFICATIONS = "/api/v1/notifications/"
READ = "/api/v1/notifications/read/"

# Token look-up with its user, then the count and one page of deadlines with their
# case: the same for 1 deadline as for 30 (two pages). The organisation's deadlines and
# the user's own elsewhere are read apart, each on its index, and counted side by side
# in one query: 1 more.
DEADLINE_LIST_QUERIES = 4
NOTIFICATION_LIST_QUERIES = 3


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def test_it_answers_only_with_a_bearer_token() -> None:
    # when
    responses = [
        APIClient().get(DEADLINES),
        APIClient().get(NOTIFICATIONS),
        APIClient().post(READ, {}, format="json"),
    ]
    # then
    assert {r.status_code for r in responses} == {401}


def test_it_lists_my_deadlines_as_the_page_does(ngo: Organisation, openapi: dict[str, Any]) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        case = open_case(actor=caseworker)
    review = deadline(case=case, organisation=ngo, assigned_user=caseworker, blocking=True)
    client = api_client_for(caseworker)

    # when
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        everything = client.get(DEADLINES)
        overdue = client.get(DEADLINES, {"overdue": "true"})

    # then
    assert everything.status_code == 200
    assert_matches_schema(openapi, DEADLINES, "get", 200, everything.json())
    rows = everything.json()["results"]
    assert [(r["kind"], r["decision_type"], r["overdue"]) for r in rows] == [
        ("decision_due", "reasonable_grounds", True),
        ("screening_review", None, False),
    ]
    assert rows[0]["what"] == "Identification decision due: Reasonable grounds decision"
    assert rows[0]["case_reference"] == case.reference
    assert rows[0]["case_id"] == str(case.id)
    assert (rows[0]["assigned_to_me"], rows[1]["assigned_to_me"]) == (False, True)
    assert (rows[1]["id"], rows[1]["blocking"]) == (str(review.id), True)
    assert [r["kind"] for r in overdue.json()["results"]] == ["decision_due"]


def test_it_shows_no_deadline_of_another_team(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    outsider = staff(OrganisationFactory.create(), Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo, assigned_user=outsider)

    # when
    member = api_client_for(caseworker).get(DEADLINES).json()
    stranger = api_client_for(outsider).get(DEADLINES).json()

    # then
    assert member["count"] == 1
    assert stranger["count"] == 0


def test_it_refuses_a_malformed_filter(ngo: Organisation, openapi: dict[str, Any]) -> None:
    # when
    response = api_client_for(staff(ngo, Role.CASEWORKER)).get(DEADLINES, {"overdue": "maybe"})
    # then
    assert response.status_code == 400
    assert_matches_schema(openapi, DEADLINES, "get", 400, response.json())


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_deadlines_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    for _ in range(count):
        deadline(case=case, organisation=ngo)
    client = api_client_for(caseworker)

    # when / then
    with django_assert_num_queries(DEADLINE_LIST_QUERIES):
        response = client.get(DEADLINES)
    assert response.json()["count"] == count


# --- notifications --------------------------------------------------------------------


def test_it_lists_notifications_unread_first_and_marks_them_read(
    ngo: Organisation, openapi: dict[str, Any]
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    first = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))
    second = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 9))
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 4)))
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    client = api_client_for(caseworker)
    listed = client.get(NOTIFICATIONS)
    oldest = listed.json()["results"][-1]

    # when
    one = client.post(READ, {"ids": [oldest["id"]]}, format="json")
    after_one = client.get(NOTIFICATIONS).json()["results"]
    rest = client.post(READ, {}, format="json")

    # then
    assert_matches_schema(openapi, NOTIFICATIONS, "get", 200, listed.json())
    assert [(n["task_id"], n["kind"]) for n in listed.json()["results"]] == [
        (str(first.id), "escalation"),
        (str(second.id), "reminder"),
        (str(first.id), "reminder"),
    ]
    assert oldest["case_reference"] == case.reference
    assert oldest["what"] == "Review after a screening"
    assert oldest["read_at"] is None
    assert (one.status_code, one.json()) == (200, {"marked": 1})
    assert_matches_schema(openapi, READ, "post", 200, one.json())
    assert after_one[-1]["id"] == oldest["id"]
    assert after_one[-1]["read_at"] is not None
    assert rest.json() == {"marked": 2}


def test_it_never_marks_another_users_notifications_read(ngo: Organisation) -> None:
    # given
    reader = staff(ngo, Role.CASEWORKER)
    colleague = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=reader), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    theirs = Notification.objects.get(recipient=colleague)
    own = Notification.objects.get(recipient=reader)

    # when
    response = api_client_for(reader).post(READ, {"ids": [theirs.id, own.id]}, format="json")

    # then
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_refuses_malformed_notification_ids(ngo: Organisation, openapi: dict[str, Any]) -> None:
    # when
    response = api_client_for(staff(ngo, Role.CASEWORKER)).post(
        READ, {"ids": ["one"]}, format="json"
    )
    # then
    assert response.status_code == 400
    assert_matches_schema(openapi, READ, "post", 400, response.json())


def test_it_refuses_a_notification_id_larger_than_any_the_database_stores(
    ngo: Organisation, openapi: dict[str, Any]
) -> None:
    # given: one id the database could store, one it could not (a 500 on SQLite before)
    client = api_client_for(staff(ngo, Role.CASEWORKER))
    # when
    largest = client.post(READ, {"ids": [2**63 - 1]}, format="json")
    beyond = client.post(READ, {"ids": [2**63]}, format="json")
    # then
    assert (largest.status_code, largest.json()) == (200, {"marked": 0})
    assert beyond.status_code == 400
    assert (beyond.json()["code"], beyond.json()["field"]) == ("invalid", "ids.0")
    assert_matches_schema(openapi, READ, "post", 400, beyond.json())


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_notifications_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    for _ in range(count):
        deadline(case=case, organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    client = api_client_for(caseworker)

    # when / then
    with django_assert_num_queries(NOTIFICATION_LIST_QUERIES):
        response = client.get(NOTIFICATIONS)
    assert response.json()["count"] == count


def test_it_documents_responses_and_security_for_every_deadline_operation(
    openapi: dict[str, Any],
) -> None:
    # given
    operations = [
        (DEADLINES, "get"),
        (NOTIFICATIONS, "get"),
        (READ, "post"),
        ("/api/v1/cases/{id}/timeline/", "get"),
    ]
    # then
    for path, method in operations:
        operation = openapi["paths"][path][method]
        assert operation["security"] == [{"bearerAuth": []}], (path, method)
        assert "401" in operation["responses"], (path, method)
        for code, response in operation["responses"].items():
            assert "schema" in response["content"]["application/json"], (path, method, code)


def test_it_pages_my_deadlines_with_a_count_that_stops_at_the_limit(
    ngo: Organisation, monkeypatch: pytest.MonkeyPatch, openapi: dict[str, Any]
) -> None:
    # given: three deadlines (with intake's none: quiet cases) and a count limit of two
    monkeypatch.setattr(deadline_selectors, "LIST_COUNT_LIMIT", 2)
    caseworker = staff(ngo, Role.CASEWORKER)
    for _ in range(3):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    client = api_client_for(caseworker)

    # when
    capped = client.get(DEADLINES).json()
    monkeypatch.setattr(deadline_selectors, "LIST_COUNT_LIMIT", 10)
    exact = client.get(DEADLINES).json()

    # then
    assert_matches_schema(openapi, DEADLINES, "get", 200, capped)
    assert (capped["count"], capped["count_exact"], len(capped["results"])) == (2, False, 3)
    assert (exact["count"], exact["count_exact"]) == (3, True)
    assert client.get(DEADLINES, {"page": 2}).status_code == 404
