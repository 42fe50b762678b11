"""The decision letter's words through the API with real bearer tokens (issue 11,
R-17), answers checked against the published schema; the allowed and the refused
sides share one setup."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team
from haven.cases.tests.test_api import api_client_for
from haven.identification.tests.test_decisions_services import TODAY, org_of, record, team
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

LETTER = "/api/v1/decisions/{id}/letter/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_the_letter_comes_in_the_persons_language_as_published(openapi: dict[str, Any]) -> None:
    # given: a negative decision for a person whose first language is Russian
    t = team(languages=["ru", "en"])
    with time_machine.travel(TODAY, tick=False):
        decision = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    url = LETTER.format(id=decision.id)
    client = api_client_for(t.ngo)
    # when
    default = client.get(url)
    chosen = client.get(url, {"lang": "uk"})
    refused = client.get(url, {"lang": "so"})
    # then
    for response in (default, chosen, refused):
        assert_matches_schema(openapi, LETTER, "get", response.status_code, response.json())
    body = default.json()
    assert default.status_code == 200
    assert (body["language"], body["language_reason"], body["person_language"]) == (
        "ru",
        "first_language",
        "ru",
    )
    sections = {s["key"]: s for s in body["sections"]}
    assert sections["decided"]["heading"] == "Что решено"
    assert {"name": "Дата решения", "value": "27.11.2026"} in sections["decided"]["facts"]
    assert sections["reasons"]["quote"] == "Not enough."
    assert sections["reconsideration"]["facts"]  # by when to ask
    assert (chosen.json()["language"], chosen.json()["language_reason"]) == ("uk", "chosen")
    assert chosen.json()["person_language"] == ""
    assert (refused.status_code, refused.json()["code"]) == (400, "language_not_offered")


def test_the_letter_is_answered_only_to_who_may_read_the_decision(
    openapi: dict[str, Any],
) -> None:
    # given: one case; a member who reads the legal group, one who does not, an outsider
    t = team(languages=["ru"])
    decision = record(t.police, t.case)
    health = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=t.case, organisation=org_of(health), by=t.ngo)
    outsider = make_user(org_type=OrgType.POLICE)
    url = LETTER.format(id=decision.id)
    # when
    answers = {
        "member": api_client_for(t.ngo).get(url),
        "health": api_client_for(health).get(url),
        "outsider": api_client_for(outsider).get(url, {"lang": "so"}),
    }
    # then
    assert {name: a.status_code for name, a in answers.items()} == {
        "member": 200,
        "health": 403,
        "outsider": 404,
    }
    assert answers["outsider"].json()["code"] == "decision_not_found"
    for answer in answers.values():
        assert_matches_schema(openapi, LETTER, "get", answer.status_code, answer.json())
