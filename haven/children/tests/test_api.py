"""The guardian API end to end with real bearer tokens (R-11), checked against
the published schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children.tests.factories import open_child_case
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

GUARDIANS = "/api/v1/cases/{id}/guardians/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_it_appoints_and_lists_guardians_as_published(openapi: dict[str, Any]) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = api_client_for(caseworker)
    url = GUARDIANS.format(id=case.id)
    body = {"guardian_name": "Ilona Holhooja", "appointed_on": timezone.localdate().isoformat()}
    # when
    before = client.get(url)
    created = client.post(url, body, format="json")
    # then
    assert before.status_code == 200
    assert before.json()["appointments"] == []
    assert before.json()["appointment_due_at"] is not None
    assert created.status_code == 201
    assert created.json()["appointments"][0]["guardian_name"] == "Ilona Holhooja"
    assert created.json()["appointment_due_at"] is None
    assert_matches_schema(openapi, GUARDIANS, "get", 200, before.json())
    assert_matches_schema(openapi, GUARDIANS, "post", 201, created.json())


def test_it_refuses_an_adult_with_a_code() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="verified_adult")
    body = {"guardian_name": "Ilona Holhooja", "appointed_on": timezone.localdate().isoformat()}
    # when
    response = api_client_for(caseworker).post(GUARDIANS.format(id=case.id), body, format="json")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_child"


def test_outsiders_get_404_and_members_without_the_legal_group_403() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=org_of(shelter))
    outsider = make_user(org_type=OrgType.NGO)
    url = GUARDIANS.format(id=case.id)
    # when
    member = api_client_for(caseworker).get(url)
    hidden = api_client_for(outsider).get(url)
    refused = api_client_for(shelter).get(url)
    # then
    assert (member.status_code, hidden.status_code, refused.status_code) == (200, 404, 403)
    assert refused.json()["code"] == "field_group_not_allowed"
