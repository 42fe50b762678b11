"""The residence permit and detention API end to end with real bearer tokens,
responses checked against the published schema (R-16)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.assistance import clocks as assistance_clocks
from haven.assistance.tests.test_permits import NOON, TODAY, permit_team
from haven.cases.tests.test_api import api_client_for
from haven.deadlines.models import Task
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

PERMITS = "/api/v1/cases/{id}/permits/"
RENEWALS = "/api/v1/permits/{id}/renewals/"
DETENTION = "/api/v1/cases/{id}/detention/"
WARNING = "Victims of trafficking must not be held in detention centres."


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def _permit(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "grounds": ["personal_situation", "proceedings"],
        "permit_type": "Temporary permit",
        "issued_on": TODAY.isoformat(),
        "expires_on": (TODAY + timedelta(days=365)).isoformat(),
        "issuing_authority": "Test Migration Service",
        "reference": "RP-API-1",
    }
    body.update(changes)
    return body


def test_r16_a_permit_is_recorded_read_and_renewed_as_published(openapi: dict[str, Any]) -> None:
    # given
    t = permit_team()
    url = PERMITS.format(id=t.case.id)
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        no_ground = client.post(url, _permit(grounds=[]), format="json")
        created = client.post(url, _permit(), format="json")
        permit_id = created.json()["permits"][0]["id"]
        renewed = client.post(
            RENEWALS.format(id=permit_id),
            {
                "renewed_on": TODAY.isoformat(),
                "new_expires_on": (TODAY + timedelta(days=700)).isoformat(),
                "version": 1,
            },
            format="json",
        )
        read = client.get(url)
    # then
    assert (no_ground.status_code, no_ground.json()["code"]) == (400, "permit_ground_required")
    assert created.status_code == 201
    assert renewed.status_code == 201
    body = read.json()
    assert body["permits"][0]["grounds"] == ["personal_situation", "proceedings"]
    assert body["permits"][0]["expires_on"] == (TODAY + timedelta(days=700)).isoformat()
    assert body["detention_warning"] is None
    assert Task.objects.filter(kind=assistance_clocks.PERMIT_EXPIRY, status="open").count() == 1
    assert_matches_schema(openapi, PERMITS, "post", 201, created.json())
    assert_matches_schema(openapi, RENEWALS, "post", 201, renewed.json())
    assert_matches_schema(openapi, PERMITS, "get", 200, body)
    assert_matches_schema(openapi, PERMITS, "post", 400, no_ground.json())


def test_it_warns_about_detention_in_the_api_while_it_is_open(openapi: dict[str, Any]) -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        ended = client.post(
            DETENTION.format(id=t.case.id),
            {"started_on": TODAY.isoformat(), "place_type": "Cell", "ended_on": TODAY.isoformat()},
            format="json",
        )
        held = client.post(
            DETENTION.format(id=t.case.id),
            {"started_on": TODAY.isoformat(), "place_type": "Detention centre"},
            format="json",
        )
        read = client.get(PERMITS.format(id=t.case.id))
    # then
    assert (ended.status_code, ended.json()["detention_warning"]) == (201, None)
    assert (held.status_code, held.json()["detention_warning"]) == (201, WARNING)
    assert read.json()["detention_warning"] == WARNING
    assert_matches_schema(openapi, DETENTION, "post", 201, held.json())


def test_r16_the_api_needs_the_legal_group_and_hides_the_case_from_outsiders(
    openapi: dict[str, Any],
) -> None:
    # given
    t = permit_team()
    url = PERMITS.format(id=t.case.id)
    # when
    with time_machine.travel(NOON, tick=False):
        allowed = api_client_for(t.lead).post(url, _permit(), format="json")
        denied = api_client_for(t.shelter).post(url, _permit(), format="json")
        stranger = api_client_for(t.outsider)  # one token per user and test
        outsider = stranger.get(url)
        permit_id = allowed.json()["permits"][0]["id"]
        hidden_permit = stranger.post(
            RENEWALS.format(id=permit_id),
            {"renewed_on": TODAY.isoformat(), "new_expires_on": "2030-01-01", "version": 1},
            format="json",
        )
    # then
    assert allowed.status_code == 201
    assert (denied.status_code, denied.json()["code"]) == (403, "field_group_not_allowed")
    assert outsider.status_code == 404
    assert hidden_permit.status_code == 404
    assert_matches_schema(openapi, PERMITS, "post", 403, denied.json())
    assert_matches_schema(openapi, PERMITS, "get", 404, outsider.json())


def test_r16_the_case_api_warns_about_an_open_detention_to_those_who_see_the_legal_group(
    openapi: dict[str, Any],
) -> None:
    # given: the person is held in detention; the shelter on the team does not see "legal"
    t = permit_team()
    case_url = f"/api/v1/cases/{t.case.id}/"
    with time_machine.travel(NOON, tick=False):
        lead = api_client_for(t.lead)
        before = lead.get(case_url)
        lead.post(
            DETENTION.format(id=t.case.id),
            {"started_on": TODAY.isoformat(), "place_type": "Detention centre"},
            format="json",
        )
        # when
        held = lead.get(case_url)
        shelter = api_client_for(t.shelter).get(case_url)
    # then
    assert before.json()["field_groups"]["legal"]["detention_warning"] is None
    assert held.json()["field_groups"]["legal"]["detention_warning"] == WARNING
    assert "legal" not in shelter.json()["field_groups"]
    assert WARNING not in shelter.content.decode()
    assert_matches_schema(openapi, "/api/v1/cases/{id}/", "get", 200, held.json())
