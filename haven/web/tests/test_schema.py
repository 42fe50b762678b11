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
import random
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema  # type: ignore[import-untyped]  # no stubs installed; see the module docstring
import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from haven.access import services as access_services
from haven.access.tests import factories as access_factories
from haven.access.tests import test_selectors_sharing as sharing_tests
from haven.accounts import services as account_services
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import PASSWORD, make_user
from haven.assistance.tests.test_plans import plan_team
from haven.assistance.tests.test_reflection_services import presumed
from haven.cases import services as case_services
from haven.cases.tests import test_person_report as person_report_tests
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, intake, org_of
from haven.cases.tests.test_interviews_services import barnahus, days_ago
from haven.children.tests.factories import open_child_case
from haven.deadlines import services as deadline_services
from haven.identification.tests.factories import (
    ADULT_CONSISTENT,
    INSUFFICIENT,
    load_shipped_sets,
    national_file,
    screen,
    text_of,
)
from haven.identification.tests.test_decisions_services import RG, TODAY, team
from haven.linkage.models import DedupeRun
from haven.linkage.services import review as linkage_review
from haven.linkage.tests import factories as linkage_factories
from haven.linkage.tests.test_review import World
from haven.referrals.services import desk as desk_services
from haven.referrals.tests import test_referrals_services as referral_tests
from haven.statistics.tests import dp_helpers as statistics_helpers
from haven.statistics.tests.register import generate, write

if TYPE_CHECKING:  # the API client's response type exists only in the DRF stubs
    from rest_framework.response import _MonkeyPatchedResponse as TestResponse

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
PROFILE = "/api/v1/auth/profile/"
TOKEN_REVOKE = TOKENS + "{id}/revoke/"
MEMBER_TOKENS = "/api/v1/auth/users/{user_id}/tokens/"
MEMBER_TOKENS_REVOKE = MEMBER_TOKENS + "revoke/"
# Operations whose {id} is an integer, not a UUID.
INTEGER_IDS = {TOKEN_REVOKE}
CASES = "/api/v1/cases/"
LINKAGE_CHECK = "/api/v1/linkage/check/"
STATISTICS_RELEASES = "/api/v1/statistics/releases/"
STATISTICS_RELEASE = STATISTICS_RELEASES + "{id}/"
EXCHANGE = "/api/v1/statistics/exchange/"
STATISTICS_EUROSTAT = "/api/v1/statistics/eurostat/"
STATISTICS_TRENDS = "/api/v1/statistics/trends/"
STATISTICS_BACKLOG = "/api/v1/statistics/backlog/"
STATISTICS_DASHBOARDS = [
    f"/api/v1/statistics/{name}/"
    for name in (
        "deadlines",
        "referrals",
        "regions",
        "accommodation",
        "perpetrators",
        "programmes",
    )
]
LINKAGE_RUNS = "/api/v1/linkage/runs/"
LINKAGE_RUN = "/api/v1/linkage/runs/{id}/"
LINKAGE_PAIRS = "/api/v1/linkage/pairs/"
LINKAGE_PAIR = "/api/v1/linkage/pairs/{id}/"
LINKAGE_PAIR_DECIDE = "/api/v1/linkage/pairs/{id}/decision/"
LINKAGE_MERGES = "/api/v1/linkage/merges/"
LINKAGE_MERGE = "/api/v1/linkage/merges/{id}/"
LINKAGE_MERGE_APPROVE = "/api/v1/linkage/merges/{id}/approve/"
LINKAGE_UNMERGE = "/api/v1/linkage/merges/{id}/unmerge/"
CASE = "/api/v1/cases/{id}/"
SETS = "/api/v1/indicator-sets/"
SET = SETS + "{key}/"
SCREENINGS = CASE + "screenings/"
SCREENING = "/api/v1/screenings/{id}/"
DECISIONS = CASE + "decisions/"
DECISION = "/api/v1/decisions/{id}/"
RECONSIDERATIONS = DECISION + "reconsiderations/"
DECISION_LETTER = DECISION + "letter/"
PERIOD = CASE + "reflection-period/"
EXTENSIONS = PERIOD + "extensions/"
EARLY_END = PERIOD + "early-end/"
REMOVAL_CHECK = CASE + "removal-check/"
TIMELINE = CASE + "timeline/"
DEADLINES = "/api/v1/deadlines/"
DEADLINE_DONE = DEADLINES + "{id}/done/"
NOTIFICATIONS = "/api/v1/notifications/"
NOTIFICATIONS_READ = NOTIFICATIONS + "read/"
BREAK_GLASS = "/api/v1/break-glass/"
BREAK_GLASS_REVIEWS = BREAK_GLASS + "reviews/"
BREAK_GLASS_REVIEW = BREAK_GLASS + "{id}/review/"
INTERVIEWS = CASE + "interviews/"
INTERVIEW = "/api/v1/interviews/{id}/"
CONSENTS = CASE + "consents/"
CONSENT_WITHDRAW = "/api/v1/consents/{id}/withdraw/"
CONSENT_OPTIONS = CASE + "consent-options/"
CHILD_VIEWS = CASE + "child-views/"
AGREEMENTS = "/api/v1/agreements/"
AGREEMENT = AGREEMENTS + "{id}/"
AGREEMENT_END = AGREEMENT + "end/"
AGREEMENTS_AWAITING = AGREEMENTS + "awaiting/"
AGREEMENT_APPROVE = AGREEMENT + "approve/"
AGREEMENT_REFUSE = AGREEMENT + "refuse/"
LEGAL_BASES = "/api/v1/legal-bases/"
LEGAL_BASIS_ACTIVE = LEGAL_BASES + "{id}/active/"
GUARDIANS = CASE + "guardians/"
AGE_ASSESSMENTS = CASE + "age-assessments/"
AGE_NEW_INFORMATION = CASE + "age-new-information/"
AGE_APPEAL = "/api/v1/age-assessments/{id}/appeal/"
BEST_INTERESTS = CASE + "best-interests/"
FAMILY_TRACING = CASE + "family-tracing/"
FAMILY_TRACING_UPDATE = "/api/v1/family-tracing/{id}/"
DEPENDANTS = CASE + "dependants/"
DEPENDANT_EDUCATION = "/api/v1/dependants/{id}/education/"
PERMITS = CASE + "permits/"
# R-24: answers as served in haven/assistance/tests/test_rights_api.py
RIGHTS_LEAFLET = CASE + "rights-leaflet/"
RIGHTS_INFORMATION = CASE + "rights-information/"
INTERPRETATION_NEED = CASE + "interpretation-need/"
INTERPRETER_BOOKINGS = CASE + "interpreter-bookings/"
PERMIT_RENEWALS = "/api/v1/permits/{id}/renewals/"
DETENTION = CASE + "detention/"
COOPERATION = CASE + "cooperation/"
REMEDY_WRITES = [
    CASE + path
    for path in (
        "proceedings/",
        "proceedings/{row}/stage/",
        "proceedings/{row}/measures/",
        "protective-measures/{row}/decision/",
        "legal-aid/",
        "legal-aid/{row}/",
        "compensation-claims/",
        "compensation-claims/{row}/",
        "compensation-claims/{row}/assets/",
        "confiscated-assets/{row}/status/",
        "compelled-offences/",
    )
]


CASE_PARTIES = CASE + "parties/"
CASE_PARTY_SEARCH = CASE_PARTIES + "search/"
CASE_PARTY = CASE_PARTIES + "{link_id}/"
PARTY = "/api/v1/parties/{id}/"
ASSESSMENTS = CASE + "assessments/"
ASSESSMENT = "/api/v1/assessments/{id}/"
PLANS = CASE + "plans/"
PLAN_SERVICES = CASE + "services/"
SERVICE_CHANGES = [
    f"/api/v1/services/{{id}}/{action}/" for action in ("start", "complete", "refuse", "stop")
]
CLOSURE = CASE + "closure/"
CLOSURE_REOPEN = CLOSURE + "reopen/"
DIRECTORY = "/api/v1/directory/"
DIRECTORY_ENTRY = DIRECTORY + "{id}/"
DIRECTORY_CONFIRM = DIRECTORY_ENTRY + "confirm/"
REFERRALS_IN = "/api/v1/referrals/incoming/"
REFERRALS_OUT = "/api/v1/referrals/outgoing/"
CASE_REFERRALS = CASE + "referrals/"
REFERRAL = "/api/v1/referrals/{id}/"
REFERRAL_ACTIONS = [
    REFERRAL + f"{action}/"
    for action in ("accept", "decline", "request-info", "provide-info", "withdraw")
]
CASE_LEAD_TRANSFERS = CASE + "lead-transfers/"
LEAD_TRANSFER_ACTIONS = [
    f"/api/v1/lead-transfers/{{id}}/{action}/" for action in ("accept", "decline", "withdraw")
]
DESK_CONSULTATIONS = "/api/v1/desk/consultations/"
DESK_CONSULTATION_CASE = DESK_CONSULTATIONS + "{id}/case/"
DESK_REPORTS = "/api/v1/desk/reports/"
DESK_REPORT = DESK_REPORTS + "{id}/"
DESK_REPORT_TRIAGE = DESK_REPORT + "triage/"
SHELTER_PLANS = "/api/v1/shelters/plans/"
SHELTER_PLAN = SHELTER_PLANS + "{id}/"
SHELTER_PLAN_SOLVE = SHELTER_PLAN + "solve/"
SHELTER_PLAN_MOVE = SHELTER_PLAN + "move/"
SHELTER_PLAN_SEND = SHELTER_PLAN + "send/"
SHELTER_PLAN_PERSON = SHELTER_PLAN + "people/{person}/"
SHARING_CHECK = CASE + "sharing-check/"
CASE_ACCESS_REQUESTS = CASE + "access-requests/"
ACCESS_REQUEST = "/api/v1/access-requests/{id}/"
ACCESS_REQUEST_REFUSE = ACCESS_REQUEST + "refuse/"
ERASURE_REQUESTS = CASE + "erasure-requests/"
ERASURE_APPROVE = "/api/v1/erasure-requests/{id}/approve/"
ERASURE_REFUSE = "/api/v1/erasure-requests/{id}/refuse/"
LEGAL_HOLDS = CASE + "legal-holds/"
LEGAL_HOLD_LIFT = "/api/v1/legal-holds/{id}/lift/"
CROSSBORDER_EXPORT = CASE + "crossborder/export/"
CROSSBORDER_IMPORT = "/api/v1/crossborder/import/"
CROSSBORDER_TRANSFERS = "/api/v1/crossborder/transfers/"
SHELTER_PLACES = "/api/v1/shelters/places/"
SHELTER_PLACE = SHELTER_PLACES + "{id}/"
SHELTER_PLACE_CLOSE = SHELTER_PLACE + "close/"
SHELTER_ROOMS = SHELTER_PLACE + "rooms/"
SHELTER_BEDS = "/api/v1/shelters/rooms/{id}/beds/"
SHELTER_BED_RETIRE = "/api/v1/shelters/beds/{id}/retire/"
SHELTER_BED_OUTAGES = "/api/v1/shelters/beds/{id}/outages/"
SHELTER_BED_IN_SERVICE = "/api/v1/shelters/beds/{id}/in-service/"
SHELTER_CAPACITY = "/api/v1/shelters/capacity/"
PLACEMENTS = "/api/v1/shelters/placements/"
PLACEMENT = PLACEMENTS + "{id}/"
PLACEMENT_ACTIONS = [PLACEMENT + f"{a}/" for a in ("accept", "decline", "start", "end", "withdraw")]
COUNTRY_PROFILES = "/api/v1/country-profiles/"
COUNTRY_PROFILE = COUNTRY_PROFILES + "{country}/"
RETURN_PLANS = CASE + "return-plans/"
RETURN_PLAN = "/api/v1/return-plans/{id}/"
RETURN_ACKNOWLEDGE = RETURN_PLAN + "acknowledgements/"
RETURN_TRANSITION = RETURN_PLAN + "transitions/"
RETURN_GOALS = RETURN_PLAN + "goals/"
REINTEGRATION_GOAL = "/api/v1/reintegration-goals/{id}/"
RETURN_FOLLOW_UP = "/api/v1/return-follow-ups/{id}/"

