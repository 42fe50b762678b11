"""The plan, service and closing API end to end with real bearer tokens, every
answer checked against the published schema (R-19, R-20, R-22)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.assistance.errors import ErrorCode
from haven.assistance.models import ServiceStatus as St
from haven.assistance.tests.test_plans import NOON, TODAY, _presumed, a_service, plan_team, start
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.test_schema import Served, assert_served_as_described

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/cases/{id}/plans/"
SERVICES = "/api/v1/cases/{id}/services/"
CHANGE = "/api/v1/services/{id}/{action}/"
CLOSURE = "/api/v1/cases/{id}/closure/"
REOPEN = "/api/v1/cases/{id}/closure/reopen/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def _service(provider: object, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service_type": "financial_support",
        "provider_id": str(provider),
        "amount": "120.00",
        "currency": "EUR",
        "amount_period": "monthly",
        "note": "Monthly allowance.",
    }
    body.update(changes)
    return body


def test_r20_a_plan_and_its_services_are_recorded_and_changed_as_published(
    openapi: dict[str, Any],
) -> None:
    # given: the lead, a police member of the team (no services group), an outsider
    t = plan_team()
    plans, services = PLANS.format(id=t.case.id), SERVICES.format(id=t.case.id)
    plan_body = {
        "agreed_on": TODAY.isoformat(),
        "person_view": "She agrees.",
        "services": [_service(t.provider.id)],
    }
    with time_machine.travel(NOON, tick=False):
        lead, police = api_client_for(t.lead), api_client_for(t.police)
        outsider = api_client_for(t.outsider)
        # when
        served: list[Served] = [
            (PLANS, "post", lead.post(plans, plan_body, format="json")),
            (PLANS, "post", lead.post(plans, {**plan_body, "services": []}, format="json")),
            (PLANS, "post", police.post(plans, plan_body, format="json")),
            (PLANS, "post", outsider.post(plans, plan_body, format="json")),
            (SERVICES, "post", lead.post(services, _service(t.provider.id), format="json")),
            (
                SERVICES,
                "post",
                lead.post(services, _service(t.provider.id, currency="eur"), format="json"),
            ),
            (PLANS, "get", lead.get(plans)),
            (PLANS, "get", police.get(plans)),
            (PLANS, "get", outsider.get(plans)),
        ]
        first = served[0][2].json()["services"][0]["id"]
        second = next(s["id"] for s in served[4][2].json()["services"] if s["id"] != first)

        def change(action: str, body: dict[str, Any], service: str = first) -> Served:
            url = CHANGE.format(id=service, action=action)
            return (CHANGE.replace("{action}", action), "post", lead.post(url, body, format="json"))

        day = TODAY.isoformat()
        served += [
            change("start", {"starts_on": day, "consent_on": None}),
            change("start", {"starts_on": day, "consent_on": day}),
            change("start", {"starts_on": day, "consent_on": day}),
            change("complete", {"ends_on": day, "outcome": "achieved"}),
            change("refuse", {"refused_on": day, "note": "Not now."}, second),
            change("stop", {"ends_on": day, "note": "Gone."}, second),
            change("stop", {"ends_on": day, "note": "x"}, "00000000-0000-0000-0000-000000000000"),
        ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 403, 404, 201, 400, 200, 403, 404),
        *(400, 200, 409, 200, 200, 409, 404),
    ]
    assert [served[i][2].json()["code"] for i in (1, 5, 9, 11)] == [
        "services_required",
        "currency_invalid",
        "consent_required",
        "service_transition_not_allowed",
    ]
    answer = served[13][2].json()
    assert sorted(s["status"] for s in answer["services"]) == ["completed", "refused"]
    assert answer["totals"] == [
        {
            "currency": "EUR",
            "amount_period": "monthly",
            "amount_period_label": "per month",
            "amount": "120.00",
        }
    ]
    assert_served_as_described(openapi, served)


def test_r22_assistance_is_closed_and_reopened_as_published(openapi: dict[str, Any]) -> None:
    # given
    t = plan_team()
    closure, reopen = CLOSURE.format(id=t.case.id), REOPEN.format(id=t.case.id)
    body = {
        "decided_on": TODAY.isoformat(),
        "ground": "persons_wish",
        "person_view": "I want to stop.",
        "reasons": "Settled.",
        "exit_plan": "Call in three months.",
        "follow_up_on": (TODAY + timedelta(days=90)).isoformat(),
    }
    with time_machine.travel(NOON, tick=False):
        lead, police = api_client_for(t.lead), api_client_for(t.police)
        # when
        served: list[Served] = [
            (REOPEN, "post", lead.post(reopen, {"reasons": "Back."}, format="json")),
            (CLOSURE, "post", lead.post(closure, {**body, "exit_plan": ""}, format="json")),
            (CLOSURE, "post", police.post(closure, body, format="json")),
            (CLOSURE, "post", lead.post(closure, body, format="json")),
            (CLOSURE, "post", lead.post(closure, body, format="json")),
            (REOPEN, "post", lead.post(reopen, {"reasons": "Back."}, format="json")),
        ]
    # then
    assert [r.status_code for _, _, r in served] == [409, 400, 403, 201, 409, 200]
    assert served[3][2].json()["closure"]["exit_plan"] == "Call in three months."
    assert served[5][2].json()["closure"] is None
    assert_served_as_described(openapi, served)


def test_r15_r18_the_api_closes_a_presumed_victims_assistance_only_on_a_permitted_ground() -> None:
    # given
    t = plan_team()
    url = CLOSURE.format(id=t.case.id)
    body = {
        "decided_on": TODAY.isoformat(),
        "reasons": "Settled.",
        "exit_plan": "Call in three months.",
    }
    with time_machine.travel(NOON, tick=False):
        _presumed(t)
        lead = api_client_for(t.lead)
        # when
        police_ground = lead.post(url, {**body, "ground": "no_cooperation"}, format="json")
        not_needed = lead.post(url, {**body, "ground": "no_longer_needed"}, format="json")
        wish = lead.post(
            url, {**body, "ground": "persons_wish", "person_view": "Home."}, format="json"
        )
    # then
    assert (police_ground.status_code, police_ground.json()["code"]) == (
        400,
        ErrorCode.CLOSURE_GROUND_INVALID,
    )
    assert (not_needed.status_code, not_needed.json()["code"]) == (
        409,
        ErrorCode.CLOSURE_GROUND_NOT_PERMITTED,
    )
    assert wish.status_code == 201


def test_r20_completing_a_service_before_it_started_is_a_coded_400_and_changes_nothing() -> None:
    # given: a service under way since today
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        client = api_client_for(t.lead)
        # when
        response = client.post(
            CHANGE.format(id=service.id, action="complete"),
            {"ends_on": (TODAY - timedelta(days=1)).isoformat(), "outcome": "achieved"},
            format="json",
        )
    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "ends_on")
    service.refresh_from_db()
    assert (service.status, service.ends_on) == (St.ACTIVE, None)
