"""The break-glass API end to end, with real bearer tokens: refused without a
justification; with one, the case opens (and closes again when the time is up);
supervisors list and review the uses. Allowed and denied sides share a setup."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from haven.access.models import BreakGlass
from haven.access.tests.test_break_glass import (
    JUSTIFICATION,
    SIGN_IN_SUBJECTS,
    use,
    world,
    written,
)
from haven.accounts.models import Role
from haven.accounts.tests.factories import UserFactory
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.test_api import api_client_for, detail_url
from haven.deadlines.models import Notification
from haven.deadlines.tests.test_deadlines import at

pytestmark = pytest.mark.django_db

USE = "/api/v1/break-glass/"
REVIEWS = "/api/v1/break-glass/reviews/"
REVIEW = "/api/v1/break-glass/{id}/review/"
NOTIFICATIONS = "/api/v1/notifications/"
START = at(date(2026, 5, 4), 22, 0)

# Token look-up with its user, then the count and one page of uses with their
# case, user, organisation and reviewer: the same for 1 use as for 5.
REVIEW_LIST_QUERIES = 3


@pytest.mark.parametrize("justification", ["", "Urgent."])
def test_it_refuses_break_glass_without_a_justification_and_writes_nothing(
    justification: str,
) -> None:
    # given
    w = world()
    client = api_client_for(w.outsider)
    before = written()

    # when
    response = client.post(
        USE,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": justification,
        },
        format="json",
    )
    case = client.get(detail_url(w.case.id))

    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "justification_required",
        "justification",
    )
    assert written() == before
    assert (case.status_code, case.json()["code"]) == (404, "case_not_found")


def test_it_answers_a_missing_reference_as_any_hidden_case() -> None:
    # given
    w = world()
    client = api_client_for(w.outsider)
    before = written()

    # when
    missing = client.post(
        USE,
        {
            "case_reference": "FI-2026-ZZZZZZ",
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
        format="json",
    )
    hidden = client.get(detail_url(w.case.id))

    # then
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    assert written() == before


def test_it_opens_the_case_for_a_limited_time() -> None:
    # given
    w = world()
    with time_machine.travel(START, tick=False):
        client = api_client_for(w.outsider)

        # when
        response = client.post(
            USE,
            {
                "case_reference": w.case.reference,
                "reason": "person_missing",
                "justification": JUSTIFICATION,
            },
            format="json",
        )
        during = client.get(detail_url(w.case.id))
    with time_machine.travel(START + timedelta(minutes=60), tick=False):
        after = client.get(detail_url(w.case.id))

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["case_id"] == str(w.case.id)
    assert body["case_reference"] == w.case.reference
    assert body["expires_at"] == "2026-05-04T23:00:00+03:00"
    assert body["review"] == "pending"
    assert response["Location"] == detail_url(w.case.id)
    assert during.status_code == 200
    groups = during.json()["field_groups"]
    assert groups["narrative"]["code"] == "break_glass"
    assert "until 23:00" in groups["narrative"]["reason"]
    assert during.json()["hidden_field_groups"]["location"]["code"] == "group_not_for_org_type"
    assert (after.status_code, after.json()["code"]) == (404, "case_not_found")
    events = (
        AuditEvent.objects.filter(actor_username=w.outsider.username)
        .exclude(object_type__in=SIGN_IN_SUBJECTS)
        .order_by("id")
    )
    assert [e.action for e in events] == [Action.BREAK_GLASS, Action.READ]


def test_it_refuses_users_without_a_case_role() -> None:
    # given
    w = world()
    admin = w.others["lead org administrator"]
    before = written()

    # when
    response = api_client_for(admin).post(
        USE,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
        format="json",
    )

    # then
    assert (response.status_code, response.json()["code"]) == (403, "sharing_not_allowed")
    assert written() == before


def test_it_tells_the_case_lead_to_read_the_case_instead() -> None:
    # given
    w = world()
    # when
    response = api_client_for(w.lead).post(
        USE,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
        format="json",
    )
    # then
    assert (response.status_code, response.json()["code"]) == (409, "break_glass_not_needed")


def test_it_lists_the_news_for_the_national_coordinator() -> None:
    # given
    w = world()
    grant = use(w)

    # when
    listed = api_client_for(w.coordinator).get(NOTIFICATIONS).json()["results"]

    # then
    assert [
        (
            n["kind"],
            n["case_id"],
            n["case_reference"],
            n["task_id"],
            n["due_at"],
            n["break_glass_by"],
            n["break_glass_organisation"],
        )
        for n in listed
    ] == [
        (
            Notification.Kind.BREAK_GLASS,
            str(w.case.id),
            w.case.reference,
            None,
            None,
            w.outsider.username,
            w.organisation(w.outsider).name,
        )
    ]
    assert grant.organisation.name in listed[0]["what"]


def test_it_lists_and_reviews_a_use_for_the_users_supervisor() -> None:
    # given
    w = world()
    grant = use(w)
    client = api_client_for(w.outsider_supervisor)

    # when
    listed = client.get(REVIEWS)
    reviewed = client.post(
        REVIEW.format(id=grant.id), {"justified": False, "note": "No emergency."}, format="json"
    )
    again = client.post(REVIEW.format(id=grant.id), {"justified": True}, format="json")

    # then
    assert [u["id"] for u in listed.json()["results"]] == [str(grant.id)]
    assert reviewed.status_code == 200
    body = reviewed.json()
    assert (body["review"], body["reviewed_by"], body["review_note"]) == (
        "not_justified",
        w.outsider_supervisor.username,
        "No emergency.",
    )
    assert (again.status_code, again.json()["code"]) == (409, "break_glass_already_reviewed")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("lead_supervisor", 404, "break_glass_not_found"),  # another organisation's supervisor
        ("outsider", 403, "sharing_not_allowed"),  # the user themself, a caseworker
        ("lead", 403, "sharing_not_allowed"),  # a caseworker
        ("coordinator_supervisor", 200, ""),  # the national coordinator's supervisor may
    ],
)
def test_it_lets_only_a_supervisor_within_reach_review(who: str, status: int, code: str) -> None:
    # given
    w = world()
    grant = use(w)

    # when
    response = api_client_for(getattr(w, who)).post(
        REVIEW.format(id=grant.id), {"justified": True}, format="json"
    )

    # then
    assert response.status_code == status
    assert response.json().get("code", "") == code
    grant.refresh_from_db()
    expected = BreakGlass.Review.JUSTIFIED if status == 200 else BreakGlass.Review.PENDING
    assert grant.review == expected


def test_it_refuses_a_supervisor_the_review_of_their_own_use() -> None:
    # given
    w = world()
    grant = use(w, w.outsider_supervisor)

    # when
    response = api_client_for(w.outsider_supervisor).post(
        REVIEW.format(id=grant.id), {"justified": True}, format="json"
    )

    # then
    assert (response.status_code, response.json()["code"]) == (403, "sharing_not_allowed")


def test_it_refuses_the_review_list_to_a_caseworker() -> None:
    # given
    w = world()
    use(w)
    # when
    response = api_client_for(w.outsider).get(REVIEWS)
    # then
    assert (response.status_code, response.json()["code"]) == (403, "sharing_not_allowed")


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_uses_for_review_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    w = world()
    police = w.organisation(w.outsider)
    for _ in range(count):
        use(w, UserFactory.create(organisation=police, role=Role.CASEWORKER))
    client = api_client_for(w.outsider_supervisor)

    # when / then
    with django_assert_num_queries(REVIEW_LIST_QUERIES):
        response = client.get(REVIEWS)
    assert response.json()["count"] == count
