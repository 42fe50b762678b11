"""The OpenAPI schema at /api/schema/ is valid and matches real responses.

Each real response is validated with ``jsonschema`` against the response
schema the generator publishes, with two adjustments that make the check
stricter than OpenAPI 3.0 itself: ``nullable`` becomes an explicit null type,
and an object may carry no property the schema does not list.

``jsonschema`` ships no type information (types-jsonschema is not installed),
so it is imported as untyped here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed; see the module docstring
import pytest
from django.core.cache import cache
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import PASSWORD, make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, intake, org_of

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
CASE = "/api/v1/cases/{id}/"

OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    (CASES, "get"),
    (CASES, "post"),
    (CASE, "get"),
    (CASE + "transitions/", "post"),
    (CASE + "narrative/", "post"),
    (CASE + "access-report/", "get"),
}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    # Served without a token and without touching the database.
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content)
    return document


def strict(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as plain JSON Schema, closed to unlisted properties."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: strict(schema) for name, schema in value.items()}
        elif key != "nullable":
            out[key] = strict(value)
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def assert_matches_schema(
    openapi: dict[str, Any], path: str, method: str, status: int, body: Any
) -> None:
    response = openapi["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    root = {
        **strict(schema),
        "components": {"schemas": strict(openapi["components"]["schemas"])},
    }
    validator = jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(body)


# --- the document ---------------------------------------------------------------------


def test_it_serves_a_valid_openapi_3_document(openapi: dict[str, Any]) -> None:
    # then
    assert openapi["openapi"].startswith("3.")
    validate_schema(openapi)  # type: ignore[no-untyped-call]  # unannotated in drf-spectacular
    published = {(path, method) for path, item in openapi["paths"].items() for method in item}
    assert published >= OPERATIONS


def test_it_generates_the_schema_without_warnings(tmp_path: Path) -> None:
    # when / then: the command raises on any warning or validation error
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_it_documents_responses_and_security_for_every_operation(
    openapi: dict[str, Any],
) -> None:
    # then
    for path, method in OPERATIONS:
        operation = openapi["paths"][path][method]
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, (path, method)
        for code, response in operation["responses"].items():
            assert "schema" in response["content"]["application/json"], (path, method, code)
        if path == "/api/v1/auth/token/":
            assert "security" not in operation
        else:
            assert operation["security"] == [{"bearerAuth": []}]
            assert "401" in operation["responses"]
    assert openapi["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_it_documents_the_filters_of_the_case_list(openapi: dict[str, Any]) -> None:
    # when
    parameters = {p["name"] for p in openapi["paths"][CASES]["get"]["parameters"]}
    # then
    assert parameters == {"page", "reference", "status"}


# --- real responses against the schema ------------------------------------------------


def test_it_rejects_a_body_the_schema_does_not_describe(
    openapi: dict[str, Any],
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    body = api_client_for(lead).post(CASES, intake(), format="json").json()
    assert_matches_schema(openapi, CASES, "post", 201, body)
    undocumented = {**body, "home_address": "Somewhere 1"}
    wrong_type = {**body, "erased": "no"}
    # when / then
    for bad in (undocumented, wrong_type):
        with pytest.raises(jsonschema.ValidationError):
            assert_matches_schema(openapi, CASES, "post", 201, bad)


def test_it_describes_the_case_list_as_served(openapi: dict[str, Any]) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    open_case(actor=lead)
    open_case(actor=lead, forms=[])
    # when
    response = api_client_for(lead).get(CASES)
    # then
    assert response.status_code == 200
    assert_matches_schema(openapi, CASES, "get", 200, response.json())


def test_it_describes_the_created_case_as_served(openapi: dict[str, Any]) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    # when
    full = api_client_for(lead).post(CASES, intake(), format="json")
    sparse = api_client_for(make_user(org_type=OrgType.NGO)).post(CASES, {}, format="json")
    # then
    assert (full.status_code, sparse.status_code) == (201, 201)
    assert_matches_schema(openapi, CASES, "post", 201, full.json())
    assert_matches_schema(openapi, CASES, "post", 201, sparse.json())


def test_it_describes_intake_errors_as_served(openapi: dict[str, Any]) -> None:
    # given
    client = api_client_for(make_user(org_type=OrgType.NGO))
    # when
    field_error = client.post(CASES, intake(citizenships=["XX"]), format="json")
    domain_error = client.post(CASES, intake(date_of_birth="2999-01-01"), format="json")
    # then
    assert (field_error.status_code, domain_error.status_code) == (400, 400)
    assert_matches_schema(openapi, CASES, "post", 400, field_error.json())
    assert_matches_schema(openapi, CASES, "post", 400, domain_error.json())


@pytest.mark.parametrize("viewer", ["lead", "police"])
def test_it_describes_the_case_detail_as_served(openapi: dict[str, Any], viewer: str) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, narrative="Told once.")
    add_to_team(case=case, organisation=org_of(police))
    user = {"lead": lead, "police": police}[viewer]
    # when
    response = api_client_for(user).get(CASE.format(id=case.id))
    # then
    assert response.status_code == 200
    assert_matches_schema(openapi, CASE, "get", 200, response.json())


def test_it_describes_the_case_not_found_answer_as_served(openapi: dict[str, Any]) -> None:
    # given
    case = open_case(actor=make_user(org_type=OrgType.NGO))
    # when
    response = api_client_for(make_user(org_type=OrgType.NGO)).get(CASE.format(id=case.id))
    # then
    assert response.status_code == 404
    assert_matches_schema(openapi, CASE, "get", 404, response.json())


def test_it_describes_transition_narrative_and_access_report_as_served(
    openapi: dict[str, Any],
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    client = api_client_for(lead)
    url = CASE.format(id=case.id)
    # when
    transition = client.post(
        url + "transitions/", {"to_status": "presumed", "reasons": "Indicators."}, format="json"
    )
    conflict = client.post(
        url + "transitions/", {"to_status": "potential", "reasons": "x"}, format="json"
    )
    narrative = client.post(url + "narrative/", {"text": "More."}, format="json")
    report = client.get(url + "access-report/")
    # then
    assert [r.status_code for r in (transition, conflict, narrative, report)] == [
        201,
        409,
        201,
        200,
    ]
    assert_matches_schema(openapi, CASE + "transitions/", "post", 201, transition.json())
    assert_matches_schema(openapi, CASE + "transitions/", "post", 409, conflict.json())
    assert_matches_schema(openapi, CASE + "narrative/", "post", 201, narrative.json())
    assert_matches_schema(openapi, CASE + "access-report/", "get", 200, report.json())


def test_it_describes_token_answers_as_served(openapi: dict[str, Any]) -> None:
    # given
    cache.clear()  # the token endpoint's throttle counts in the cache
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    token = "/api/v1/auth/token/"
    # when
    issued = APIClient().post(
        token, {"username": rapporteur.username, "password": PASSWORD}, format="json"
    )
    refused = APIClient().post(
        token, {"username": rapporteur.username, "password": "wrong"}, format="json"
    )
    unauthenticated = APIClient().get(CASES)
    # then
    assert_matches_schema(openapi, token, "post", 201, issued.json())
    assert_matches_schema(openapi, token, "post", 403, refused.json())
    assert_matches_schema(openapi, CASES, "get", 401, unauthenticated.json())
