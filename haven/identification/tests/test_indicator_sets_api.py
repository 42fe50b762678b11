"""/api/v1/indicator-sets/ end to end, with real bearer tokens, against the published schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.identification.models import IndicatorSet
from haven.identification.tests.factories import load_shipped_sets, national_file, text_of
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

SETS = "/api/v1/indicator-sets/"
SET = "/api/v1/indicator-sets/{key}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def coordinator_client() -> APIClient:
    return api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR))


# --- reading ------------------------------------------------------------------------------


def test_it_lists_the_latest_sets_with_provisional_flag_and_source(
    openapi: dict[str, Any],
) -> None:
    # given
    load_shipped_sets()

    # when
    response = api_client_for(make_user(org_type=OrgType.NGO)).get(SETS)

    # then
    assert response.status_code == 200
    body = response.json()
    assert [(s["key"], s["version"], s["indicator_count"]) for s in body] == [
        ("adults_labour", 1, 67),
        ("adults_sexual", 1, 64),
        ("children_labour", 1, 65),
        ("children_sexual", 1, 65),
    ]
    assert body[0]["provisional"] is True
    assert body[0]["source"]["year"] == "2009"
    assert body[0]["source"]["url"].startswith("https://www.ilo.org/")
    assert_matches_schema(openapi, SETS, "get", 200, body)


def test_it_gives_one_set_latest_or_by_version(openapi: dict[str, Any]) -> None:
    # given
    load_shipped_sets()
    client = api_client_for(make_user(org_type=OrgType.POLICE))

    # when
    latest = client.get(SET.format(key="children_labour"))
    first = client.get(SET.format(key="children_labour"), {"version": 1})
    missing = client.get(SET.format(key="children_labour"), {"version": 2})
    malformed = client.get(SET.format(key="children_labour"), {"version": "two"})

    # then
    assert [r.status_code for r in (latest, first, missing, malformed)] == [200, 200, 404, 400]
    body = latest.json()
    assert body == first.json()
    assert [e["code"] for e in body["elements"]] == ["DR", "CR", "RV", "EX", "CD", "VD"]
    assert body["elements"][0]["indicators"][0] == {
        "id": "DR-01",
        "label": "Deceived about the nature of the job, location or employer",
        "strength": "S",
        "uncertain": False,
        "note": "",
    }
    assert set(body["victim_rule"]["policies"]) == {"legal_baseline", "ilo_strict_unverified"}
    assert missing.json()["code"] == "indicator_set_not_found"
    assert_matches_schema(openapi, SET, "get", 200, body)
    assert_matches_schema(openapi, SET, "get", 404, missing.json())


def test_it_needs_a_token() -> None:
    # when
    response = APIClient().get(SETS)

    # then
    assert response.status_code == 401


# --- loading ------------------------------------------------------------------------------


def test_it_loads_a_file_sent_as_json_text(openapi: dict[str, Any]) -> None:
    # when
    response = coordinator_client().post(
        SETS, {"text": text_of(national_file()), "file_name": "lv.yaml"}, format="json"
    )

    # then
    assert response.status_code == 201
    assert response.json() == [
        {"key": "adults_criminality", "version": 1, "created": True, "outcome": "new_version"}
    ]
    assert IndicatorSet.objects.get().file_name == "lv.yaml"
    assert_matches_schema(openapi, SETS, "post", 201, response.json())


def test_it_loads_a_file_sent_as_a_multipart_upload() -> None:
    # given
    load_shipped_sets()
    upload = SimpleUploadedFile("lv.yaml", text_of(national_file()).encode())

    # when
    response = coordinator_client().post(SETS, {"file": upload}, format="multipart")

    # then
    assert response.status_code == 201
    assert response.json()[0]["key"] == "adults_criminality"


def test_a_malformed_file_answers_400_with_every_problem_and_loads_nothing(
    openapi: dict[str, Any],
) -> None:
    # given
    data = national_file()
    data["sets"]["adults_criminality"]["indicators"]["DR"][2]["strength"] = "X"
    data["rules"]["victim_adults"]["all_of"].append({"sometimes": True})

    # when
    response = coordinator_client().post(SETS, {"text": text_of(data)}, format="json")

    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "indicator_file_invalid"
    assert body["field"] == "file"
    assert body["problems"] == [
        'rules.victim_adults.all_of[3]: unknown rule clause "sometimes" '
        "(expected one of any_positive, positive or act_established)",
        'sets.adults_criminality.indicators.DR[2].strength: must be S, M or W (got "X")',
    ]
    assert not IndicatorSet.objects.exists()
    assert_matches_schema(openapi, SETS, "post", 400, body)


def test_a_non_utf8_upload_is_a_field_error() -> None:
    # given
    upload = SimpleUploadedFile("lv.yaml", "title: Säännöt".encode("latin-1"))

    # when
    response = coordinator_client().post(SETS, {"file": upload}, format="multipart")

    # then
    assert response.status_code == 400
    assert response.json()["field_errors"] == {"file": ["The file is not UTF-8 text."]}


@pytest.mark.parametrize(
    ("org_type", "role", "expected"),
    [
        (OrgType.NATIONAL_COORDINATOR, Role.ORG_ADMIN, 201),
        (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, 403),
        (OrgType.NGO, Role.SUPERVISOR, 403),
    ],
)
def test_only_who_may_load_sets_can_post_one(
    openapi: dict[str, Any], org_type: str, role: str, expected: int
) -> None:
    # given: even a malformed file is refused before it is read
    client = api_client_for(make_user(org_type=org_type, role=role))

    # when
    response = client.post(SETS, {"text": text_of(national_file())}, format="json")
    malformed = client.post(SETS, {"text": "a: [1"}, format="json")

    # then
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["code"] == malformed.json()["code"]
        assert response.json()["code"] == "indicator_set_load_not_allowed"
        assert_matches_schema(openapi, SETS, "post", 403, response.json())
    assert IndicatorSet.objects.exists() is (expected == 201)