# Every published operation; the tests below check real answers of each against it.
OPERATIONS = {
    (COUNTRY_PROFILES, "get"),
    (COUNTRY_PROFILE, "get"),
    (COUNTRY_PROFILE, "post"),
    (RETURN_PLANS, "get"),
    (RETURN_PLANS, "post"),
    (RETURN_PLAN, "post"),
    (RETURN_ACKNOWLEDGE, "post"),
    (RETURN_TRANSITION, "post"),
    (RETURN_GOALS, "post"),
    (REINTEGRATION_GOAL, "post"),
    (RETURN_FOLLOW_UP, "post"),
    (CASE + "placement-search/", "get"),
    (CASE + "placements/", "post"),
    (PLACEMENTS, "get"),
    (PLACEMENT, "get"),
    *((action, "post") for action in PLACEMENT_ACTIONS),
    (TOKEN, "post"),
    (TOKENS, "get"),
    (PROFILE, "get"),
    (PROFILE, "patch"),
    (TOKEN_REVOKE, "post"),
    (MEMBER_TOKENS, "get"),
    (MEMBER_TOKENS_REVOKE, "post"),
    (CASES, "get"),
    (CASES, "post"),
    (CASE, "get"),
    (CASE + "transitions/", "post"),
    (CASE + "narrative/", "post"),
    (CASE + "access-report/", "get"),
    (CASE + "person-report/", "get"),
    (SETS, "get"),
    (SETS, "post"),
    (SET, "get"),
    (SCREENINGS, "get"),
    (SCREENINGS, "post"),
    (SCREENING, "get"),
    (SCREENINGS + "by-form/", "get"),
    (CASE + "next-steps/", "get"),
    (DECISIONS, "get"),
    (DECISIONS, "post"),
    (DECISION, "get"),
    (RECONSIDERATIONS, "post"),
    (DECISION_LETTER, "get"),
    (PERIOD, "get"),
    (EXTENSIONS, "post"),
    (EARLY_END, "post"),
    (REMOVAL_CHECK, "post"),
    (TIMELINE, "get"),
    (DEADLINES, "get"),
    (DEADLINE_DONE, "post"),
    (NOTIFICATIONS, "get"),
    (NOTIFICATIONS_READ, "post"),
    (BREAK_GLASS, "post"),
    (BREAK_GLASS_REVIEWS, "get"),
    (BREAK_GLASS_REVIEW, "post"),
    (INTERVIEWS, "get"),
    (INTERVIEWS, "post"),
    (INTERVIEW, "get"),
    (CONSENTS, "get"),
    (CONSENTS, "post"),
    (CONSENT_WITHDRAW, "post"),
    (CONSENT_OPTIONS, "get"),
    (CHILD_VIEWS, "get"),
    (CHILD_VIEWS, "post"),
    (AGREEMENTS, "get"),
    (AGREEMENTS, "post"),
    (AGREEMENT, "get"),
    (AGREEMENT_END, "post"),
    (AGREEMENTS_AWAITING, "get"),
    (AGREEMENT_APPROVE, "post"),
    (AGREEMENT_REFUSE, "post"),
    (LEGAL_BASES, "get"),
    (LEGAL_BASES, "post"),
    (LEGAL_BASIS_ACTIVE, "post"),
    (GUARDIANS, "get"),
    (GUARDIANS, "post"),
    (AGE_ASSESSMENTS, "get"),
    (AGE_ASSESSMENTS, "post"),
    (AGE_NEW_INFORMATION, "post"),
    (AGE_APPEAL, "post"),
    (BEST_INTERESTS, "get"),
    (BEST_INTERESTS, "post"),
    (FAMILY_TRACING, "get"),
    (FAMILY_TRACING, "post"),
    (FAMILY_TRACING_UPDATE, "post"),
    (DEPENDANTS, "get"),
    (DEPENDANTS, "post"),
    (DEPENDANT_EDUCATION, "post"),
    (PERMITS, "get"),
    (PERMITS, "post"),
    (RIGHTS_LEAFLET, "get"),
    (RIGHTS_INFORMATION, "get"),
    (RIGHTS_INFORMATION, "post"),
    (INTERPRETATION_NEED, "post"),
    (INTERPRETER_BOOKINGS, "post"),
    (PERMIT_RENEWALS, "post"),
    (DETENTION, "post"),
    (COOPERATION, "get"),
    (COOPERATION, "post"),
    (CASE + "remedies/", "get"),
    *((path, "post") for path in REMEDY_WRITES),
    (CASE_PARTIES, "get"),
    (CASE_PARTIES, "post"),
    (CASE_PARTY_SEARCH, "get"),
    (CASE_PARTY, "put"),
    (CASE_PARTY, "delete"),
    (PARTY, "get"),
    (ASSESSMENTS, "get"),
    (ASSESSMENTS, "post"),
    (ASSESSMENT, "get"),
    (PLANS, "get"),
    (PLANS, "post"),
    (PLAN_SERVICES, "post"),
    *((change, "post") for change in SERVICE_CHANGES),
    (CLOSURE, "post"),
    (CLOSURE_REOPEN, "post"),
    (DIRECTORY, "get"),
    (DIRECTORY, "post"),
    (DIRECTORY_ENTRY, "post"),
    (DIRECTORY_CONFIRM, "post"),
    (REFERRALS_IN, "get"),
    (REFERRALS_OUT, "get"),
    (CASE_REFERRALS, "post"),
    (REFERRAL, "get"),
    *((action, "post") for action in REFERRAL_ACTIONS),
    (CASE_LEAD_TRANSFERS, "post"),
    *((action, "post") for action in LEAD_TRANSFER_ACTIONS),
    (DESK_CONSULTATIONS, "get"),
    (DESK_CONSULTATIONS, "post"),
    (DESK_CONSULTATION_CASE, "post"),
    (DESK_REPORTS, "get"),
    (DESK_REPORT, "get"),
    (DESK_REPORT_TRIAGE, "post"),
    (SHELTER_PLANS, "post"),
    (SHELTER_PLAN, "get"),
    (SHELTER_PLAN_SOLVE, "post"),
    (SHELTER_PLAN_MOVE, "post"),
    (SHELTER_PLAN_SEND, "post"),
    (SHELTER_PLAN_PERSON, "put"),
    (SHELTER_PLAN_PERSON, "delete"),
    (SHARING_CHECK, "get"),
    (LINKAGE_CHECK, "post"),
    (STATISTICS_RELEASES, "get"),
    (STATISTICS_RELEASES, "post"),
    (STATISTICS_RELEASE, "get"),
    (EXCHANGE + "htcds/export/", "post"),
    (EXCHANGE + "htcds/import/", "post"),
    (EXCHANGE + "ctdc/", "post"),
    (EXCHANGE + "regional/export/", "post"),
    (EXCHANGE + "regional/import/", "post"),
    (EXCHANGE + "regional/trends/", "get"),
    (STATISTICS_EUROSTAT, "get"),
    (STATISTICS_TRENDS, "get"),
    (STATISTICS_BACKLOG, "get"),
    *((path, "get") for path in STATISTICS_DASHBOARDS),
    (LINKAGE_RUNS, "get"),
    (LINKAGE_RUNS, "post"),
    (LINKAGE_RUN, "get"),
    (LINKAGE_PAIRS, "get"),
    (LINKAGE_PAIR, "get"),
    (LINKAGE_PAIR_DECIDE, "post"),
    (LINKAGE_MERGES, "get"),
    (LINKAGE_MERGE, "get"),
    (LINKAGE_MERGE_APPROVE, "post"),
    (LINKAGE_UNMERGE, "post"),
    (CASE_ACCESS_REQUESTS, "post"),
    (ACCESS_REQUEST, "get"),
    (ACCESS_REQUEST_REFUSE, "post"),
    (ERASURE_REQUESTS, "get"),
    (ERASURE_REQUESTS, "post"),
    (ERASURE_APPROVE, "post"),
    (ERASURE_REFUSE, "post"),
    (LEGAL_HOLDS, "get"),
    (LEGAL_HOLDS, "post"),
    (LEGAL_HOLD_LIFT, "post"),
    (CROSSBORDER_EXPORT, "post"),
    (CROSSBORDER_IMPORT, "post"),
    (CROSSBORDER_TRANSFERS, "get"),
    (SHELTER_PLACES, "get"),
    (SHELTER_PLACES, "post"),
    (SHELTER_PLACE, "get"),
    (SHELTER_PLACE, "patch"),
    (SHELTER_PLACE_CLOSE, "post"),
    (SHELTER_ROOMS, "post"),
    (SHELTER_BEDS, "post"),
    (SHELTER_BED_RETIRE, "post"),
    (SHELTER_BED_OUTAGES, "post"),
    (SHELTER_BED_IN_SERVICE, "post"),
    (SHELTER_CAPACITY, "get"),
}

# (the path as published, the method, the answer served)
Served = tuple[str, str, "TestResponse"]


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


def assert_served_as_described(openapi: dict[str, Any], served: Sequence[Served]) -> None:
    for path, method, response in served:
        assert_matches_schema(openapi, path, method, response.status_code, response.json())


# --- the document ---------------------------------------------------------------------


def test_it_serves_a_valid_openapi_3_document(openapi: dict[str, Any]) -> None:
    # then
    assert openapi["openapi"].startswith("3.")
    validate_schema(openapi)  # type: ignore[no-untyped-call]  # unannotated in drf-spectacular
    published = {(path, method) for path, item in openapi["paths"].items() for method in item}
    assert published == OPERATIONS  # a new operation goes here, with its answers below


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
        if path == TOKEN:
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

    def transition(to_status: str) -> Served:
        body = {"to_status": to_status, "reasons": "The person said so.", "legal_basis": "Act s. 1"}
        return (
            CASE + "transitions/",
            "post",
            client.post(url + "transitions/", body, format="json"),
        )

    # when: presumed is set by a decision only (R-03); withdrawn leads back to potential only
    served: list[Served] = [
        transition("presumed"),
        transition("withdrawn"),
        transition("declined_formal_identification"),
        (
            CASE + "narrative/",
            "post",
            client.post(url + "narrative/", {"text": "More."}, format="json"),
        ),
        (CASE + "access-report/", "get", client.get(url + "access-report/")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [409, 201, 409, 201, 200]
    assert [served[i][2].json()["code"] for i in (0, 2)] == [
        "decision_required",
        "transition_not_allowed",
    ]
    assert served[1][2].json()["to_status"] == "withdrawn"
    assert_served_as_described(openapi, served)


def test_it_describes_the_person_report_as_served(openapi: dict[str, Any]) -> None:
    # given: screened, decided on, a withdrawn consent, read by the police; then one erased
    load_shipped_sets()
    t = team(languages=["fi"])
    screen(actor=t.ngo, case=t.case, note="Seen at the site.")
    with time_machine.travel(TODAY, tick=False):
        ngo_client = api_client_for(t.ngo)
        police_client = api_client_for(t.police)
        police_client.post(
            DECISIONS.format(id=t.case.id),
            {
                "decision_type": RG,
                "outcome": "positive",
                "reasons": "A credible account.",
                "legal_basis": "Act s. 1",
            },
            format="json",
        )
        police_client.get(CASE.format(id=t.case.id))
        consent = person_report_tests.consent_for(
            person_report_tests.Shared(t.ngo, t.police, t.case)
        )
        access_services.consent_withdraw(
            actor=t.ngo, consent_id=consent.id, person_id=t.case.person_id
        )
        erased = open_case(actor=t.ngo)
        supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(t.ngo))
        case_services.person_erase(actor=supervisor, case_id=erased.id)
        report = CASE.format(id=t.case.id) + "person-report/"
        # when
        served: list[Served] = [
            (CASE + "person-report/", "get", ngo_client.get(report)),
            (CASE + "person-report/", "get", ngo_client.get(report, {"lang": "xx"})),
            (
                CASE + "person-report/",
                "get",
                ngo_client.get(CASE.format(id=erased.id) + "person-report/"),
            ),
            (CASE + "person-report/", "get", police_client.get(report)),
            (
                CASE + "person-report/",
                "get",
                api_client_for(make_user(org_type=OrgType.NGO)).get(report),
            ),
        ]
    # then
    assert [r.status_code for _, _, r in served] == [200, 400, 200, 403, 404]
    assert served[0][2].json()["decisions"]["items"]
    assert served[2][2].json()["erased"] is True
    assert_served_as_described(openapi, served)


def test_it_describes_interview_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a presumed child's case (R-10) with the Barnahus agencies on its team (R-28)
    t = barnahus()
    police, ngo = api_client_for(t.police), api_client_for(t.ngo)
    health, outsider = api_client_for(t.other_health), api_client_for(make_user())
    url = INTERVIEWS.format(id=t.case.id)
    child = {
        "held_on": days_ago(1).isoformat(),
        "reported_on": days_ago(20).isoformat(),
        "interviewer_name": "Interviewer One",
        "training_evidence": "Forensic child interview course",
        "premises": "child_friendly_premises",
        "barnahus_route": True,
        "representative_present": True,
        "persons_present": ["Guardian (representative)"],
        "summary": "A synthetic account.",
    }
    # when
    recorded = police.post(url, child, format="json")
    interview = INTERVIEW.format(id=recorded.json()["id"])
    served: list[Served] = [
        (INTERVIEWS, "post", recorded),
        (INTERVIEWS, "post", police.post(url, child, format="json")),
        (INTERVIEWS, "post", police.post(url, {**child, "premises": "cellar"}, format="json")),
        (INTERVIEWS, "post", health.post(url, {**child, "justification": "x"}, format="json")),
        (INTERVIEWS, "post", outsider.post(url, child, format="json")),
        (INTERVIEWS, "get", ngo.get(url)),
        (INTERVIEWS, "get", police.get(url, {"purpose": "investigation"})),
        (INTERVIEWS, "get", police.get(url, {"purpose": "curiosity"})),
        (INTERVIEWS, "get", outsider.get(url)),
        (INTERVIEW, "get", police.get(interview)),
        (INTERVIEW, "get", ngo.get(interview)),
        (INTERVIEW, "get", ngo.get(interview, {"purpose": "curiosity"})),
        (INTERVIEW, "get", outsider.get(interview)),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 400, 403, 404),
        *(200, 200, 400, 404),
        *(200, 200, 400, 404),
    ]
    assert [served[i][2].json()["code"] for i in (1, 3, 4, 8, 12)] == [
        "justification_required",
        "field_group_not_allowed",
        "case_not_found",
        "case_not_found",
        "interview_not_found",
    ]
    assert served[0][2].json()["unduly_delayed"] is True
    assert served[9][2].json()["content"]["summary"] == "A synthetic account."
    assert served[10][2].json()["content"] is None
    assert_served_as_described(openapi, served)


