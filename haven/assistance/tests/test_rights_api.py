"""Information on rights and interpretation through the API with real bearer tokens,
responses checked against the published schema (R-24)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.assistance.tests.test_rights import NOON, TODAY, rights_team
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

LEAFLET = "/api/v1/cases/{id}/rights-leaflet/"
INFORMATION = "/api/v1/cases/{id}/rights-information/"
NEED = "/api/v1/cases/{id}/interpretation-need/"
BOOKINGS = "/api/v1/cases/{id}/interpreter-bookings/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_r24_information_need_and_plans_are_recorded_and_read_as_published(
    openapi: dict[str, Any],
) -> None:
    # given
    t = rights_team()
    case = t.case.id
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        empty = client.post(
            INFORMATION.format(id=case),
            {
                "items": [],
                "given_on": TODAY.isoformat(),
                "language": "vi",
                "form": "oral",
                "version": "easy",
            },
            format="json",
        )
        given = client.post(
            INFORMATION.format(id=case),
            {
                "items": ["protection", "reflection"],
                "given_on": TODAY.isoformat(),
                "language": "vi",
                "form": "oral",
                "version": "easy",
                "interpreter_name": "Nguyen Van Test",
            },
            format="json",
        )
        needed = client.post(
            NEED.format(id=case), {"needed": True, "languages": ["vi"]}, format="json"
        )
        planned = client.post(
            BOOKINGS.format(id=case),
            {
                "occasion": "decision",
                "planned_on": (TODAY + timedelta(days=1)).isoformat(),
                "language": "vi",
            },
            format="json",
        )
        read = client.get(INFORMATION.format(id=case))
    # then
    assert empty.status_code == 400
    assert empty.json()["code"] == "items_required"
    assert (given.status_code, needed.status_code, planned.status_code) == (201, 201, 201)
    body = read.json()
    assert body["records"][0]["items"] == ["reflection", "protection"]
    assert body["records"][0]["interpreter_name"] == "Nguyen Van Test"
    assert body["need"]["languages"] == ["vi"]
    assert [w["occasion"] for w in body["warnings"]] == ["decision"]
    path = "/api/v1/cases/{id}/rights-information/"
    assert_matches_schema(openapi, path, "post", 201, given.json())
    assert_matches_schema(openapi, path, "get", 200, body)
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/interpreter-bookings/", "post", 201, planned.json()
    )


def test_r24_the_leaflet_words_come_in_the_language_asked_as_published(
    openapi: dict[str, Any],
) -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        leaflet = client.get(LEAFLET.format(id=t.case.id), {"lang": "zh"})
        unknown = client.get(LEAFLET.format(id=t.case.id), {"lang": "xx"})
    assert leaflet.status_code == 200
    assert leaflet.json()["title"] == "您的权利"
    assert unknown.status_code == 400
    assert_matches_schema(openapi, "/api/v1/cases/{id}/rights-leaflet/", "get", 200, leaflet.json())


def test_r24_the_api_refuses_the_police_and_answers_the_lead_on_the_same_case() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        lead = api_client_for(t.lead).get(INFORMATION.format(id=t.case.id))
        police = api_client_for(t.police).get(INFORMATION.format(id=t.case.id))
        outsider = api_client_for(t.outsider).get(LEAFLET.format(id=t.case.id))
    assert (lead.status_code, police.status_code, outsider.status_code) == (200, 403, 404)
    assert police.json()["code"] == "field_group_not_allowed"
