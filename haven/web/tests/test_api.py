"""The case read composed from the apps' parts: the services group carries the
services delivered (from the assistance app's part), only where ``decide()``
allows the group; every answer checked against the published schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.assistance.tests.test_plans import NOON, make_plan, money, plan_team, service_input
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.test_schema import assert_served_as_described

pytestmark = pytest.mark.django_db

CASE = "/api/v1/cases/{id}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_it_lists_the_services_delivered_in_the_services_group(openapi: dict[str, Any]) -> None:
    # given: a plan with accommodation and financial support from a shelter
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        make_plan(t, service_input(t), money(t))
        client = api_client_for(t.lead)

        # when
        response = client.get(CASE.format(id=t.case.id))

    # then
    assert response.status_code == 200
    services = response.json()["field_groups"]["services"]["services"]
    assert [(s["service_type"], s["status"], s["provider"]) for s in services] == [
        ("accommodation", "planned", t.provider.name),
        ("financial_support", "planned", t.provider.name),
    ]
    assert services[0]["starts_on"] == service_input(t).starts_on.isoformat()  # type: ignore[union-attr]
    assert services[0]["outcome"] == ""
    assert "note" not in services[0]  # free text stays on the plans page
    assert_served_as_described(openapi, [(CASE, "get", response)])


def test_it_shows_no_service_rows_without_the_services_group(openapi: dict[str, Any]) -> None:
    # given: the police on the team do not see the services group
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        make_plan(t, service_input(t))
        client = api_client_for(t.police)

        # when
        response = client.get(CASE.format(id=t.case.id))

    # then
    assert response.status_code == 200
    body = response.json()
    assert "services" not in body["field_groups"]
    assert set(body["hidden_field_groups"]["services"]) == {"code", "reason"}
    assert "Room in the safe house" not in response.content.decode()
    assert_served_as_described(openapi, [(CASE, "get", response)])