def test_it_describes_token_answers_as_served(openapi: dict[str, Any]) -> None:
    # given
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    # when
    issued = APIClient().post(
        TOKEN, {"username": rapporteur.username, "password": PASSWORD}, format="json"
    )
    refused = APIClient().post(
        TOKEN, {"username": rapporteur.username, "password": "wrong"}, format="json"
    )
    unauthenticated = APIClient().get(CASES)
    # then
    assert_matches_schema(openapi, TOKEN, "post", 201, issued.json())
    assert_matches_schema(openapi, TOKEN, "post", 403, refused.json())
    assert_matches_schema(openapi, CASES, "get", 401, unauthenticated.json())


def test_it_describes_token_list_and_revocation_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a rapporteur (no second factor needed) with a token, and an administrator
    # of another organisation
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN, is_demo=True)
    own = APIClient()
    issued = own.post(TOKEN, {"username": rapporteur.username, "password": PASSWORD}, format="json")
    own.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    _other_raw, _other = account_services.api_token_issue(
        username=rapporteur.username, password=PASSWORD, otp=""
    )
    listed = own.get(TOKENS)
    token_id = next(row["id"] for row in listed.json() if not row["current"])
    member = MEMBER_TOKENS.format(user_id=rapporteur.pk)
    with override_settings(DEMO_MODE=True):
        stranger_raw, _stranger_token = account_services.api_token_issue(
            username=stranger.username, password=PASSWORD, otp=""
        )
    outsider = APIClient()
    outsider.credentials(HTTP_AUTHORIZATION=f"Bearer {stranger_raw}")
    # when
    served: list[Served] = [
        (TOKENS, "get", listed),
        (MEMBER_TOKENS, "get", own.get(member)),
        (MEMBER_TOKENS, "get", outsider.get(member)),
        (TOKEN_REVOKE, "post", outsider.post(TOKEN_REVOKE.format(id=token_id))),
        (TOKEN_REVOKE, "post", own.post(TOKEN_REVOKE.format(id=token_id))),
        (
            MEMBER_TOKENS_REVOKE,
            "post",
            outsider.post(MEMBER_TOKENS_REVOKE.format(user_id=rapporteur.pk)),
        ),
        (
            MEMBER_TOKENS_REVOKE,
            "post",
            own.post(MEMBER_TOKENS_REVOKE.format(user_id=rapporteur.pk)),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [200, 200, 404, 404, 200, 404, 200]
    assert_served_as_described(openapi, served)


@pytest.mark.parametrize(("path", "method"), sorted(OPERATIONS - {(TOKEN, "post")}))
def test_it_describes_the_unauthenticated_answer_of_every_operation(
    openapi: dict[str, Any], path: str, method: str
) -> None:
    # when
    url = path.format(
        id=1 if path in INTEGER_IDS else uuid.uuid4(),
        key="adults_labour",
        user_id=1,
        person=1,
        row=1,
        link_id=uuid.uuid4(),
        country="UA",
    )
    response = APIClient().generic(method.upper(), url)
    # then
    assert response.status_code == 401
    assert_matches_schema(openapi, path, method, 401, response.json())


# --- identification -------------------------------------------------------------------


def test_it_describes_indicator_set_answers_as_served(openapi: dict[str, Any]) -> None:
    # given
    load_shipped_sets()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)
    loader, reader = api_client_for(coordinator), api_client_for(make_user(org_type=OrgType.NGO))
    national = {"text": text_of(national_file()), "file_name": "national.yaml"}
    # when
    served: list[Served] = [
        (SETS, "get", reader.get(SETS)),
        (SET, "get", reader.get(SET.format(key="adults_labour"))),
        (SET, "get", reader.get(SET.format(key="no_such_set"))),
        (SETS, "post", loader.post(SETS, national, format="json")),
        (SETS, "post", loader.post(SETS, {"text": "a: [1"}, format="json")),
        (SETS, "post", reader.post(SETS, national, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [200, 200, 404, 201, 400, 403]
    assert [served[i][2].json()["code"] for i in (2, 4, 5)] == [
        "indicator_set_not_found",
        "indicator_file_invalid",
        "indicator_set_load_not_allowed",
    ]
    assert_served_as_described(openapi, served)


def test_it_describes_a_malformed_set_version_as_served(openapi: dict[str, Any]) -> None:
    # given
    load_shipped_sets()
    reader = api_client_for(make_user(org_type=OrgType.NGO))
    # when
    response = reader.get(SET.format(key="adults_labour"), {"version": "first"})
    # then
    assert response.status_code == 400
    assert_matches_schema(openapi, SET, "get", 400, response.json())


def test_it_describes_screening_answers_as_served(openapi: dict[str, Any]) -> None:
    # given
    load_shipped_sets()
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    client, outsider = api_client_for(lead), api_client_for(make_user(org_type=OrgType.NGO))
    url = SCREENINGS.format(id=case.id)
    observed = [{"indicator": code, "source": "own_account"} for code in ADULT_CONSISTENT]
    unknown = [{"indicator": "XX-99", "source": "own_account"}]
    # when
    recorded = client.post(url, {"set": "adults_labour", "observations": observed}, format="json")
    screening = SCREENING.format(id=recorded.json()["id"])
    served: list[Served] = [
        (SCREENINGS, "post", recorded),
        (
            SCREENINGS,
            "post",
            client.post(url, {"set": "adults_labour", "observations": unknown}, format="json"),
        ),
        (SCREENINGS, "get", client.get(url)),
        (SCREENINGS, "get", outsider.get(url)),
        (SCREENING, "get", client.get(screening)),
        (SCREENING, "get", outsider.get(screening)),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [201, 400, 200, 404, 200, 404]
    assert [served[i][2].json()["code"] for i in (1, 3, 5)] == [
        "unknown_indicators",
        "case_not_found",
        "screening_not_found",
    ]
    assert_served_as_described(openapi, served)


def test_it_describes_decision_and_reconsideration_answers_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: one case for a positive decision, one for a negative one
    positive, negative = team(), team()
    police, ngo = api_client_for(positive.police), api_client_for(positive.ngo)
    other_police, other_ngo = api_client_for(negative.police), api_client_for(negative.ngo)
    decide = {
        "decision_type": RG,
        "outcome": "positive",
        "reasons": "A credible account.",
        "legal_basis": "Act s. 1",
    }
    refuse = {
        "decision_type": RG,
        "outcome": "negative",
        "reasons": "No account given yet.",
        "legal_basis": "Act s. 1",
    }
    grounds = {"grounds": "A new, credible account."}
    url = DECISIONS.format(id=positive.case.id)
    # when
    recorded = police.post(url, decide, format="json")
    refused = other_police.post(DECISIONS.format(id=negative.case.id), refuse, format="json")
    decision = DECISION.format(id=recorded.json()["id"])
    reconsider = RECONSIDERATIONS.format(id=refused.json()["id"])
    served: list[Served] = [
        (DECISIONS, "post", recorded),
        (DECISIONS, "post", refused),
        (DECISIONS, "post", police.post(url, decide, format="json")),
        (DECISIONS, "post", ngo.post(url, decide, format="json")),
        (DECISIONS, "post", police.post(url, {**decide, "outcome": "maybe"}, format="json")),
        (DECISIONS, "get", ngo.get(url)),
        (DECISION, "get", ngo.get(decision)),
        (DECISION, "get", other_ngo.get(decision)),
        (
            RECONSIDERATIONS,
            "post",
            ngo.post(decision + "reconsiderations/", grounds, format="json"),
        ),
        (RECONSIDERATIONS, "post", other_ngo.post(reconsider, grounds, format="json")),
        (RECONSIDERATIONS, "post", other_ngo.post(reconsider, grounds, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 201, 409, 403, 400),
        *(200, 200, 404),
        *(409, 201, 409),
    ]
    assert [served[i][2].json()["code"] for i in (2, 3, 7, 8, 10)] == [
        "decision_already_recorded",
        "org_type_may_not_decide",
        "decision_not_found",
        "reconsideration_of_positive_decision",
        "reconsideration_open",
    ]
    assert_served_as_described(openapi, served)


# --- assistance -----------------------------------------------------------------------


def test_it_describes_reflection_period_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: presumed on TODAY, a police supervisor on the team (R-15)
    t, boss = presumed()
    period, extensions = PERIOD.format(id=t.case.id), EXTENSIONS.format(id=t.case.id)
    early_end, removal = EARLY_END.format(id=t.case.id), REMOVAL_CHECK.format(id=t.case.id)
    extend = {"days": 10, "reasons": "Serious health needs.", "version": 1}
    end = {"ground": "public_order", "reasons": "A synthetic threat.", "legal_basis": "Act, s. 1"}
    with time_machine.travel(TODAY + timedelta(days=4), tick=False):
        supervisor, ngo = api_client_for(boss), api_client_for(t.ngo)
        outsider = api_client_for(make_user(org_type=OrgType.NGO))
        # when
        served: list[Served] = [
            (PERIOD, "get", ngo.get(period)),
            (PERIOD, "get", outsider.get(period)),
            (EXTENSIONS, "post", supervisor.post(extensions, extend, format="json")),
            (EXTENSIONS, "post", ngo.post(extensions, extend, format="json")),
            (EXTENSIONS, "post", supervisor.post(extensions, {**extend, "days": 0}, format="json")),
            (EARLY_END, "post", supervisor.post(early_end, end, format="json")),
            (EXTENSIONS, "post", supervisor.post(extensions, extend, format="json")),
            (REMOVAL_CHECK, "post", ngo.post(removal, {}, format="json")),
            (REMOVAL_CHECK, "post", ngo.post(removal, {"on_date": "soon"}, format="json")),
        ]
    # then
    assert [r.status_code for _, _, r in served] == [200, 404, 201, 403, 400, 200, 409, 200, 400]
    assert [served[i][2].json()["code"] for i in (1, 3, 6)] == [
        "case_not_found",
        "supervisor_required",
        "reflection_period_not_running",
    ]
    assert served[5][2].json()["early_end"]["ground"] == "public_order"
    assert_served_as_described(openapi, served)


def test_it_describes_deadline_notification_and_timeline_answers_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: the intake's reasonable-grounds deadline and a screening review (R-09),
    # both missed (reminded and escalated)
    load_shipped_sets()
    t = team()
    screen(actor=t.ngo, case=t.case, codes=INSUFFICIENT)
    ngo, outsider = api_client_for(t.ngo), api_client_for(make_user(org_type=OrgType.NGO))
    deadline_services.deadlines_sweep(now=timezone.now() + timedelta(days=60))
    timeline = TIMELINE.format(id=t.case.id)
    # when
    deadlines = ngo.get(DEADLINES)
    task = {row["kind"]: DEADLINE_DONE.format(id=row["id"]) for row in deadlines.json()["results"]}
    served: list[Served] = [
        (DEADLINES, "get", deadlines),
        (DEADLINES, "get", ngo.get(DEADLINES, {"overdue": "perhaps"})),
        (DEADLINE_DONE, "post", ngo.post(task["screening_review"], format="json")),
        (DEADLINE_DONE, "post", ngo.post(task["screening_review"], format="json")),
        (DEADLINE_DONE, "post", ngo.post(task["decision_due"], format="json")),
        (NOTIFICATIONS, "get", ngo.get(NOTIFICATIONS)),
        (NOTIFICATIONS, "get", ngo.get(NOTIFICATIONS, {"page": 99})),
        (NOTIFICATIONS_READ, "post", ngo.post(NOTIFICATIONS_READ, {"ids": ["x"]}, format="json")),
        (NOTIFICATIONS_READ, "post", ngo.post(NOTIFICATIONS_READ, {}, format="json")),
        (TIMELINE, "get", ngo.get(timeline)),
        (TIMELINE, "get", outsider.get(timeline)),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(200, 400, 200, 404, 409),
        *(200, 404, 400, 200),
        *(200, 404),
    ]
    assert [served[i][2].json()["code"] for i in (3, 4, 10)] == [
        "task_not_found",
        "task_closed_by_record",
        "case_not_found",
    ]
    assert served[2][2].json()["status"] == "done"
    assert served[5][2].json()["count"] >= 1
    assert served[8][2].json()["marked"] >= 1
    assert_served_as_described(openapi, served)


def test_it_describes_break_glass_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an NGO's case, a police officer outside its team, their supervisor,
    # and the national coordinator, told at once (issue 4)
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, narrative="Told once.")
    officer = make_user(org_type=OrgType.POLICE)
    boss = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(officer))
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    police, supervisor = api_client_for(officer), api_client_for(boss)
    why = "A synthetic emergency that cannot wait for the case lead."
    use = {"case_reference": case.reference, "reason": "person_missing", "justification": why}
    # when
    used = police.post(BREAK_GLASS, use, format="json")
    review = BREAK_GLASS_REVIEW.format(id=used.json()["id"])
    served: list[Served] = [
        (BREAK_GLASS, "post", used),
        (
            BREAK_GLASS,
            "post",
            police.post(BREAK_GLASS, {**use, "justification": ""}, format="json"),
        ),
        (BREAK_GLASS, "post", police.post(BREAK_GLASS, {"justification": why}, format="json")),
        (
            BREAK_GLASS,
            "post",
            police.post(BREAK_GLASS, {**use, "case_reference": "FI-2026-ZZZZZZ"}, format="json"),
        ),
        (BREAK_GLASS, "post", police.post(BREAK_GLASS, use, format="json")),
        (CASE, "get", police.get(CASE.format(id=case.id))),
        (NOTIFICATIONS, "get", api_client_for(coordinator).get(NOTIFICATIONS)),
        (BREAK_GLASS_REVIEWS, "get", supervisor.get(BREAK_GLASS_REVIEWS)),
        (BREAK_GLASS_REVIEWS, "get", police.get(BREAK_GLASS_REVIEWS)),
        (BREAK_GLASS_REVIEWS, "get", supervisor.get(BREAK_GLASS_REVIEWS, {"page": 9})),
        (BREAK_GLASS_REVIEW, "post", police.post(review, {"justified": True}, format="json")),
        (BREAK_GLASS_REVIEW, "post", supervisor.post(review, {"justified": "x"}, format="json")),
        (
            BREAK_GLASS_REVIEW,
            "post",
            supervisor.post(
                BREAK_GLASS_REVIEW.format(id=uuid.uuid4()), {"justified": True}, format="json"
            ),
        ),
        (BREAK_GLASS_REVIEW, "post", supervisor.post(review, {"justified": True}, format="json")),
        (BREAK_GLASS_REVIEW, "post", supervisor.post(review, {"justified": True}, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 400, 404, 409, 200, 200),
        *(200, 403, 404),
        *(403, 400, 404, 200, 409),
    ]
    assert [served[i][2].json()["code"] for i in (1, 3, 4, 8, 12, 14)] == [
        "justification_required",
        "case_not_found",
        "break_glass_not_needed",
        "sharing_not_allowed",
        "break_glass_not_found",
        "break_glass_already_reviewed",
    ]
    assert served[6][2].json()["results"][0]["kind"] == "break_glass"
    assert served[13][2].json()["review"] == "justified"
    assert_served_as_described(openapi, served)


# --- sharing: consents and agreements -------------------------------------------------


def test_it_describes_consent_answers_and_the_case_read_for_a_purpose_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: a presumed child, so that the guardian's consent carries the child's views
    w = sharing_tests.world(**sharing_tests.CHILD)
    lead, police = api_client_for(w.lead), api_client_for(w.police)
    url = CONSENTS.format(id=w.case.id)
    consent = {
        "recipient_organisation": str(sharing_tests.org_of(w.police).pk),
        "purpose": "investigation",
        "field_groups": ["narrative"],
        "language": "ti",
        "information_given": "What the police will read, and that refusing changes no help.",
        "child_views": "Only with my aunt present.",
    }
    # when
    recorded = lead.post(url, consent, format="json")
    withdraw = CONSENT_WITHDRAW.format(id=recorded.json()["id"])
    served: list[Served] = [
        (CONSENTS, "post", recorded),
        (CONSENTS, "post", lead.post(url, {**consent, "field_groups": []}, format="json")),
        (CONSENTS, "post", lead.post(url, {**consent, "purpose": "x"}, format="json")),
        (CONSENTS, "post", police.post(url, consent, format="json")),
        (CONSENTS, "get", lead.get(url)),
        (CONSENTS, "get", police.get(url)),
        (CASE, "get", police.get(CASE.format(id=w.case.id), {"purpose": "investigation"})),
        (CASE, "get", police.get(CASE.format(id=w.case.id), {"purpose": "curiosity"})),
        (CONSENT_WITHDRAW, "post", police.post(withdraw, format="json")),
        (CONSENT_WITHDRAW, "post", lead.post(withdraw, format="json")),
        (CONSENT_WITHDRAW, "post", lead.post(withdraw, format="json")),
        (CONSENT_WITHDRAW, "post", lead.post(CONSENT_WITHDRAW.format(id="x"), format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 400, 403),
        *(200, 403, 200, 400),
        *(403, 200, 409, 404),
    ]
    assert served[4][2].json()[0]["child_views"] == "Only with my aunt present."
    assert served[6][2].json()["field_groups"]["narrative"]["code"] == "consent_and_agreement"
    assert [served[i][2].json()["code"] for i in (3, 10, 11)] == [
        "sharing_not_allowed",
        "consent_already_withdrawn",
        "consent_not_found",
    ]
    assert_served_as_described(openapi, served)


def test_it_describes_the_answers_for_a_child_without_a_guardian_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: a presumed child with no guardian yet (R-11, R-25)
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, **sharing_tests.CHILD)
    add_to_team(case=case, organisation=sharing_tests.org_of(police), by=lead)
    client, other = api_client_for(lead), api_client_for(police)
    body = {
        "recipient_organisation": str(sharing_tests.org_of(police).pk),
        "purpose": "investigation",
        "field_groups": ["narrative", "location"],
        "language": "ti",
        "information_given": "What the police would read.",
    }
    options, views = CONSENT_OPTIONS.format(id=case.id), CHILD_VIEWS.format(id=case.id)
    # when
    served: list[Served] = [
        (CONSENTS, "post", client.post(CONSENTS.format(id=case.id), body, format="json")),
        (CONSENT_OPTIONS, "get", client.get(options)),
        (CONSENT_OPTIONS, "get", other.get(options)),
        (
            CHILD_VIEWS,
            "post",
            client.post(views, {**body, "views": "Not him."}, format="json"),
        ),
        (CHILD_VIEWS, "post", client.post(views, {**body, "views": ""}, format="json")),
        (CHILD_VIEWS, "post", client.post(views, {**body, "purpose": "x"}, format="json")),
        (CHILD_VIEWS, "get", client.get(views)),
        (CHILD_VIEWS, "get", other.get(views)),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [400, 200, 403, 201, 400, 400, 200, 403]
    assert served[0][2].json()["code"] == "guardian_not_appointed"
    assert served[1][2].json()["given_by"] == []
    assert served[6][2].json()[0]["views"] == "Not him."
    assert_served_as_described(openapi, served)


def test_it_describes_agreement_answers_as_served(openapi: dict[str, Any]) -> None:
    # given
    w = sharing_tests.world()
    admin = api_client_for(w.admin)
    caseworker = api_client_for(w.lead)
    lead, police = sharing_tests.org_of(w.lead), sharing_tests.org_of(w.police)
    agreement = {
        "name": "Police and NGO, Tampere 2026",
        "document_reference": "Registry 2026/3",
        "valid_from": "2026-01-01",
        "ends_on": "2027-01-01",
        "consent_required": False,
        "legal_basis": str(access_factories.legal_basis().id),
        "parties": [{"organisation": str(lead.pk)}, {"org_type": "police", "country": "FI"}],
        "flows": [
            {"org_type": "police", "purposes": ["investigation"], "field_groups": ["narrative"]}
        ],
    }
    detail = AGREEMENT.format(id=w.agreement.id)
    # when
    served: list[Served] = [
        (AGREEMENTS, "post", admin.post(AGREEMENTS, agreement, format="json")),
        (AGREEMENTS, "post", admin.post(AGREEMENTS, {**agreement, "name": ""}, format="json")),
        (AGREEMENTS, "post", admin.post(AGREEMENTS, {"parties": "x"}, format="json")),
        (AGREEMENTS, "post", caseworker.post(AGREEMENTS, agreement, format="json")),
        (AGREEMENTS, "get", admin.get(AGREEMENTS)),
        (AGREEMENTS, "get", caseworker.get(AGREEMENTS)),
        (AGREEMENTS, "get", admin.get(AGREEMENTS, {"page": 9})),
        (AGREEMENT, "get", admin.get(detail)),
        (AGREEMENT, "get", caseworker.get(detail)),
        (AGREEMENT, "get", admin.get(AGREEMENT.format(id=uuid.uuid4()))),
        (AGREEMENT_END, "post", admin.post(detail + "end/", {"ends_on": "x"}, format="json")),
        (AGREEMENT_END, "post", caseworker.post(detail + "end/", {}, format="json")),
        (AGREEMENT_END, "post", admin.post(detail + "end/", {}, format="json")),
        (AGREEMENT_END, "post", admin.post(detail + "end/", {}, format="json")),
        (AGREEMENT_END, "post", admin.post(AGREEMENT.format(id="x") + "end/", format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 400, 403),
        *(200, 403, 404),
        *(200, 403, 404),
        *(400, 403, 200, 409, 404),
    ]
    assert served[0][2].json()["flows"][0]["recipient_organisation"] is None
    assert served[7][2].json()["parties"][1]["organisation"]["id"] == str(police.pk)
    assert served[12][2].json()["status"] == "ended"
    assert_served_as_described(openapi, served)


def test_it_describes_approval_and_legal_basis_answers_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: a proposal of the NGO's administrator, waiting for every police in Finland
    w = sharing_tests.world()
    lead = sharing_tests.org_of(w.lead)
    ngo_admin = make_user(organisation=lead, role=Role.ORG_ADMIN)
    coordinator_user = access_factories.coordinator_admin("FI")
    proposed = access_services.agreement_propose(
        actor=ngo_admin,
        name="Police of Finland and NGO 2026",
        document_reference="Registry 2026/8",
        valid_from=timezone.localdate(),
        parties=[
            access_services.Party(organisation=lead),
            access_services.Party(org_type="police", country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type="police", country="FI", purposes=["investigation"], field_groups=["legal"]
            )
        ],
    )
    refused = access_services.agreement_propose(
        actor=ngo_admin,
        name="Police of Finland and NGO, draft",
        document_reference="Registry 2026/9",
        valid_from=timezone.localdate(),
        parties=[
            access_services.Party(organisation=lead),
            access_services.Party(org_type="police", country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type="police", country="FI", purposes=["investigation"], field_groups=["legal"]
            )
        ],
    )
    coordinator, caseworker = api_client_for(coordinator_user), api_client_for(w.lead)
    approve, refuse = (
        AGREEMENT_APPROVE.format(id=proposed.id),
        AGREEMENT_REFUSE.format(id=refused.id),
    )
    basis = {"title": "Protection Act", "citation": "Protection Act, s. 3"}
    # when
    served: list[Served] = [
        (AGREEMENTS_AWAITING, "get", coordinator.get(AGREEMENTS_AWAITING)),
        (AGREEMENTS_AWAITING, "get", caseworker.get(AGREEMENTS_AWAITING)),
        (AGREEMENT_APPROVE, "post", caseworker.post(approve)),
        (AGREEMENT_APPROVE, "post", coordinator.post(approve)),
        (AGREEMENT_APPROVE, "post", coordinator.post(approve)),
        (AGREEMENT_APPROVE, "post", coordinator.post(AGREEMENT_APPROVE.format(id="x"))),
        (AGREEMENT_REFUSE, "post", coordinator.post(refuse, {}, format="json")),
        (AGREEMENT_REFUSE, "post", caseworker.post(refuse, {"reason": "No."}, format="json")),
        (AGREEMENT_REFUSE, "post", coordinator.post(refuse, {"reason": "No."}, format="json")),
        (AGREEMENT_REFUSE, "post", coordinator.post(refuse, {"reason": "No."}, format="json")),
        (
            AGREEMENT_REFUSE,
            "post",
            coordinator.post(AGREEMENT_REFUSE.format(id="x"), {"reason": "No."}, format="json"),
        ),
        (LEGAL_BASES, "post", coordinator.post(LEGAL_BASES, basis, format="json")),
        (LEGAL_BASES, "post", coordinator.post(LEGAL_BASES, {"title": 1}, format="json")),
        (LEGAL_BASES, "post", caseworker.post(LEGAL_BASES, basis, format="json")),
        (LEGAL_BASES, "get", coordinator.get(LEGAL_BASES)),
        (LEGAL_BASES, "get", caseworker.get(LEGAL_BASES)),
    ]
    basis_id = served[11][2].json()["id"]
    active = LEGAL_BASIS_ACTIVE.format(id=basis_id)
    served += [
        (LEGAL_BASIS_ACTIVE, "post", coordinator.post(active, {"active": False}, format="json")),
        (LEGAL_BASIS_ACTIVE, "post", coordinator.post(active, {}, format="json")),
        (LEGAL_BASIS_ACTIVE, "post", caseworker.post(active, {"active": True}, format="json")),
        (
            LEGAL_BASIS_ACTIVE,
            "post",
            coordinator.post(LEGAL_BASIS_ACTIVE.format(id="x"), {"active": True}, format="json"),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(200, 403),
        *(403, 200, 409, 404),
        *(400, 403, 200, 409, 404),
        *(201, 400, 403, 200, 403),
        *(200, 400, 403, 404),
    ]
    assert served[3][2].json()["status"] == "in_force"
    assert served[8][2].json()["status"] == "refused"
    assert_served_as_described(openapi, served)


# --- children (R-11) ------------------------------------------------------------------


def test_it_describes_guardian_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a presumed child led by an NGO, a shelter on the team, and an adult's case
    lead = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=lead)
    adult = open_case(actor=lead, age_status="verified_adult")
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=child, organisation=org_of(shelter))
    ngo, sheltering = api_client_for(lead), api_client_for(shelter)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url, adult_url = GUARDIANS.format(id=child.id), GUARDIANS.format(id=adult.id)
    body = {"guardian_name": "Ilona Holhooja", "appointed_on": timezone.localdate().isoformat()}
    # when
    served: list[Served] = [
        (GUARDIANS, "get", ngo.get(url)),
        (GUARDIANS, "get", outsider.get(url)),
        (GUARDIANS, "get", sheltering.get(url)),
        (GUARDIANS, "post", ngo.post(url, body, format="json")),
        (GUARDIANS, "post", ngo.post(url, {**body, "guardian_name": " "}, format="json")),
        (GUARDIANS, "post", sheltering.post(url, body, format="json")),
        (GUARDIANS, "post", outsider.post(url, body, format="json")),
        (GUARDIANS, "post", ngo.post(adult_url, body, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [200, 404, 403, 201, 400, 403, 404, 409]
    assert [served[i][2].json()["code"] for i in (2, 4, 7)] == [
        "field_group_not_allowed",
        "guardian_input_invalid",
        "not_a_child",
    ]
    assert_served_as_described(openapi, served)


def test_it_describes_age_assessment_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a presumed child led by an NGO, a shelter on the team (no legal group)
    lead = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=child, organisation=org_of(shelter))
    ngo, sheltering = api_client_for(lead), api_client_for(shelter)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url, news_url = AGE_ASSESSMENTS.format(id=child.id), AGE_NEW_INFORMATION.format(id=child.id)
    today = timezone.localdate().isoformat()
    body = {
        "method": "documents",
        "result": "verified_adult",
        "assessed_on": today,
        "reasons": "A birth certificate.",
        "person_views": "I am 19.",
        "appeal_how": "To the administrative court within 30 days.",
        "legal_basis": "Child Welfare Act, s. 6",
    }
    news = {"reasons": "A school report.", "noted_on": today}
    # when
    served: list[Served] = [
        (AGE_ASSESSMENTS, "get", ngo.get(url)),
        (AGE_ASSESSMENTS, "get", outsider.get(url)),
        (AGE_ASSESSMENTS, "get", sheltering.get(url)),
        (AGE_NEW_INFORMATION, "post", ngo.post(news_url, news, format="json")),
        (AGE_ASSESSMENTS, "post", ngo.post(url, {**body, "reasons": " "}, format="json")),
        (AGE_ASSESSMENTS, "post", sheltering.post(url, body, format="json")),
        (AGE_ASSESSMENTS, "post", outsider.post(url, body, format="json")),
        (AGE_ASSESSMENTS, "post", ngo.post(url, body, format="json")),
    ]
    appeal_url = AGE_APPEAL.format(id=served[-1][2].json()["assessments"][0]["id"])
    appeal = {"appealed_on": today, "version": 1}
    served += [
        (AGE_APPEAL, "post", ngo.post(appeal_url, appeal, format="json")),
        (AGE_APPEAL, "post", ngo.post(AGE_APPEAL.format(id=uuid.uuid4()), appeal, format="json")),
        (AGE_NEW_INFORMATION, "post", ngo.post(news_url, news, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        200, 404, 403, 409, 400, 403, 404, 201, 200, 404, 201
    ]  # fmt: skip
    assert [served[i][2].json()["code"] for i in (2, 3, 4)] == [
        "field_group_not_allowed",
        "already_treated_as_child",
        "age_assessment_input_invalid",
    ]
    assert_served_as_described(openapi, served)


# --- best interests, family tracing, dependants (R-25, R-27, R-11) -------------------------


def test_it_describes_best_interests_and_tracing_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a presumed child led by an NGO, a health service (no assessment group) on the team
    lead = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=lead)
    adult = open_case(actor=lead, age_status="verified_adult")
    health = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=child, organisation=org_of(health))
    ngo, clinic = api_client_for(lead), api_client_for(health)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url, tracing_url = BEST_INTERESTS.format(id=child.id), FAMILY_TRACING.format(id=child.id)
    today = timezone.localdate().isoformat()
    body = {
        "stage": "assessment",
        "matter": "placement",
        "how_heard": "conversation",
        "child_views": "Wants to stay.",
        "considerations": "Safety.",
        "conclusion": "Stay.",
        "decided_on": today,
    }
    start = {"best_interests_reason": "He asks to find his mother.", "started_on": today}
    # when
    served: list[Served] = [
        (BEST_INTERESTS, "post", ngo.post(url, body, format="json")),
        (BEST_INTERESTS, "post", ngo.post(url, {**body, "child_views": ""}, format="json")),
        (BEST_INTERESTS, "post", clinic.post(url, body, format="json")),
        (BEST_INTERESTS, "post", outsider.post(url, body, format="json")),
        (BEST_INTERESTS, "post", ngo.post(BEST_INTERESTS.format(id=adult.id), body, format="json")),
        (BEST_INTERESTS, "get", ngo.get(url)),
        (BEST_INTERESTS, "get", clinic.get(url)),
        (BEST_INTERESTS, "get", outsider.get(url)),
        (FAMILY_TRACING, "post", ngo.post(tracing_url, start, format="json")),
        (FAMILY_TRACING, "post", ngo.post(tracing_url, start, format="json")),
        (FAMILY_TRACING, "get", ngo.get(tracing_url)),
        (FAMILY_TRACING, "get", clinic.get(tracing_url)),
    ]
    tracing_id = served[8][2].json()["tracings"][0]["id"]
    update = FAMILY_TRACING_UPDATE.format(id=tracing_id)
    stop = {"status": "stopped", "outcome": "", "updated_on": today, "version": 1}
    served += [
        (FAMILY_TRACING_UPDATE, "post", ngo.post(update, stop, format="json")),
        (FAMILY_TRACING_UPDATE, "post", outsider.post(update, stop, format="json")),
        (
            FAMILY_TRACING_UPDATE,
            "post",
            ngo.post(update, {**stop, "outcome": "Risk."}, format="json"),
        ),
        (
            FAMILY_TRACING_UPDATE,
            "post",
            ngo.post(update, {**stop, "outcome": "Again."}, format="json"),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 403, 404, 409, 200, 403, 404),
        *(201, 409, 200, 403),
        *(400, 404, 200, 409),
    ]
    assert [served[i][2].json()["code"] for i in (1, 4, 9, 15)] == [
        "best_interests_input_invalid",
        "not_a_child",
        "tracing_under_way",
        "tracing_closed",
    ]
    assert_served_as_described(openapi, served)


def test_it_describes_dependant_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an adult's case led by an NGO, a rapporteur (statistical group only) on the team
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, age_status="verified_adult")
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR)
    add_to_team(case=case, organisation=org_of(rapporteur))
    ngo, reporter = api_client_for(lead), api_client_for(rapporteur)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url = DEPENDANTS.format(id=case.id)
    body = {"relationship": "child", "name": "Mila Synthetic", "date_of_birth": "2018-05-01"}
    # when
    served: list[Served] = [
        (DEPENDANTS, "post", ngo.post(url, body, format="json")),
        (DEPENDANTS, "post", ngo.post(url, {**body, "name": " "}, format="json")),
        (DEPENDANTS, "post", reporter.post(url, body, format="json")),
        (DEPENDANTS, "get", ngo.get(url)),
        (DEPENDANTS, "get", reporter.get(url)),
        (DEPENDANTS, "get", outsider.get(url)),
    ]
    education = DEPENDANT_EDUCATION.format(id=served[0][2].json()["dependants"][0]["id"])
    enrolled = {"education": "enrolled", "version": 1}
    served += [
        (DEPENDANT_EDUCATION, "post", ngo.post(education, enrolled, format="json")),
        (
            DEPENDANT_EDUCATION,
            "post",
            ngo.post(education, {**enrolled, "education": "x"}, format="json"),
        ),
        (DEPENDANT_EDUCATION, "post", outsider.post(education, enrolled, format="json")),
        # the same starting version again: someone updated it meanwhile
        (DEPENDANT_EDUCATION, "post", ngo.post(education, enrolled, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(201, 400, 403, 200, 403, 404),
        *(200, 400, 404, 409),
    ]
    assert served[6][2].json()["without_school"] == 0
    assert served[9][2].json()["code"] == "edit_conflict"
    assert_served_as_described(openapi, served)


# --- residence permits and detention (R-16) ---------------------------------------------


def test_it_describes_permit_and_detention_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an NGO leads the case, a shelter (no legal group) is on the team
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=org_of(shelter))
    ngo, sheltering = api_client_for(lead), api_client_for(shelter)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    today = timezone.localdate()
    url, detention = PERMITS.format(id=case.id), DETENTION.format(id=case.id)
    body = {
        "grounds": ["proceedings"],
        "permit_type": "Temporary permit",
        "issued_on": today.isoformat(),
        "expires_on": (today + timedelta(days=365)).isoformat(),
        "issuing_authority": "Test Migration Service",
        "reference": "RP-SCHEMA-1",
    }
    created = ngo.post(url, body, format="json")
    renewals = PERMIT_RENEWALS.format(id=created.json()["permits"][0]["id"])
    renewal = {
        "renewed_on": today.isoformat(),
        "new_expires_on": (today + timedelta(days=730)).isoformat(),
        "version": 1,
    }
    later = {**renewal, "new_expires_on": (today + timedelta(days=900)).isoformat()}
    held = {"started_on": today.isoformat(), "place_type": "Detention centre"}
    # when
    served: list[Served] = [
        (PERMITS, "post", created),
        (PERMITS, "post", ngo.post(url, {**body, "grounds": []}, format="json")),
        (PERMITS, "post", sheltering.post(url, body, format="json")),
        (PERMITS, "get", ngo.get(url)),
        (PERMITS, "get", outsider.get(url)),
        (PERMIT_RENEWALS, "post", ngo.post(renewals, renewal, format="json")),
        (PERMIT_RENEWALS, "post", ngo.post(renewals, later, format="json")),  # stale version
        (PERMIT_RENEWALS, "post", outsider.post(renewals, renewal, format="json")),
        (DETENTION, "post", ngo.post(detention, held, format="json")),
        (DETENTION, "post", sheltering.post(detention, held, format="json")),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        201,
        400,
        403,
        200,
        404,
        201,
        409,
        404,
        201,
        403,
    ]
    assert served[6][2].json()["code"] == "edit_conflict"
    assert served[8][2].json()["detention_warning"] is not None
    assert_served_as_described(openapi, served)


# --- cooperation with the authorities (R-18) ---------------------------------------------


def test_it_describes_cooperation_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an NGO leads the case, a shelter (no legal group) is on the team
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=org_of(shelter))
    ngo, sheltering = api_client_for(lead), api_client_for(shelter)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url = COOPERATION.format(id=case.id)
    today = timezone.localdate()
    body = {"cooperates_with_authorities": False, "is_witness": False}
    # when
    served: list[Served] = [
        (
            COOPERATION,
            "post",
            ngo.post(url, {**body, "recorded_on": today.isoformat()}, format="json"),
        ),
        (COOPERATION, "post", ngo.post(url, body, format="json")),
        (
            COOPERATION,
            "post",
            sheltering.post(url, {**body, "recorded_on": today.isoformat()}, format="json"),
        ),
        (COOPERATION, "get", ngo.get(url)),
        (COOPERATION, "get", sheltering.get(url)),
        (COOPERATION, "get", outsider.get(url)),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [201, 400, 403, 200, 403, 404]
    assert_served_as_described(openapi, served)


# --- needs and risk assessments (R-21, R-19) -------------------------------------------------


def test_it_describes_assessment_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an NGO leads; a prosecutor (no assessment group) is on the team
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    prosecutor = make_user(org_type=OrgType.PROSECUTOR)
    add_to_team(case=case, organisation=org_of(prosecutor))
    ngo, refused = api_client_for(lead), api_client_for(prosecutor)
    outsider = api_client_for(make_user(org_type=OrgType.NGO))
    url = ASSESSMENTS.format(id=case.id)
    body = {
        "kind": "risk",
        "assessed_on": timezone.localdate().isoformat(),
        "sections": {
            key: {"level": "high", "note": "A note."}
            for key in ("safety", "re_trafficking", "family_threats")
        },
        "person_view": "Did not wish to say.",
        "based_on_version": 0,
    }
    # when
    served: list[Served] = [
        (ASSESSMENTS, "post", ngo.post(url, body, format="json")),
        (ASSESSMENTS, "post", ngo.post(url, {**body, "person_view": ""}, format="json")),
        (ASSESSMENTS, "post", refused.post(url, body, format="json")),
        (ASSESSMENTS, "post", outsider.post(url, body, format="json")),
        (ASSESSMENTS, "get", ngo.get(url)),
        (ASSESSMENTS, "get", refused.get(url)),
        (ASSESSMENTS, "get", outsider.get(url)),
    ]
    one = ASSESSMENT.format(id=served[0][2].json()["id"])
    served += [
        (ASSESSMENT, "get", ngo.get(one)),
        (ASSESSMENT, "get", refused.get(one)),
        (ASSESSMENT, "get", outsider.get(one)),
        # a second version on the same starting point: someone recorded one meanwhile
        (ASSESSMENTS, "post", ngo.post(url, body, format="json")),
    ]
    # then
    statuses = [r.status_code for _, _, r in served]
    assert statuses == [201, 400, 403, 404, 200, 403, 404, 200, 403, 404, 409]
    assert [served[i][2].json()["code"] for i in (1, 2, 9, 10)] == [
        "required",
        "field_group_not_allowed",
        "assessment_not_found",
        "edit_conflict",
    ]
    assert_served_as_described(openapi, served)


# --- assistance plans, services and closing (R-19, R-20, R-22) ------------------------------


def test_it_describes_plan_service_and_closure_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: an NGO lead and a police member of the team (no services group)
    t = plan_team()
    lead, police = api_client_for(t.lead), api_client_for(t.police)
    plans, today = PLANS.format(id=t.case.id), timezone.localdate().isoformat()
    service = {"service_type": "counselling", "provider_id": str(t.provider.id)}
    body = {"agreed_on": today, "person_view": "She agrees.", "services": [service]}
    # when
    served: list[Served] = [
        (PLANS, "post", lead.post(plans, body, format="json")),
        (PLANS, "post", police.post(plans, body, format="json")),
        (PLANS, "get", lead.get(plans)),
        (
            PLAN_SERVICES,
            "post",
            lead.post(PLAN_SERVICES.format(id=t.case.id), service, format="json"),
        ),
    ]
    first = served[0][2].json()["services"][0]["id"]
    start = SERVICE_CHANGES[0]
    served += [
        (
            start,
            "post",
            lead.post(
                start.format(id=first), {"starts_on": today, "consent_on": today}, format="json"
            ),
        ),
        (
            CLOSURE,
            "post",
            lead.post(
                CLOSURE.format(id=t.case.id),
                {
                    "decided_on": today,
                    "ground": "persons_wish",
                    "person_view": "I want to stop.",
                    "reasons": "Done.",
                    "exit_plan": "Call.",
                },
                format="json",
            ),
        ),
        (
            CLOSURE_REOPEN,
            "post",
            lead.post(CLOSURE_REOPEN.format(id=t.case.id), {"reasons": "Back."}, format="json"),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [201, 403, 200, 201, 200, 201, 200]
    assert_served_as_described(openapi, served)


def test_it_describes_the_service_directory_as_served(openapi: dict[str, Any]) -> None:
    # given
    admin = make_user(org_type=OrgType.SHELTER, role=Role.ORG_ADMIN)
    caseworker = make_user(org_type=OrgType.NGO)
    entry = {"service_type": "accommodation", "title": "Safe house", "languages": ["fi"]}
    client, member = api_client_for(admin), api_client_for(caseworker)
    # when
    served: list[Served] = [(DIRECTORY, "post", client.post(DIRECTORY, entry, format="json"))]
    entry_id = served[0][2].json()["id"]
    one = DIRECTORY_ENTRY.format(id=entry_id)
    served += [
        (DIRECTORY, "post", client.post(DIRECTORY, {**entry, "languages": ["x"]}, format="json")),
        (
            DIRECTORY_ENTRY,
            "post",
            client.post(one, {**entry, "region": "Uusimaa", "version": 1}, format="json"),
        ),
        (DIRECTORY_CONFIRM, "post", client.post(DIRECTORY_CONFIRM.format(id=entry_id))),
        (DIRECTORY, "get", member.get(DIRECTORY, {"language": "fi"})),
        (DIRECTORY, "get", client.get(DIRECTORY, {"language": "finnish"})),
        (DIRECTORY, "get", member.get(DIRECTORY, {"page": 99})),
    ]
    served.append(
        (
            DIRECTORY_CONFIRM,
            "post",
            member.post(DIRECTORY_CONFIRM.format(id=entry_id)),
        )
    )
    served.append(
        (
            DIRECTORY_ENTRY,
            "post",
            client.post(DIRECTORY_ENTRY.format(id="gone"), {**entry, "version": 1}, format="json"),
        )
    )
    # the same starting version again: the entry was changed since
    served.append(
        (DIRECTORY_ENTRY, "post", client.post(one, {**entry, "version": 1}, format="json"))
    )
    # then
    assert [r.status_code for _, _, r in served] == [
        201,
        400,
        200,
        200,
        200,
        400,
        404,
        403,
        404,
        409,
    ]
    assert served[-1][2].json()["code"] == "edit_conflict"
    assert_served_as_described(openapi, served)


# --- group placement plans (issue 16) ------------------------------------------------------


def test_it_describes_placement_plan_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a coordinator with an incident of two people, an NGO caseworker, two places
    from haven.shelters.tests.test_plans import coordinator, open_case, shelter

    desk = coordinator()
    incident = case_services.incident_open(actor=desk)
    open_case(desk, incident)
    open_case(desk, incident, age_status="verified_child")
    shelter("Women's house", 2, {"women"})
    children = shelter("Children's unit", 1, {"children"})
    client, ngo = api_client_for(desk), api_client_for(make_user(org_type=OrgType.NGO))
    body = {"incident_id": str(incident.pk), "danger_region": "Uusimaa"}

    # when
    served: list[Served] = [
        (SHELTER_PLANS, "post", client.post(SHELTER_PLANS, body, format="json")),
        (SHELTER_PLANS, "post", client.post(SHELTER_PLANS, {}, format="json")),
        (SHELTER_PLANS, "post", ngo.post(SHELTER_PLANS, body, format="json")),
    ]
    plan_id = served[0][2].json()["id"]
    served += [
        (SHELTER_PLAN_SOLVE, "post", client.post(SHELTER_PLAN_SOLVE.format(id=plan_id))),
        (SHELTER_PLAN, "get", client.get(SHELTER_PLAN.format(id=plan_id))),
        (SHELTER_PLAN, "get", client.get(SHELTER_PLAN.format(id=uuid.uuid4()))),
    ]
    adult = next(p for p in served[3][2].json()["people"] if p["place_name"] == "Women's house")
    move = SHELTER_PLAN_MOVE.format(id=plan_id)
    person = SHELTER_PLAN_PERSON.format(id=plan_id, person=adult["id"])
    served += [
        (
            SHELTER_PLAN_MOVE,
            "post",
            client.post(move, {"person": adult["id"], "place": str(children.pk)}, format="json"),
        ),
        (SHELTER_PLAN_PERSON, "put", client.put(person, {"risk_level": 2}, format="json")),
        (SHELTER_PLAN_PERSON, "put", client.put(person, {"risk_level": 7}, format="json")),
        (SHELTER_PLAN_PERSON, "put", ngo.put(person, {"risk_level": 2}, format="json")),
        (SHELTER_PLAN_PERSON, "delete", ngo.delete(person)),
    ]
    send = SHELTER_PLAN_SEND.format(id=plan_id)
    served += [
        (SHELTER_PLAN_SEND, "post", client.post(send, {}, format="json")),  # not solved again
        (SHELTER_PLAN_SEND, "post", ngo.post(send, {}, format="json")),
    ]
    client.post(SHELTER_PLAN_SOLVE.format(id=plan_id))
    served += [(SHELTER_PLAN_SEND, "post", client.post(send, {}, format="json"))]  # no agreement
    served += [
        (SHELTER_PLAN_PERSON, "delete", client.delete(person)),
        (SHELTER_PLAN_PERSON, "delete", client.delete(person)),  # gone already
    ]

    # then
    assert [r.status_code for _, _, r in served] == [
        201, 400, 403, 200, 200, 404, 400, 200, 400, 403, 403, 409, 403, 400, 200, 404
    ]  # fmt: skip
    assert_served_as_described(openapi, served)


# --- the national coordination desk (issue 6) ------------------------------------------------


def test_it_describes_desk_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a coordinator, an NGO caseworker, two public reports
    desk = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER)
    coordinator, ngo = api_client_for(desk), api_client_for(make_user(org_type=OrgType.NGO))
    advised, opened = (
        str(desk_services.report_submit(description=text, contact=contact).pk)
        for text, contact in (("Seen at a test port.", "a@example.org"), ("Seen at a farm.", ""))
    )
    body = {"channel": "email", "topic": "referral", "question": "Where to refer?"}
    # when
    served: list[Served] = [
        (DESK_CONSULTATIONS, "post", coordinator.post(DESK_CONSULTATIONS, body, format="json")),
        (DESK_CONSULTATIONS, "post", coordinator.post(DESK_CONSULTATIONS, {}, format="json")),
        (DESK_CONSULTATIONS, "post", ngo.post(DESK_CONSULTATIONS, body, format="json")),
        (DESK_CONSULTATIONS, "get", coordinator.get(DESK_CONSULTATIONS)),
    ]
    case_url = DESK_CONSULTATION_CASE.format(id=served[0][2].json()["id"])
    triage = DESK_REPORT_TRIAGE.format
    served += [
        (DESK_CONSULTATION_CASE, "post", coordinator.post(case_url, {}, format="json")),
        (DESK_CONSULTATION_CASE, "post", coordinator.post(case_url, {}, format="json")),
        (DESK_REPORTS, "get", coordinator.get(DESK_REPORTS)),
        (DESK_REPORTS, "get", ngo.get(DESK_REPORTS)),
        (DESK_REPORT, "get", coordinator.get(DESK_REPORT.format(id=advised))),
        (DESK_REPORT, "get", coordinator.get(DESK_REPORT.format(id=uuid.uuid4()))),
        (
            DESK_REPORT_TRIAGE,
            "post",
            coordinator.post(
                triage(id=advised), {"action": "advise", "advice": "Ask the police."}, format="json"
            ),
        ),
        (
            DESK_REPORT_TRIAGE,
            "post",
            coordinator.post(triage(id=opened), {"action": "open_case"}, format="json"),
        ),
        (
            DESK_REPORT_TRIAGE,
            "post",
            coordinator.post(
                triage(id=opened), {"action": "close", "reason": "abuse"}, format="json"
            ),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        201, 400, 403, 200, 201, 409, 200, 403, 200, 404, 200, 200, 409
    ]  # fmt: skip
    assert served[12][2].json()["code"] == "report_done"
    assert_served_as_described(openapi, served)


def test_it_describes_referral_and_lead_transfer_answers_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: an NGO-led case, a shelter under a legal-basis agreement, a third organisation
    s = referral_tests.referral_setup()
    sender, receiver, third = (api_client_for(u) for u in (s.sender, s.receiver, s.third))
    body = {
        "to_organisation_id": str(s.shelter.pk),
        "referral_type": "accommodation",
        "purpose": "assistance",
        "field_groups": ["identity", "health"],
        "message": "A synthetic message.",
    }
    send = CASE_REFERRALS.format(id=s.case.id)
    accept, decline, ask, answer, withdraw = REFERRAL_ACTIONS

    # when
    served: list[Served] = [(CASE_REFERRALS, "post", sender.post(send, body, format="json"))]
    one = served[0][2].json()["referral"]["id"]
    served += [
        (CASE_REFERRALS, "post", sender.post(send, body, format="json")),
        (REFERRAL, "get", third.get(REFERRAL.format(id=one))),
        (ask, "post", receiver.post(ask.format(id=one), {"question": "Q?"}, format="json")),
        (answer, "post", sender.post(answer.format(id=one), {"answer": "A."}, format="json")),
        (withdraw, "post", receiver.post(withdraw.format(id=one), {}, format="json")),
        (decline, "post", receiver.post(decline.format(id=one), {"reason": "x"}, format="json")),
        (REFERRALS_IN, "get", receiver.get(REFERRALS_IN, {"state": "sent"})),
        (REFERRALS_OUT, "get", sender.get(REFERRALS_OUT)),
        (REFERRAL, "get", receiver.get(REFERRAL.format(id=one))),
        (accept, "post", receiver.post(accept.format(id=one), {}, format="json")),
        (accept, "post", receiver.post(accept.format(id=one), {}, format="json")),
    ]
    lead_accept, lead_decline, lead_withdraw = LEAD_TRANSFER_ACTIONS
    propose = CASE_LEAD_TRANSFERS.format(id=s.case.id)
    to_shelter = {"to_organisation_id": str(s.shelter.pk), "reason": "A synthetic reason."}
    served.append((CASE_LEAD_TRANSFERS, "post", sender.post(propose, to_shelter, format="json")))
    transfer = served[-1][2].json()["id"]
    served += [
        (CASE_LEAD_TRANSFERS, "post", sender.post(propose, to_shelter, format="json")),
        (lead_withdraw, "post", receiver.post(lead_withdraw.format(id=transfer), format="json")),
        (
            lead_decline,
            "post",
            third.post(lead_decline.format(id=transfer), {"note": "No."}, format="json"),
        ),
        (lead_accept, "post", receiver.post(lead_accept.format(id=transfer), format="json")),
    ]

    # then
    assert [r.status_code for _, _, r in served] == [
        201, 400, 404, 200, 200, 403, 400, 200, 200, 200, 200, 409,
        201, 409, 403, 404, 200,
    ]  # fmt: skip
    assert_served_as_described(openapi, served)


def test_it_describes_sharing_checks_and_requests_for_access_as_served(
    openapi: dict[str, Any],
) -> None:
    # given: the police on an NGO-led team, an agreement that needs consent (issue 11)
    from haven.referrals.tests import test_access_requests as access_tests

    t = access_tests.team()
    lead, police, third = (api_client_for(u) for u in (t.lead, t.police, t.third))
    ask = CASE_ACCESS_REQUESTS.format(id=t.case.id)
    body = {"field_groups": ["narrative"], "reason": "A synthetic reason.", "purpose": "assistance"}
    check = SHARING_CHECK.format(id=t.case.id)

    # when
    served: list[Served] = [
        (SHARING_CHECK, "get", lead.get(check, {"to": str(t.police_org.pk), "purpose": "legal"})),
        (SHARING_CHECK, "get", third.get(check)),
        (CASE_ACCESS_REQUESTS, "post", lead.post(ask, body, format="json")),
        (CASE_ACCESS_REQUESTS, "post", police.post(ask, {"reason": ""}, format="json")),
        (CASE_ACCESS_REQUESTS, "post", police.post(ask, body, format="json")),
    ]
    one = served[-1][2].json()["request"]["id"]
    refuse = ACCESS_REQUEST_REFUSE.format(id=one)
    served += [
        (ACCESS_REQUEST, "get", lead.get(ACCESS_REQUEST.format(id=one))),
        (ACCESS_REQUEST, "get", third.get(ACCESS_REQUEST.format(id=one))),
        (ACCESS_REQUEST_REFUSE, "post", police.post(refuse, {"reason": "No."}, format="json")),
        (ACCESS_REQUEST_REFUSE, "post", lead.post(refuse, {"reason": ""}, format="json")),
        (ACCESS_REQUEST_REFUSE, "post", lead.post(refuse, {"reason": "No."}, format="json")),
        (ACCESS_REQUEST_REFUSE, "post", lead.post(refuse, {"reason": "No."}, format="json")),
    ]

    # then
    assert [r.status_code for _, _, r in served] == [
        200, 404, 403, 400, 201, 200, 404, 403, 400, 200, 409,
    ]  # fmt: skip
    assert_served_as_described(openapi, served)


# --- erasure with a second approver and legal holds (issue 12) ------------------------------


def test_it_describes_erasure_and_legal_hold_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a caseworker and two supervisors of the lead, and a police caseworker on the team
    asker = make_user(role=Role.SUPERVISOR)
    approver = make_user(role=Role.SUPERVISOR, organisation=asker.organisation)
    police_user = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=asker)
    add_to_team(case=case, organisation=org_of(police_user))
    first, second, police = (api_client_for(u) for u in (asker, approver, police_user))
    requests, holds = ERASURE_REQUESTS.format(id=case.id), LEGAL_HOLDS.format(id=case.id)
    ask = {"reason": "person_asked", "note": "Asked in writing."}

    # when: asked, refused, held, lifted, asked again and approved
    served: list[Served] = [
        (ERASURE_REQUESTS, "post", police.post(requests, ask, format="json")),
        (ERASURE_REQUESTS, "post", first.post(requests, {"reason": "x"}, format="json")),
        (ERASURE_REQUESTS, "post", first.post(requests, ask, format="json")),
        (ERASURE_REQUESTS, "post", first.post(requests, ask, format="json")),
    ]
    one = served[2][2].json()["id"]
    refuse = ERASURE_REFUSE.format(id=one)
    served += [
        (ERASURE_REQUESTS, "get", second.get(requests)),
        (ERASURE_REQUESTS, "get", police.get(requests)),
        (ERASURE_APPROVE, "post", first.post(ERASURE_APPROVE.format(id=one), format="json")),
        (ERASURE_APPROVE, "post", police.post(ERASURE_APPROVE.format(id=one), format="json")),
        (ERASURE_REFUSE, "post", second.post(refuse, {"reason": ""}, format="json")),
        (ERASURE_REFUSE, "post", second.post(refuse, {"reason": "No."}, format="json")),
        (ERASURE_APPROVE, "post", second.post(ERASURE_APPROVE.format(id=one), format="json")),
        (LEGAL_HOLDS, "post", police.post(holds, {"reason": "investigation"}, format="json")),
        (LEGAL_HOLDS, "post", second.post(holds, {"reason": "x"}, format="json")),
        (LEGAL_HOLDS, "post", second.post(holds, {"reason": "proceedings"}, format="json")),
        (LEGAL_HOLDS, "get", first.get(holds)),
    ]
    hold = served[-2][2].json()["id"]
    lift = LEGAL_HOLD_LIFT.format(id=hold)
    served += [
        (ERASURE_REQUESTS, "post", first.post(requests, ask, format="json")),
        (LEGAL_HOLD_LIFT, "post", police.post(lift, format="json")),
        (LEGAL_HOLD_LIFT, "post", second.post(lift, format="json")),
        (LEGAL_HOLD_LIFT, "post", second.post(lift, format="json")),
        (ERASURE_REQUESTS, "post", first.post(requests, ask, format="json")),
    ]
    two = served[-1][2].json()["id"]
    served.append(
        (ERASURE_APPROVE, "post", second.post(ERASURE_APPROVE.format(id=two), format="json"))
    )

    # then
    assert [r.status_code for _, _, r in served] == [
        403, 400, 201, 409, 200, 403, 403, 404, 400, 200, 409,
        403, 400, 201, 200,
        409, 403, 200, 404, 201, 200,
    ]  # fmt: skip
    assert served[-1][2].json()["state"] == "erased"
    assert served[-1][2].json()["note"] == ""  # sealed under the erased person's key
    assert_served_as_described(openapi, served)


# --- cross-border referral packages (issue 6, R-50) ------------------------------------------


def test_it_describes_crossborder_answers_as_served(openapi: dict[str, Any]) -> None:
    from haven.referrals.tests import test_crossborder as crossborder_tests

    # given: A's case lead and a team member; B's caseworker with A registered
    s = crossborder_tests.sender()
    export = CROSSBORDER_EXPORT.format(id=s.case.id)
    body = {"partner_id": str(s.partner.id), "stage": "return", "consent_id": str(s.consent.id)}
    lead, member = api_client_for(s.lead), api_client_for(s.member)
    importer = api_client_for(crossborder_tests.receiver())
    # when
    with crossborder_tests.as_instance_a():
        served: list[Served] = [
            (CROSSBORDER_EXPORT, "post", lead.post(export, body, format="json")),
            (CROSSBORDER_EXPORT, "post", lead.post(export, {**body, "stage": "x"}, format="json")),
            (CROSSBORDER_EXPORT, "post", member.post(export, body, format="json")),
        ]
    served.append(
        (CROSSBORDER_EXPORT, "post", lead.post(export, body, format="json"))  # not configured
    )
    with (
        crossborder_tests.as_instance_b(),
        time_machine.travel(crossborder_tests.NOW, tick=False),
    ):
        package = crossborder_tests.from_a()
        tampered = package.replace("referral", "referrak")
        bodies = [
            {"package": package},
            {"package": package, "confirm": True},
            {"package": package, "confirm": True},
            {"package": tampered, "confirm": True},
        ]
        served += [
            (CROSSBORDER_IMPORT, "post", importer.post(CROSSBORDER_IMPORT, b, format="json"))
            for b in bodies
        ]
        served.append((CROSSBORDER_TRANSFERS, "get", importer.get(CROSSBORDER_TRANSFERS)))

    # then
    assert [r.status_code for _, _, r in served] == [201, 400, 403, 409, 200, 201, 409, 400, 200]
    assert_served_as_described(openapi, served)


def test_it_describes_linkage_check_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: Anna known to an NGO; a colleague, the police, a rapporteur and a bad body
    ngo = make_user(org_type=OrgType.NGO)
    linkage_factories.anna(ngo)
    colleague = api_client_for(linkage_factories.caseworker_of(org_of(ngo)))
    police = api_client_for(make_user(org_type=OrgType.POLICE))
    rapporteur = api_client_for(make_user(role=Role.RAPPORTEUR))
    body = {"given_name": "Anna", "family_name": "Ivanova", "date_of_birth": "1990-05-17"}

    # when
    served: list[Served] = [
        (LINKAGE_CHECK, "post", colleague.post(LINKAGE_CHECK, body, format="json")),
        (LINKAGE_CHECK, "post", police.post(LINKAGE_CHECK, body, format="json")),
        (LINKAGE_CHECK, "post", police.post(LINKAGE_CHECK, {"sex": "?"}, format="json")),
        (LINKAGE_CHECK, "post", rapporteur.post(LINKAGE_CHECK, body, format="json")),
        (LINKAGE_CHECK, "post", police.post(LINKAGE_CHECK, {}, format="json")),
    ]
    with override_settings(HAVEN_LINKAGE_CHECK_LIMIT=0):
        served.append((LINKAGE_CHECK, "post", police.post(LINKAGE_CHECK, body, format="json")))

    # then
    assert [r.status_code for _, _, r in served] == [200, 200, 400, 403, 200, 429]
    assert_served_as_described(openapi, served)


def test_it_describes_protected_release_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: the Rapporteur (who releases), the coordinator (who reads), a caseworker
    releaser = api_client_for(statistics_helpers.rapporteur())
    reader = api_client_for(statistics_helpers.coordinator())
    outsider = api_client_for(statistics_helpers.caseworker())
    body = {
        "dataset": "registered_victims",
        "table": "year_exploitation",
        "year_from": 2024,
        "year_to": 2025,
        "epsilon": "1.5",
    }

    # when
    made = releaser.post(STATISTICS_RELEASES, body, format="json")
    one = STATISTICS_RELEASES + made.json()["id"] + "/"
    served: list[Served] = [
        (STATISTICS_RELEASES, "post", made),
        (STATISTICS_RELEASES, "post", releaser.post(STATISTICS_RELEASES, body, format="json")),
        (STATISTICS_RELEASES, "post", releaser.post(STATISTICS_RELEASES, {}, format="json")),
        (STATISTICS_RELEASES, "post", reader.post(STATISTICS_RELEASES, body, format="json")),
        (STATISTICS_RELEASES, "get", reader.get(STATISTICS_RELEASES)),
        (STATISTICS_RELEASES, "get", outsider.get(STATISTICS_RELEASES)),
        (STATISTICS_RELEASE, "get", reader.get(one)),
        (STATISTICS_RELEASE, "get", reader.get(STATISTICS_RELEASES + "nope/")),
    ]

    # then
    assert [r.status_code for _, _, r in served] == [201, 409, 400, 403, 200, 403, 200, 404]


def test_it_describes_statistics_exchange_answers_as_served(
    openapi: dict[str, Any], tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.statistics import exchange
    from haven.statistics.tests.exchange_factories import coordinator, rapporteur

    # given: the Rapporteur, the coordinator, an NGO, and a state whose key is known
    private, public = exchange.keygen()
    peers = tmp_path / "peers.yaml"
    peers.write_text(f"LV: {public}\n")
    release = exchange.RegionalRelease(
        sender="LV",
        created_at="2026-01-01T00:00:00Z",
        threshold=5,
        cells={("2023", "male", "adult", "labour"): 8},
    )
    signed = exchange.dumps(release, exchange.private_key(private))
    chief = api_client_for(rapporteur())
    looker = api_client_for(coordinator())
    ngo = api_client_for(make_user(org_type=OrgType.NGO))

    def upload(**fields: Any) -> dict[str, Any]:
        return {
            k: SimpleUploadedFile("f", v) if isinstance(v, bytes) else v for k, v in fields.items()
        }

    # when
    with override_settings(
        HAVEN_STATISTICS_EXCHANGE_PEERS_FILE=str(peers),
        HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY=private,
    ):
        served: list[Served] = [
            (EXCHANGE + "htcds/export/", "post", looker.post(EXCHANGE + "htcds/export/")),
            (EXCHANGE + "htcds/export/", "post", ngo.post(EXCHANGE + "htcds/export/")),
            (EXCHANGE + "ctdc/", "post", looker.post(EXCHANGE + "ctdc/")),
            (EXCHANGE + "regional/export/", "post", chief.post(EXCHANGE + "regional/export/")),
            (
                EXCHANGE + "htcds/import/",
                "post",
                chief.post(
                    EXCHANGE + "htcds/import/",
                    upload(sent_by="LV", file=b"prs_Gender\nFeminine\n"),
                    format="multipart",
                ),
            ),
            (
                EXCHANGE + "htcds/import/",
                "post",
                chief.post(
                    EXCHANGE + "htcds/import/",
                    upload(sent_by="LV", file=b"prs_Gender\nwoman\n"),
                    format="multipart",
                ),
            ),
            (
                EXCHANGE + "regional/import/",
                "post",
                chief.post(EXCHANGE + "regional/import/", upload(file=signed), format="multipart"),
            ),
            (EXCHANGE + "regional/trends/", "get", looker.get(EXCHANGE + "regional/trends/")),
        ]

    # then
    assert [r.status_code for _, _, r in served] == [200, 403, 200, 200, 201, 400, 201, 200]


def test_it_describes_the_statistics_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a register, a rapporteur and the police
    opener = make_user()
    write(generate(random.Random(3), 60), opener=opener)
    rapporteur = api_client_for(make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    police = api_client_for(make_user(org_type=OrgType.POLICE))

    # when
    served: list[Served] = [
        (STATISTICS_EUROSTAT, "get", rapporteur.get(STATISTICS_EUROSTAT + "?year=2024")),
        (STATISTICS_EUROSTAT, "get", rapporteur.get(STATISTICS_EUROSTAT + "?year=1900")),
        (STATISTICS_EUROSTAT, "get", police.get(STATISTICS_EUROSTAT)),
        (STATISTICS_TRENDS, "get", rapporteur.get(STATISTICS_TRENDS)),
        (STATISTICS_TRENDS, "get", police.get(STATISTICS_TRENDS)),
        (STATISTICS_BACKLOG, "get", rapporteur.get(STATISTICS_BACKLOG)),
        (STATISTICS_BACKLOG, "get", police.get(STATISTICS_BACKLOG)),
    ]

    # then
    assert [r.status_code for _, _, r in served] == [200, 400, 403, 200, 403, 200, 403]


def test_it_describes_the_deduplication_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: one woman recorded twice in Finland, the coordinator's staff, a caseworker
    world = World()
    staff = api_client_for(world.coordinator)
    proposer = api_client_for(world.supervisor)
    approver = api_client_for(world.second)
    outsider = api_client_for(world.first_worker)

    def at(path: str, id: object) -> str:
        return path.replace("{id}", str(id))

    # when
    served: list[Served] = [(LINKAGE_RUNS, "post", staff.post(LINKAGE_RUNS, format="json"))]
    served.append((LINKAGE_RUNS, "post", staff.post(LINKAGE_RUNS, format="json")))
    run = DedupeRun.objects.get()
    linkage_review.run_execute(run.id)
    served += [
        (LINKAGE_RUNS, "get", staff.get(LINKAGE_RUNS)),
        (LINKAGE_RUNS, "get", outsider.get(LINKAGE_RUNS)),
        (LINKAGE_RUN, "get", staff.get(at(LINKAGE_RUN, run.id))),
        (LINKAGE_RUN, "get", staff.get(at(LINKAGE_RUN, "00000000-0000-0000-0000-000000000000"))),
        (LINKAGE_PAIRS, "get", staff.get(LINKAGE_PAIRS)),
    ]
    pair_id = served[-1][2].json()["results"][0]["id"]
    decide = at(LINKAGE_PAIR_DECIDE, pair_id)
    served += [
        (LINKAGE_PAIR, "get", staff.get(at(LINKAGE_PAIR, pair_id))),
        (LINKAGE_PAIR_DECIDE, "post", staff.post(decide, {"decision": "x"}, format="json")),
        (
            LINKAGE_PAIR_DECIDE,
            "post",
            proposer.post(decide, {"decision": "same", "reason": "same"}, format="json"),
        ),
        (LINKAGE_MERGES, "get", staff.get(LINKAGE_MERGES)),
    ]
    merge_id = served[-1][2].json()[0]["id"]
    approve = at(LINKAGE_MERGE_APPROVE, merge_id)
    served += [
        (LINKAGE_MERGE, "get", staff.get(at(LINKAGE_MERGE, merge_id))),
        (
            LINKAGE_MERGE_APPROVE,
            "post",
            proposer.post(approve, {"approve": True, "reason": "ok"}, format="json"),
        ),
        (
            LINKAGE_MERGE_APPROVE,
            "post",
            approver.post(approve, {"approve": True, "reason": "ok"}, format="json"),
        ),
        (
            LINKAGE_UNMERGE,
            "post",
            approver.post(at(LINKAGE_UNMERGE, merge_id), {"reason": "no"}, format="json"),
        ),
        (
            LINKAGE_UNMERGE,
            "post",
            approver.post(at(LINKAGE_UNMERGE, merge_id), {"reason": "no"}, format="json"),
        ),
    ]

    # then
    assert [r.status_code for _, _, r in served] == [
        202, 409, 200, 403, 200, 404, 200, 200, 400, 200, 200, 200, 403, 200, 200, 409
    ]  # fmt: skip
    assert_served_as_described(openapi, served)


def test_it_describes_shelter_places_and_capacity_as_served(openapi: dict[str, Any]) -> None:
    from haven.shelters.tests.places_factories import coordinator, shelter_org, staff

    def at(path: str, id: object) -> str:
        return path.replace("{id}", str(id))

    # given
    keeper = api_client_for(staff(shelter_org()))
    boss = api_client_for(coordinator())
    place = {"name": "Birch House", "kind": "shelter", "region": "Uusimaa", "address": "x"}
    # when
    served: list[Served] = [
        (SHELTER_PLACES, "post", keeper.post(SHELTER_PLACES, place, format="json"))
    ]
    place_id = served[0][2].json()["id"]
    served += [
        (
            SHELTER_PLACES,
            "post",
            keeper.post(SHELTER_PLACES, {**place, "region": "Atlantis"}, format="json"),
        ),
        (SHELTER_PLACES, "post", boss.post(SHELTER_PLACES, place, format="json")),
        (
            SHELTER_ROOMS,
            "post",
            keeper.post(at(SHELTER_ROOMS, place_id), {"name": "A"}, format="json"),
        ),
    ]
    room_id = served[-1][2].json()["id"]
    served.append(
        (SHELTER_BEDS, "post", keeper.post(at(SHELTER_BEDS, room_id), {"count": 2}, format="json"))
    )
    bed_id = served[-1][2].json()[0]["id"]
    served += [
        (
            SHELTER_BED_OUTAGES,
            "post",
            keeper.post(at(SHELTER_BED_OUTAGES, bed_id), {"reason": "x"}, format="json"),
        ),
        (
            SHELTER_BED_OUTAGES,
            "post",
            keeper.post(at(SHELTER_BED_OUTAGES, bed_id), {"reason": "repair"}, format="json"),
        ),
        (SHELTER_PLACE, "get", keeper.get(at(SHELTER_PLACE, place_id))),
        (SHELTER_PLACE, "get", boss.get(at(SHELTER_PLACE, place_id))),
        (SHELTER_PLACE, "get", boss.get(at(SHELTER_PLACE, "gone"))),
        (
            SHELTER_PLACE,
            "patch",
            keeper.patch(at(SHELTER_PLACE, place_id), {"version": 1}, format="json"),
        ),
        (
            SHELTER_PLACE,
            "patch",
            keeper.patch(at(SHELTER_PLACE, place_id), {"version": 1}, format="json"),
        ),
        (SHELTER_PLACES, "get", keeper.get(SHELTER_PLACES)),
        (SHELTER_PLACES, "get", boss.get(SHELTER_PLACES)),
        (SHELTER_BED_IN_SERVICE, "post", keeper.post(at(SHELTER_BED_IN_SERVICE, bed_id))),
        (SHELTER_BED_RETIRE, "post", keeper.post(at(SHELTER_BED_RETIRE, bed_id))),
        (SHELTER_BED_RETIRE, "post", boss.post(at(SHELTER_BED_RETIRE, bed_id))),
        (SHELTER_CAPACITY, "get", boss.get(SHELTER_CAPACITY, {"weeks": 1})),
        (SHELTER_CAPACITY, "get", boss.get(SHELTER_CAPACITY, {"weeks": 99})),
        (SHELTER_PLACE_CLOSE, "post", keeper.post(at(SHELTER_PLACE_CLOSE, place_id))),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        201, 400, 403, 201, 201, 400, 201, 200, 200, 404, 200, 409, 200, 200, 200, 200, 404,
        200, 400, 200,
    ]  # fmt: skip
    assert_served_as_described(openapi, served)


def test_it_describes_return_answers_as_served(openapi: dict[str, Any]) -> None:
    # given: a woman with an open compensation claim, a partner in Ukraine on the team,
    # a health service on the team (no assessment group)
    from haven.returns.models import FollowUp, ReintegrationGoal
    from haven.returns.tests.factories import load_profiles, open_claim, partner_in

    load_profiles()
    lead = make_user(org_type=OrgType.NGO)
    partner = make_user(organisation=partner_in("UA"))
    health = make_user(org_type=OrgType.HEALTH)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(partner))
    add_to_team(case=case, organisation=org_of(health))
    open_claim(case=case, by=lead)
    ngo, clinic = api_client_for(lead), api_client_for(health)
    coordinator = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    today = timezone.localdate()
    plan = {
        "country": "UA",
        "wishes": "Home.",
        "voluntariness": "voluntary",
        "risk_retrafficking": "low",
        "risk_reprisals": "low",
        "risk_family": "",
        "partner_organisation_id": str(org_of(partner).pk),
        "planned_on": today.isoformat(),
    }
    plans = RETURN_PLANS.format(id=case.id)
    profile = COUNTRY_PROFILE.format(country="UA")
    edit = {
        "name": "Ukraine",
        "partner_organisations": ["Nadiya"],
        "focal_points": ["Focal point"],
        "known_risks": "Re-recruitment.",
        "willingness": "adequate",
        "capacity": "limited",
        "last_reviewed_on": today.isoformat(),
        "version": 1,
    }
    # when
    served: list[Served] = [
        (COUNTRY_PROFILES, "get", ngo.get(COUNTRY_PROFILES)),
        (COUNTRY_PROFILE, "get", ngo.get(profile)),
        (COUNTRY_PROFILE, "post", ngo.post(profile, edit, format="json")),
        (COUNTRY_PROFILE, "post", coordinator.post(profile, edit, format="json")),
        (RETURN_PLANS, "post", ngo.post(plans, {**plan, "wishes": ""}, format="json")),
        (RETURN_PLANS, "post", ngo.post(plans, plan, format="json")),
        (RETURN_PLANS, "get", ngo.get(plans)),
        (RETURN_PLANS, "get", clinic.get(plans)),
    ]
    plan_id = served[5][2].json()["plans"][0]["id"]
    base = RETURN_PLAN.format(id=plan_id)
    assessed = {**plan, "risk_family": "low", "risk_assessed_on": today.isoformat(), "version": 1}
    served += [
        (
            RETURN_TRANSITION,
            "post",
            ngo.post(base + "transitions/", {"action": "approve"}, format="json"),
        ),
        (RETURN_PLAN, "post", ngo.post(base, assessed, format="json")),
        (
            RETURN_TRANSITION,
            "post",
            ngo.post(base + "transitions/", {"action": "approve"}, format="json"),
        ),
        (
            RETURN_ACKNOWLEDGE,
            "post",
            ngo.post(
                base + "acknowledgements/",
                {"warning": "open_remedies", "reason": "Lawyer by proxy."},
                format="json",
            ),
        ),
        (
            RETURN_TRANSITION,
            "post",
            ngo.post(base + "transitions/", {"action": "approve"}, format="json"),
        ),
        (
            RETURN_GOALS,
            "post",
            ngo.post(base + "goals/", {"area": "housing", "goal": "A flat."}, format="json"),
        ),
        (
            RETURN_TRANSITION,
            "post",
            ngo.post(
                base + "transitions/",
                {"action": "mark_returned", "returned_on": today.isoformat()},
                format="json",
            ),
        ),
    ]
    goal = ReintegrationGoal.objects.get()
    follow_up = FollowUp.objects.get(months=1)
    served += [
        (
            REINTEGRATION_GOAL,
            "post",
            ngo.post(
                REINTEGRATION_GOAL.format(id=goal.id),
                {"outcome": "achieved", "version": 1},
                format="json",
            ),
        ),
        (
            RETURN_FOLLOW_UP,
            "post",
            ngo.post(
                RETURN_FOLLOW_UP.format(id=follow_up.id),
                {"contacted_on": today.isoformat(), "outcome": "met_well"},
                format="json",
            ),
        ),
        (
            RETURN_FOLLOW_UP,
            "post",
            api_client_for(partner).post(
                RETURN_FOLLOW_UP.format(id=follow_up.id),
                {"contacted_on": today.isoformat(), "outcome": "met_well", "indicators": []},
                format="json",
            ),
        ),
    ]
    # then
    assert [r.status_code for _, _, r in served] == [
        *(200, 200, 403, 200, 400, 201, 200, 403),
        *(409, 200, 409, 200, 200, 201, 200),
        *(200, 403, 200),
    ]
    assert [served[i][2].json()["code"] for i in (8, 10)] == [
        "return_blocked",
        "warning_unacknowledged",
    ]
    assert_served_as_described(openapi, served)
