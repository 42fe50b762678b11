"""Referral and desk notifications on the notification page and in
``GET /api/v1/notifications/``: a plain label per event and a link to the page
it is about; each user sees only their own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines import notify as referral_notify
from haven.deadlines.models import Notification
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

PAGE = reverse("deadlines:notification_list")
API = "/api/v1/notifications/"
REFERRAL_ID = "7c0ffee0-0000-4000-8000-000000000001"
REPORT_ID = "7c0ffee0-0000-4000-8000-000000000002"

# Every event another part of issue 6 sends, with its plain label.
EVENTS = [
    "received",
    "accepted",
    "declined",
    "info_requested",
    "info_provided",
    "withdrawn",
    "overdue",
    "lead_transfer_proposed",
    "lead_transfer_accepted",
    "lead_transfer_declined",
    "concern_reported",
    "acknowledgement_missing",
    "consultation_routed",
]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def told(ngo: Organisation) -> tuple[Case, User, User]:
    """A referral received and a concern reported, told to one user; and a
    colleague who was told nothing."""
    case = open_case(actor=UserFactory.create(organisation=ngo, role=Role.CASEWORKER))
    reader = UserFactory.create(organisation=ngo, role=Role.CASEWORKER)
    colleague = UserFactory.create(organisation=ngo, role=Role.CASEWORKER)
    referral_notify.notify(
        recipients=[reader],
        kind=Notification.Kind.REFERRAL,
        event="received",
        case=case,
        subject_id=REFERRAL_ID,
    )
    referral_notify.notify(
        recipients=[reader],
        kind=Notification.Kind.DESK,
        event="concern_reported",
        subject_id=REPORT_ID,
    )
    return case, reader, colleague


@pytest.mark.parametrize("event", EVENTS)
def test_it_has_a_plain_label_for_every_event(event: str) -> None:
    # when
    label = referral_notify.event_label(event)
    # then
    assert label != str(referral_notify.UNKNOWN_EVENT)
    assert label.endswith(".")


def test_it_links_an_event_to_its_page_or_falls_back() -> None:
    # given
    case_id = "7c0ffee0-0000-4000-8000-0000000000ca"

    # when
    links = {
        "report": referral_notify.notification_link(
            kind="desk", event="concern_reported", subject_id=REPORT_ID
        ),
        "transfer": referral_notify.notification_link(
            kind="referral", event="lead_transfer_proposed", subject_id=REFERRAL_ID, case_id=case_id
        ),
        "unknown referral event": referral_notify.notification_link(
            kind="referral", event="new_thing", subject_id=REFERRAL_ID, case_id=case_id
        ),
        "unknown desk event": referral_notify.notification_link(kind="desk", event="new_thing"),
        "reminder": referral_notify.notification_link(kind="reminder"),
    }

    # then
    assert links == {
        "report": reverse("referrals:desk_report_detail", args=[REPORT_ID]),
        "transfer": reverse("referrals:lead_transfer_detail", args=[REFERRAL_ID]),
        "unknown referral event": reverse("web:case_detail", args=[case_id]),
        "unknown desk event": reverse("deadlines:notification_list"),
        "reminder": reverse("deadlines:deadline_list"),
    }


def test_it_shows_referral_and_desk_news_on_the_page_to_its_recipient_only(
    ngo: Organisation,
) -> None:
    # given
    case, reader, colleague = told(ngo)
    referral_link = referral_notify.notification_link(
        kind="referral", event="received", subject_id=REFERRAL_ID, case_id=case.pk
    )
    report_link = reverse("referrals:desk_report_detail", args=[REPORT_ID])

    # when
    mine = sign_in(Client(), reader).get(PAGE).content.decode()
    theirs = sign_in(Client(), colleague).get(PAGE).content.decode()

    # then
    assert f'<a href="{referral_link}">A referral is waiting for your organisation.</a>' in mine
    assert f'<a href="{report_link}">A concern was reported to the coordination desk.</a>' in mine
    assert case.reference in mine
    assert "Referral" in mine
    assert "Coordination desk" in mine
    assert "A referral is waiting" not in theirs
    assert "You have no notifications." in theirs


def test_it_lists_referral_and_desk_news_in_the_api_as_published(
    ngo: Organisation, openapi: dict[str, Any]
) -> None:
    # given
    case, reader, colleague = told(ngo)

    # when
    mine = api_client_for(reader).get(API)
    theirs = api_client_for(colleague).get(API)

    # then
    assert mine.status_code == theirs.status_code == 200
    rows = {row["kind"]: row for row in mine.json()["results"]}
    assert rows["referral"]["event"] == "received"
    assert rows["referral"]["subject_id"] == REFERRAL_ID
    assert rows["referral"]["case_reference"] == case.reference
    assert rows["referral"]["what"] == "A referral is waiting for your organisation."
    assert rows["referral"]["task_id"] is None
    assert rows["desk"]["case_id"] is None
    assert rows["desk"]["link"] == reverse("referrals:desk_report_detail", args=[REPORT_ID])
    assert theirs.json()["count"] == 0
    assert_matches_schema(openapi, API, "get", 200, mine.json())
