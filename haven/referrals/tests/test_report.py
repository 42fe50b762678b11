"""The public "report a concern" page (/report/): no sign-in, minimal fields,
encrypted storage, a reference for the reporter, and resistance to abuse (rate
limit, size limits, CSRF, no reflection of input)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.deadlines.models import Notification
from haven.referrals.models import ConcernReport
from haven.referrals.services import desk as services
from haven.vault import services as vault

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

URL = "/report/"
WHAT = "At the test harbour a man collects the passports of six deck hands."
CONTACT = "reporter-test@example.org"
ADDRESS = "203.0.113.77"


def post(client: Client, address: str = ADDRESS, **fields: str) -> TestResponse:
    data = {"description": WHAT, "region": "Testland", "sector": "travel_transport", **fields}
    return client.post(URL, data, REMOTE_ADDR=address)


def test_it_serves_the_page_without_sign_in_and_says_what_happens() -> None:
    # when
    response = Client().get(URL)

    # then
    assert response.status_code == 200
    assert reverse("report:new") == URL
    page = response.content.decode()
    assert "csrfmiddlewaretoken" in page
    assert "112" in page
    assert "national coordinator" in page
    assert "encrypted" in page
    assert "Nothing about you is required" in page
    assert "(optional)" in page  # the way to reach the reporter says so


def test_it_stores_an_encrypted_report_and_shows_its_reference() -> None:
    # given
    desk = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER)
    ngo = make_user(org_type=OrgType.NGO)

    # when
    response = Client().post(URL, {"description": WHAT, "contact": CONTACT}, REMOTE_ADDR=ADDRESS)

    # then
    report = ConcernReport.objects.get()
    assert response.status_code == 201
    assert report.reference in response.content.decode()
    assert WHAT.encode() not in bytes(report.description_enc)
    assert report.contact_enc is not None
    assert CONTACT.encode() not in bytes(report.contact_enc)
    assert (
        vault.decrypt(
            key=report.data_key,
            ciphertext=report.description_enc,
            context=services.DESCRIPTION_CONTEXT,
        )
        == WHAT
    )
    assert [(n.recipient_id, n.event, n.subject_id) for n in Notification.objects.all()] == [
        (desk.pk, "concern_reported", str(report.pk))
    ]
    assert ngo.notifications.count() == 0


def test_it_does_not_reflect_what_was_reported() -> None:
    # when
    response = post(Client(), contact=CONTACT)

    # then
    page = response.content.decode()
    assert WHAT not in page
    assert CONTACT not in page
    assert "Testland" not in page


def test_it_escapes_input_shown_back_beside_a_field_error() -> None:
    # when: a valid description with markup, and an unknown sector
    response = post(Client(), description="<script>alert(1)</script>", sector="<b>x</b>")

    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in page
    assert "<b>x</b>" not in page
    assert not ConcernReport.objects.exists()


def test_it_refuses_a_description_over_the_size_limit() -> None:
    # when
    too_long = post(Client(), description="x" * (services.DESCRIPTION_MAX + 1))
    at_limit = post(Client(), description="x" * services.DESCRIPTION_MAX)

    # then
    assert too_long.status_code == 400
    assert at_limit.status_code == 201
    assert ConcernReport.objects.count() == 1


def test_it_requires_what_happened_and_nothing_else() -> None:
    # when
    empty = Client().post(URL, {"description": "  "}, REMOTE_ADDR=ADDRESS)
    minimal = Client().post(URL, {"description": WHAT}, REMOTE_ADDR=ADDRESS)

    # then
    assert (empty.status_code, minimal.status_code) == (400, 201)
    report = ConcernReport.objects.get()
    assert (report.region_enc, report.reporter_sector, report.contact_enc) == (None, "", None)


def test_it_refuses_a_post_without_the_csrf_token() -> None:
    # given
    client = Client(enforce_csrf_checks=True)

    # when
    refused = client.post(URL, {"description": WHAT}, REMOTE_ADDR=ADDRESS)
    form = client.get(URL)
    token = form.context["csrf_token"]
    accepted = client.post(
        URL, {"description": WHAT, "csrfmiddlewaretoken": str(token)}, REMOTE_ADDR=ADDRESS
    )

    # then
    assert (refused.status_code, accepted.status_code) == (403, 201)
    assert ConcernReport.objects.count() == 1


@override_settings(HAVEN_REPORT_RATE_LIMIT=3, HAVEN_REPORT_RATE_WINDOW_MINUTES=60)
def test_it_limits_reports_from_one_address_and_not_from_another() -> None:
    # given: three reports from one address, the limit
    for _ in range(3):
        assert post(Client()).status_code == 201

    # when
    limited = post(Client())
    other = post(Client(), address="198.51.100.9")

    # then
    assert limited.status_code == 429
    assert "try again later" in limited.content.decode()
    assert other.status_code == 201
    assert ConcernReport.objects.count() == 4


def test_it_counts_again_once_the_window_has_passed() -> None:
    # given: a limit of one per hour, used
    with override_settings(HAVEN_REPORT_RATE_LIMIT=1, HAVEN_REPORT_RATE_WINDOW_MINUTES=60):
        with time_machine.travel("2026-01-05 10:00:00Z", tick=False):
            post(Client())
            limited = post(Client())
        with time_machine.travel("2026-01-05 11:01:00Z", tick=False):
            # when
            later = post(Client())

    # then
    assert limited.status_code == 429
    assert later.status_code == 201


def test_it_never_stores_the_raw_address() -> None:
    # when
    post(Client())

    # then
    report = ConcernReport.objects.get()
    stored = [str(getattr(report, f.attname)) for f in ConcernReport._meta.concrete_fields]
    assert not any(ADDRESS in value for value in stored)
    assert report.source_index == services.source_index(ADDRESS)
    assert len(report.source_index) == 64


@override_settings(HAVEN_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_it_counts_the_address_the_proxy_appended_when_behind_one() -> None:
    # when
    Client().post(
        URL,
        {"description": WHAT},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"198.51.100.1, {ADDRESS}",
    )

    # then
    assert ConcernReport.objects.get().source_index == services.source_index(ADDRESS)


@override_settings(
    HAVEN_BEHIND_PROXY=True, HAVEN_TRUSTED_PROXIES=["10.0.0.1"], HAVEN_REPORT_RATE_LIMIT=3
)
def test_it_counts_a_client_that_sprays_forwarded_addresses_by_its_own_address() -> None:
    # given: a client that is not the proxy, naming a new address in each request
    answers = [
        Client()
        .post(
            URL,
            {"description": WHAT},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        .status_code
        for n in range(10)
    ]
    # then: all counted against the address it connects from
    assert answers == [201] * 3 + [429] * 7
    assert {r.source_index for r in ConcernReport.objects.all()} == {
        services.source_index("203.0.113.7")
    }


def test_it_writes_nothing_about_the_report_to_the_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given
    make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER, email="d@example.org")
    caplog.set_level(logging.DEBUG)

    # when
    with override_settings(HAVEN_REPORT_RATE_LIMIT=1):
        post(Client(), contact=CONTACT)
        post(Client(), contact=CONTACT)  # limited: 429

    # then
    for secret in (WHAT, CONTACT, "Testland", ADDRESS):
        assert secret not in caplog.text


def test_it_is_not_sent_to_the_second_factor_step_when_signed_out() -> None:
    # when
    response = Client().get(URL)

    # then
    assert response.status_code == 200
    assert "accounts/mfa" not in response.get("Location", "")
