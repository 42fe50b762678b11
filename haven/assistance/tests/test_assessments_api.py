"""The assessment API end to end with real bearer tokens, responses checked
against the published schema (R-21, R-19)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.assistance import catalogue
from haven.assistance.models import Assessment
from haven.assistance.tests.test_assessments import NOON, TODAY, assessment_team
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/cases/{id}/assessments/"
ASSESSMENT = "/api/v1/assessments/{id}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def _body(kind: str = "needs", **changes: Any) -> dict[str, Any]:
    level = "urgent" if kind == "needs" else "low"
    body: dict[str, Any] = {
        "kind": kind,
        "assessed_on": TODAY.isoformat(),
        "sections": {
            s.key: {"level": level, "note": "A note."}
            for s in catalogue.sections_for(kind, child=False)
        },
        "person_view": "Did not wish to say.",
        "based_on_version": 0,
    }
    body.update(changes)
    return body


def test_r21_an_assessment_is_recorded_and_read_as_published(openapi: dict[str, Any]) -> None:
    # given
    t = assessment_team()
    url = ASSESSMENTS.format(id=t.case.id)
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        no_view = client.post(url, _body(person_view=""), format="json")
        created = client.post(url, _body(), format="json")
        again = client.post(url, _body(based_on_version=1), format="json")
        listing = client.get(url)
        one = client.get(ASSESSMENT.format(id=created.json()["id"]))
    # then
    assert (no_view.status_code, no_view.json()["code"]) == (400, "required")
    assert no_view.json()["field"] == "person_view"
    assert (created.status_code, created.json()["version"]) == (201, 1)
    assert (again.json()["version"], again.json()["trigger"]) == (2, "review")
    assert [v["version"] for v in listing.json()["kinds"][0]["versions"]] == [2, 1]
    assert one.json()["sections"][0]["calls_for_service"] is True
    assert_matches_schema(openapi, ASSESSMENTS, "post", 400, no_view.json())
    assert_matches_schema(openapi, ASSESSMENTS, "post", 201, created.json())
    assert_matches_schema(openapi, ASSESSMENTS, "get", 200, listing.json())
    assert_matches_schema(openapi, "/api/v1/assessments/{id}/", "get", 200, one.json())


def test_r19_a_child_section_for_an_adult_is_refused_naming_the_section(
    openapi: dict[str, Any],
) -> None:
    # given
    t = assessment_team()
    body = _body()
    body["sections"]["education"] = {"level": "needed", "note": ""}
    with time_machine.travel(NOON, tick=False):
        # when
        refused = api_client_for(t.lead).post(ASSESSMENTS.format(id=t.case.id), body, format="json")
    # then
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == (
        "section_not_applicable",
        "education",
    )
    assert_matches_schema(openapi, ASSESSMENTS, "post", 400, refused.json())


def test_r21_the_api_needs_the_assessment_group(openapi: dict[str, Any]) -> None:
    # given
    t = assessment_team()
    url = ASSESSMENTS.format(id=t.case.id)
    with time_machine.travel(NOON, tick=False):
        # when
        allowed = api_client_for(t.lead).post(url, _body("risk"), format="json")
        police = api_client_for(t.police)
        denied = police.post(url, _body("risk"), format="json")
        denied_read = police.get(ASSESSMENT.format(id=allowed.json()["id"]))
    # then
    assert allowed.status_code == 201
    assert (denied.status_code, denied.json()["code"]) == (403, "field_group_not_allowed")
    assert denied_read.status_code == 403
    assert Assessment.objects.count() == 1
    assert_matches_schema(openapi, ASSESSMENTS, "post", 403, denied.json())
    assert_matches_schema(openapi, "/api/v1/assessments/{id}/", "get", 403, denied_read.json())
