"""Agreements (MoUs) through the API (R-47), with real bearer tokens: listed,
read, recorded and ended by system administrators and by administrators of a
party; refused to others. Ending stops access under it on that day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from haven.access import services as access_services
from haven.access.models import Agreement
from haven.access.tests.test_selectors_sharing import (
    AGREEMENT,
    consent_for_police,
    org_of,
    world,
)
from haven.accounts import services as account_services
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    confirmed_totp,
    make_user,
    totp_now,
)
from haven.cases.tests.test_api import api_client_for

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/agreements/"
# Pinned, measured on SQLite: the token with its user and organisation, the
# count, one page of agreements with their creators, their parties, the
# parties' organisations and who approved for them, their flows and the flows'
# recipients: the same for 1 agreement as for 4.
AGREEMENT_LIST_QUERIES = 8


def _agreement(agreement_id: object) -> str:
    return f"{AGREEMENTS}{agreement_id}/"


def _end(agreement_id: object) -> str:
    return f"{AGREEMENTS}{agreement_id}/end/"


def _client_on_the_day(user: User, device: TOTPDevice) -> APIClient:
    """A bearer token issued with today's code of the user's one device."""
    raw, _token = account_services.api_token_issue(
        username=user.username, password=PASSWORD, otp=totp_now(device)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _body(lead: str, police: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Police and NGO, Tampere 2026",
        "document_reference": "Registry 2026/3",
        "valid_from": timezone.localdate().isoformat(),
        "parties": [{"organisation": lead}, {"org_type": "police", "country": "FI"}],
        "flows": [
            {
                "organisation": police,
                "purposes": ["investigation"],
                "field_groups": ["narrative", "identity"],
            }
        ],
        **overrides,
    }


def test_it_lists_and_reads_agreements_for_administrators() -> None:
    # given
    w = world()
    party_admin = UserFactory.create(organisation=org_of(w.police), role=Role.ORG_ADMIN)

    # when
    listed = api_client_for(w.admin).get(AGREEMENTS)
    read = api_client_for(party_admin).get(_agreement(w.agreement.id))

    # then
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert (row["name"], row["status"], row["consent_required"]) == (AGREEMENT, "in_force", True)
    assert {p["organisation"]["name"] for p in row["parties"]} == {
        org_of(w.lead).name,
        org_of(w.police).name,
    }
    assert read.status_code == 200
    (flow,) = read.json()["flows"]
    assert flow["recipient_organisation"]["id"] == str(org_of(w.police).pk)
    assert (flow["purposes"], flow["field_groups"]) == (
        ["investigation"],
        ["identity", "narrative"],
    )


def test_it_refuses_agreements_to_caseworkers_and_non_parties() -> None:
    # given
    w = world()
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    stranger_client = api_client_for(stranger)

    # when
    caseworker = api_client_for(w.lead).get(AGREEMENTS)
    listed = stranger_client.get(AGREEMENTS)
    read = stranger_client.get(_agreement(w.agreement.id))
    missing = api_client_for(w.admin).get(_agreement("not-an-agreement"))

    # then
    assert (caseworker.status_code, caseworker.json()["code"]) == (403, "sharing_not_allowed")
    assert (listed.status_code, listed.json()["results"]) == (200, [])
    assert (read.status_code, read.json()["code"]) == (403, "sharing_not_allowed")
    assert (missing.status_code, missing.json()["code"]) == (404, "agreement_not_found")


@pytest.mark.parametrize("extra", [0, 3])
def test_it_lists_agreements_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    # given
    w = world()
    for number in range(extra):
        access_services.agreement_propose(
            actor=w.admin,
            name=f"Agreement {number}",
            document_reference="Registry",
            valid_from=date(2026, 1, 1),
            parties=[
                access_services.Party(organisation=org_of(w.lead)),
                access_services.Party(org_type=OrgType.POLICE, country="FI"),
            ],
            flows=[
                access_services.Flow(
                    org_type=OrgType.POLICE, purposes=["assistance"], field_groups=["legal"]
                )
            ],
        )
    client = api_client_for(w.admin)

    # when / then
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        response = client.get(AGREEMENTS)
    assert response.json()["count"] == extra + 1


def test_it_records_an_agreement_for_a_party_admin_and_refuses_a_non_party() -> None:
    # given: the same body from an administrator of a party and of a stranger
    w = world()
    body = _body(str(org_of(w.lead).pk), str(org_of(w.police).pk))
    party_admin = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN)
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)

    # when
    refused = api_client_for(stranger).post(AGREEMENTS, body, format="json")
    created = api_client_for(party_admin).post(AGREEMENTS, body, format="json")

    # then
    assert (refused.status_code, refused.json()["code"]) == (403, "sharing_not_allowed")
    assert created.status_code == 201
    assert created["Location"] == _agreement(created.json()["id"])
    agreement = Agreement.objects.get(pk=created.json()["id"])
    assert agreement.created_by == party_admin
    assert created.json()["parties"][1] == {
        "organisation": None,
        "org_type": "police",
        "country": "FI",
        "approved_at": None,
        "approved_by": None,
    }
    # the proposer's approval counts for their own organisation only
    assert created.json()["status"] == "proposed"
    assert created.json()["parties"][0]["approved_by"] == party_admin.username


def test_it_refuses_bad_agreements_with_the_field_named() -> None:
    # given
    w = world()
    client = api_client_for(w.admin)
    lead, police = str(org_of(w.lead).pk), str(org_of(w.police).pk)
    before = Agreement.objects.count()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    # when
    answers = [
        client.post(AGREEMENTS, _body(lead, police, name=" "), format="json"),
        client.post(
            AGREEMENTS, _body(lead, police, parties=[{"organisation": lead}]), format="json"
        ),
        client.post(AGREEMENTS, _body(lead, police, consent_required=False), format="json"),
        client.post(
            AGREEMENTS,
            _body(lead, police, valid_from=tomorrow, ends_on=tomorrow),
            format="json",
        ),
        client.post(
            AGREEMENTS,
            _body(lead, police, flows=[{"org_type": "police", "purposes": [], "field_groups": []}]),
            format="json",
        ),
        client.post(AGREEMENTS, _body(lead, police, valid_from="soon"), format="json"),
    ]

    # then
    assert [a.status_code for a in answers] == [400] * 6
    assert [a.json()["field"] for a in answers[:5]] == [
        "name",
        "parties",
        "legal_basis",
        "ends_on",
        "field_groups",
    ]
    assert "valid_from" in answers[5].json()["field_errors"]
    assert Agreement.objects.count() == before


def test_it_ends_an_agreement_and_access_stops_that_day() -> None:
    # given: the police read the narrative under consent and the agreement
    w = world()
    consent_for_police(w)
    admin = api_client_for(w.admin)
    case = f"/api/v1/cases/{w.case.id}/?purpose=investigation"
    today = timezone.localdate()
    end = today + timedelta(days=3)

    # when
    ended = admin.post(_end(w.agreement.id), {"ends_on": end.isoformat()}, format="json")

    # then
    assert ended.status_code == 200
    assert (ended.json()["ends_on"], ended.json()["status"]) == (end.isoformat(), "in_force")
    assert ended.json()["ended_by"] == w.admin.username
    device = confirmed_totp(w.police)
    for day, code in [(end - timedelta(days=1), "consent_and_agreement"), (end, "no_agreement")]:
        noon = datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
        with time_machine.travel(noon, tick=False):  # a token of that day
            body = _client_on_the_day(w.police, device).get(case).json()
        groups = {**body["field_groups"], **body["hidden_field_groups"]}
        assert groups["narrative"]["code"] == code


def test_it_ends_today_by_default_once_and_for_parties_only() -> None:
    # given
    w = world()
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    admin = api_client_for(w.admin)

    # when
    refused = api_client_for(stranger).post(_end(w.agreement.id), {}, format="json")
    ended = admin.post(_end(w.agreement.id), {}, format="json")
    again = admin.post(_end(w.agreement.id), {}, format="json")
    malformed = admin.post(_end(w.agreement.id), {"ends_on": "soon"}, format="json")
    missing = admin.post(_end("not-an-agreement"), {}, format="json")

    # then
    assert (refused.status_code, refused.json()["code"]) == (403, "sharing_not_allowed")
    assert (ended.status_code, ended.json()["status"]) == (200, "ended")
    assert ended.json()["ends_on"] == timezone.localdate().isoformat()
    assert (again.status_code, again.json()["code"]) == (409, "agreement_ended")
    assert malformed.status_code == 400
    assert (missing.status_code, missing.json()["code"]) == (404, "agreement_not_found")
