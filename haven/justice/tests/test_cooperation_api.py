"""The cooperation API end to end with real bearer tokens, responses checked
against the published schema (legal group; R-18)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.cases.tests.test_api import api_client_for
from haven.justice.models import CooperationRecord
from haven.justice.tests.test_cooperation import NOON, TODAY, cooperation_team
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

COOPERATION = "/api/v1/cases/{id}/cooperation/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cooperates_with_authorities": False,
        "is_witness": True,
        "recorded_on": TODAY.isoformat(),
    }
    body.update(changes)
    return body


def test_r18_cooperation_is_recorded_and_read_as_published(openapi: dict[str, Any]) -> None:
    # given
    t = cooperation_team()
    url = COOPERATION.format(id=t.case.id)
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        empty = client.get(url)
        future = client.post(url, _body(recorded_on="2026-03-03"), format="json")
        created = client.post(url, _body(), format="json")
        read = client.get(url)
    # then
    assert (empty.status_code, future.status_code, created.status_code) == (200, 400, 201)
    assert empty.json()["current"] is None
    assert future.json()["code"] == "invalid"
    current = read.json()["current"]
    assert (current["cooperates_with_authorities"], current["is_witness"]) == (False, True)
    assert "Assistance never depends on it" in read.json()["statement"]
    path = "/api/v1/cases/{id}/cooperation/"
    for method, response in [("get", empty), ("post", future), ("post", created), ("get", read)]:
        assert_matches_schema(openapi, path, method, response.status_code, response.json())


def test_r18_only_the_legal_group_reads_and_emergency_access_never_writes(
    openapi: dict[str, Any],
) -> None:
    # given
    t = cooperation_team()
    url = COOPERATION.format(id=t.case.id)
    path = "/api/v1/cases/{id}/cooperation/"
    with time_machine.travel(NOON, tick=False):
        # when
        allowed = api_client_for(t.lead).get(url)
        denied = api_client_for(t.shelter).get(url)
        outsider = api_client_for(t.outsider).get(url)
        emergency = api_client_for(t.emergency)
        emergency_reads = emergency.get(url)
        emergency_writes = emergency.post(url, _body(), format="json")
    # then
    assert (allowed.status_code, denied.status_code, outsider.status_code) == (200, 403, 404)
    assert denied.json()["code"] == "field_group_not_allowed"
    assert (emergency_reads.status_code, emergency_writes.status_code) == (200, 403)
    assert emergency_writes.json()["code"] == "break_glass_read_only"
    assert CooperationRecord.objects.count() == 0
    for response in (denied, outsider, emergency_writes):
        method = "post" if response is emergency_writes else "get"
        assert_matches_schema(openapi, path, method, response.status_code, response.json())
