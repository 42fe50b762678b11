"""The remedies API end to end with real bearer tokens, answers checked against the
published schema (legal group; R-33 to R-37)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from haven.cases.tests.test_api import api_client_for
from haven.justice.models import CompelledOffence, Proceeding
from haven.justice.tests.test_cooperation import NOON, TODAY, cooperation_team
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases/{id}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def test_r34_to_r37_every_remedy_is_recorded_and_read_as_published(
    openapi: dict[str, Any],
) -> None:
    # given
    t = cooperation_team()
    client = api_client_for(t.lead)
    base = BASE.format(id=t.case.id)
    calls: list[tuple[str, str, Any]] = []

    def post(path: str, template: str, body: dict[str, Any]) -> Any:
        response = client.post(base + path, body, format="json")
        calls.append((template, "post", response))
        return response

    # when
    created = post(
        "proceedings/",
        "proceedings/",
        {
            "kind": "criminal",
            "stage": "trial",
            "authority": "District court",
            "person_role": "witness",
            "started_on": "2026-01-05",
        },
    )
    pid = created.json()["proceedings"][0]["id"]
    measure = post(
        f"proceedings/{pid}/measures/",
        "proceedings/{row}/measures/",
        {"kind": "video_testimony", "for_whom": "person", "asked_on": "2026-02-01"},
    )
    mid = measure.json()["proceedings"][0]["measures"][0]["id"]
    post(
        f"protective-measures/{mid}/decision/",
        "protective-measures/{row}/decision/",
        {"decision": "granted", "decided_on": TODAY.isoformat()},
    )
    claim = post(
        "compensation-claims/",
        "compensation-claims/",
        {"source": "state", "amount_claimed": "4000.00", "proceeding_id": pid},
    )
    cid = claim.json()["compensation_claims"][0]["id"]
    post(
        f"compensation-claims/{cid}/",
        "compensation-claims/{row}/",
        {"status": "filed", "amount_claimed": "4000.00", "filed_on": "2026-02-01"},
    )
    asset = post(
        f"compensation-claims/{cid}/assets/",
        "compensation-claims/{row}/assets/",
        {"description": "Cash", "estimated_value": "500.00", "status": "frozen"},
    )
    aid_id = asset.json()["compensation_claims"][0]["assets"][0]["id"]
    post(
        f"confiscated-assets/{aid_id}/status/",
        "confiscated-assets/{row}/status/",
        {"status": "confiscated"},
    )
    legal = post(
        "legal-aid/",
        "legal-aid/",
        {"free_aid": "applied", "applied_on": "2026-02-01", "claim_id": cid, "counsel_name": "A"},
    )
    legal_id = legal.json()["legal_aid"][0]["id"]
    post(
        f"legal-aid/{legal_id}/",
        "legal-aid/{row}/",
        {"free_aid": "granted", "applied_on": "2026-02-01", "decided_on": TODAY.isoformat()},
    )
    post(
        f"proceedings/{pid}/stage/",
        "proceedings/{row}/stage/",
        {"to_stage": "ended", "changed_on": TODAY.isoformat(), "outcome": "conviction"},
    )
    refused = post(
        f"proceedings/{pid}/stage/",
        "proceedings/{row}/stage/",
        {"to_stage": "appeal", "changed_on": TODAY.isoformat()},
    )
    invalid = post("compensation-claims/", "compensation-claims/", {"source": "lottery"})
    read = client.get(base + "remedies/")
    calls.append(("remedies/", "get", read))
    # then
    statuses = [response.status_code for _path, _method, response in calls]
    assert statuses == [201] * 10 + [409, 400, 200]
    assert refused.json()["code"] == "proceeding_ended"
    assert invalid.json()["code"] == "invalid"
    found = read.json()
    assert found["proceedings"][0]["outcome"] == "conviction"
    assert found["proceedings"][0]["measures"][0]["decision"] == "granted"
    assert found["compensation_claims"][0]["assets"][0]["status"] == "confiscated"
    assert found["legal_aid"][0]["free_aid"] == "granted"
    for template, method, response in calls:
        path = "/api/v1/cases/{id}/" + template
        assert_matches_schema(openapi, path, method, response.status_code, response.json())


def test_r33_a_compelled_offence_is_flagged_for_the_legal_group_only(
    openapi: dict[str, Any],
) -> None:
    # given: the same team for every call
    t = cooperation_team()
    url = BASE.format(id=t.case.id) + "compelled-offences/"
    body = {
        "kind": "drugs",
        "offence": "Tended cannabis plants.",
        "link": "Locked in the house.",
        "recorded_on": TODAY.isoformat(),
    }
    # when
    allowed = api_client_for(t.lead).post(url, body, format="json")
    shelter_client = api_client_for(t.shelter)
    shelter = shelter_client.post(url, body, format="json")
    outsider = api_client_for(t.outsider).post(url, body, format="json")
    shelter_reads = shelter_client.get(BASE.format(id=t.case.id) + "remedies/")
    # then
    assert (allowed.status_code, shelter.status_code, outsider.status_code) == (201, 403, 404)
    assert shelter_reads.status_code == 403
    assert allowed.json()["compelled_offences"][0]["link"] == "Locked in the house."
    assert CompelledOffence.objects.count() == 1
    path = "/api/v1/cases/{id}/compelled-offences/"
    for response in (allowed, shelter, outsider):
        assert_matches_schema(openapi, path, "post", response.status_code, response.json())


def test_a_row_of_another_case_is_not_found() -> None:
    # given
    t = cooperation_team()
    other = cooperation_team()
    client = api_client_for(other.lead)
    created = client.post(
        BASE.format(id=other.case.id) + "proceedings/",
        {
            "kind": "civil",
            "stage": "trial",
            "authority": "Labour court",
            "person_role": "claimant",
            "started_on": "2026-01-05",
        },
        format="json",
    )
    pid = created.json()["proceedings"][0]["id"]
    # when
    lead = api_client_for(t.lead)
    answer = lead.post(
        BASE.format(id=t.case.id) + f"proceedings/{pid}/stage/",
        {"to_stage": "appeal", "changed_on": TODAY.isoformat()},
        format="json",
    )
    # then
    assert (answer.status_code, answer.json()["code"]) == (404, "remedy_not_found")
    assert Proceeding.objects.get().stage == "trial"
