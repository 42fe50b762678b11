"""The reflection period API and the removal check end to end, with real bearer
tokens (R-03, R-15), and their responses checked against the published schema."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.assistance.models import ReflectionPeriod
from haven.assistance.tests.test_reflection_services import presumed
from haven.cases.tests.factories import add_to_team
from haven.cases.tests.test_api import api_client_for
from haven.identification.tests.test_decisions_services import TODAY, team
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

PERIOD = "/api/v1/cases/{id}/reflection-period/"
EXTENSIONS = PERIOD + "extensions/"
EARLY_END = PERIOD + "early-end/"
REMOVAL_CHECK = "/api/v1/cases/{id}/removal-check/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_it_reads_the_period_as_published(openapi: dict[str, Any]) -> None:
    # given
    t, _boss = presumed()
    without = team()
    # when
    with time_machine.travel(TODAY + timedelta(days=4), tick=False):
        running = api_client_for(t.ngo).get(PERIOD.format(id=t.case.id))
        none = api_client_for(without.ngo).get(PERIOD.format(id=without.case.id))
    # then
    body = running.json()
    assert running.status_code == 200
    assert (body["state"], body["days_left"], body["granted_days"]) == ("running", 26, 30)
    assert (body["min_days"], body["pathway_confirmed"], body["early_end"]) == (30, False, None)
    assert none.json()["state"] == "none"
    assert_matches_schema(openapi, PERIOD, "get", 200, body)
    assert_matches_schema(openapi, PERIOD, "get", 200, none.json())


def test_r15_a_supervisor_extends_the_period_with_reasons(openapi: dict[str, Any]) -> None:
    # given
    t, boss = presumed()
    url = EXTENSIONS.format(id=t.case.id)
    # when
    with time_machine.travel(TODAY + timedelta(days=3), tick=False):
        client = api_client_for(boss)
        extended = client.post(
            url, {"days": 14, "reasons": "Intimidation risk.", "version": 1}, format="json"
        )
        blank = client.post(url, {"days": 14, "reasons": "", "version": 2}, format="json")
        caseworker = api_client_for(t.police).post(
            url, {"days": 14, "reasons": "x", "version": 2}, format="json"
        )
    # then
    body = extended.json()
    assert extended.status_code == 201
    assert (body["granted_days"], body["ends_on"]) == (44, str(TODAY + timedelta(days=44)))
    assert body["extensions"][0]["reasons"] == "Intimidation risk."
    assert (blank.status_code, blank.json()["code"]) == (400, "reasons_required")
    assert (caseworker.status_code, caseworker.json()["code"]) == (403, "supervisor_required")
    assert_matches_schema(openapi, EXTENSIONS, "post", 201, body)
    assert_matches_schema(openapi, EXTENSIONS, "post", 403, caseworker.json())


def test_r15_an_early_end_is_accepted_only_on_the_two_grounds(openapi: dict[str, Any]) -> None:
    # given
    t, boss = presumed()
    url = EARLY_END.format(id=t.case.id)
    body = {"reasons": "A documented finding.", "legal_basis": "Act s. 3"}
    # when
    with time_machine.travel(TODAY + timedelta(days=3), tick=False):
        client = api_client_for(boss)
        refused = client.post(url, {**body, "ground": "no_cooperation"}, format="json")
        ended = client.post(url, {**body, "ground": "improper_claim"}, format="json")
        again = client.post(url, {**body, "ground": "public_order"}, format="json")
    # then
    assert (refused.status_code, refused.json()["code"]) == (400, "early_end_ground_not_permitted")
    assert ended.status_code == 200
    assert ended.json()["state"] == "ended_early"
    assert ended.json()["early_end"]["ground"] == "improper_claim"
    assert (again.status_code, again.json()["code"]) == (409, "reflection_period_not_running")
    assert ReflectionPeriod.objects.get().early_end_ground == "improper_claim"
    assert_matches_schema(openapi, EARLY_END, "post", 400, refused.json())
    assert_matches_schema(openapi, EARLY_END, "post", 200, ended.json())
    assert_matches_schema(openapi, EARLY_END, "post", 409, again.json())


def test_r15_the_removal_check_blocks_removal_in_the_period(openapi: dict[str, Any]) -> None:
    # given
    t, _boss = presumed()
    url = REMOVAL_CHECK.format(id=t.case.id)
    # when
    with time_machine.travel(TODAY + timedelta(days=3), tick=False):
        client = api_client_for(t.police)
        today = client.post(url, {}, format="json")
        later = client.post(url, {"on_date": str(TODAY + timedelta(days=90))}, format="json")
    # then
    assert today.status_code == 200
    assert today.json()["removal_allowed"] is False
    assert today.json()["code"] == "reflection_period_running"
    assert later.json()["code"] == "removal_protected"  # until identification is complete
    assert_matches_schema(openapi, REMOVAL_CHECK, "post", 200, today.json())


def test_the_removal_check_allows_what_nothing_here_blocks(openapi: dict[str, Any]) -> None:
    # given
    t = team()
    # when
    response = api_client_for(t.police).post(REMOVAL_CHECK.format(id=t.case.id), {}, format="json")
    # then
    assert response.json()["removal_allowed"] is True
    assert_matches_schema(openapi, REMOVAL_CHECK, "post", 200, response.json())


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", PERIOD), ("post", EXTENSIONS), ("post", EARLY_END), ("post", REMOVAL_CHECK)],
)
def test_outsiders_get_the_answer_of_a_missing_case(method: str, path: str) -> None:
    # given
    t, boss = presumed()
    outsider = api_client_for(make_user(org_type=OrgType.POLICE))
    # a valid body, so that the answer comes from the look-up, not the serializer
    body = {"days": 1, "reasons": "x", "ground": "public_order", "legal_basis": "y", "version": 1}
    # when
    hidden = getattr(outsider, method)(path.format(id=t.case.id), body, format="json")
    missing = getattr(outsider, method)(path.format(id="nonsense"), body, format="json")
    anonymous = getattr(APIClient(), method)(path.format(id=t.case.id), body, format="json")
    member = api_client_for(boss).get(PERIOD.format(id=t.case.id))
    # then
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == missing.json()
    assert anonymous.status_code == 401
    assert member.status_code == 200


def test_a_team_member_without_the_legal_group_is_refused() -> None:
    # given
    t, _boss = presumed()
    shelter = make_user(org_type=OrgType.SHELTER)
    assert shelter.organisation is not None
    add_to_team(case=t.case, organisation=shelter.organisation, by=t.ngo)
    client = api_client_for(shelter)
    # when
    read = client.get(PERIOD.format(id=t.case.id))
    check = client.post(REMOVAL_CHECK.format(id=t.case.id), {}, format="json")
    # then
    assert [r.json()["code"] for r in (read, check)] == ["field_group_not_allowed"] * 2
