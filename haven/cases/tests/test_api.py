"""The cases API end to end, through the test client with real bearer tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from haven.access.models import FieldGroup
from haven.accounts import services as account_services
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors
from haven.cases import services as case_services
from haven.cases.api import cases as api
from haven.cases.models import Case, ExploitationForm
from haven.cases.tests.factories import add_to_team, open_case

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/cases/"


def api_client_for(user: User) -> APIClient:
    """A client carrying a bearer token issued the real way (password + TOTP).

    Once per user and test: a TOTP code cannot be replayed.
    """
    device = confirmed_totp(user)
    raw, _token = account_services.api_token_issue(
        username=user.username, password=PASSWORD, otp=totp_now(device)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def detail_url(case_id: object) -> str:
    return f"/api/v1/cases/{case_id}/"


def intake(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": "Mari",
        "family_name": "Näidis",
        "date_of_birth": "1990-04-01",
        "age_status": "verified_adult",
        "sex": "female",
        "gender_identity": "woman",
        "citizenships": ["EE"],
        "languages": ["et", "ru"],
        "contact": "+372 5000 0000",
        "current_location": "Shelter 3, Näidistänav 2",
        "health_notes": "None known.",
        "forms_of_exploitation": ["forced_labour"],
        "narrative": "Recruited for seasonal work.",
    }
    body.update(overrides)
    return body


# --- authentication -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST_URL),
        ("post", LIST_URL),
        ("get", "{detail}"),
        ("post", "{detail}transitions/"),
        ("post", "{detail}narrative/"),
        ("get", "{detail}access-report/"),
    ],
)
def test_it_answers_401_without_data_when_no_token_is_sent(method: str, path: str) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    url = path.format(detail=detail_url(case.id))
    # when
    anonymous = getattr(APIClient(), method)(url, {}, format="json")
    authenticated = getattr(api_client_for(lead), method)(url, {}, format="json")
    # then
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer"
    assert case.reference.encode() not in anonymous.content
    assert authenticated.status_code != 401


@pytest.mark.parametrize(
    "header", ["Bearer not-a-real-token", "Token abc", "Bearer", "Bearer two parts"]
)
def test_it_refuses_an_unknown_or_malformed_authorization_header(header: str) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    open_case(actor=lead)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 401
    assert "results" not in response.json()


def test_it_does_not_accept_a_browser_session_instead_of_a_token() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    open_case(actor=lead)
    client = APIClient()
    client.force_login(lead)
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 401


# --- list -----------------------------------------------------------------------------


def test_it_lists_only_cases_whose_team_includes_the_callers_organisation() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    other = make_user(org_type=OrgType.NGO)
    own = open_case(actor=lead)
    foreign = open_case(actor=other)
    # when
    response = api_client_for(lead).get(LIST_URL)
    # then
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(own.id)]
    assert foreign.reference not in response.content.decode()


def test_it_lists_a_case_for_a_member_organisation_too() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(police))
    # when
    items = api_client_for(police).get(LIST_URL).json()["results"]
    # then
    assert [item["reference"] for item in items] == [case.reference]
    assert items[0]["lead_organisation"] == org_of(lead).name


def test_it_shows_no_personal_data_in_the_list() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(
        actor=lead, given_name="Ilmari", family_name="Listatesti", current_location="Piilo 9"
    )
    # when
    response = api_client_for(lead).get(LIST_URL)
    # then
    (item,) = response.json()["results"]
    assert set(item) == {
        "id",
        "reference",
        "identification_status",
        "lead_organisation",
        "opened_at",
        "forms_of_exploitation",
    }
    assert item["reference"] == case.reference
    assert item["identification_status"] == "potential"
    assert item["forms_of_exploitation"] == [ExploitationForm.LABOUR]
    for secret in ("Ilmari", "Listatesti", "Piilo"):
        assert secret not in response.content.decode()


def test_it_filters_the_list_by_status() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    potential = open_case(actor=lead)
    presumed = open_case(actor=lead)
    case_services.case_transition(
        pathway_decision=True,
        actor=lead,
        case_id=presumed.id,
        to_status="presumed",
        reasons="Indicators found.",
        legal_basis="Test Act s. 1",
    )
    client = api_client_for(lead)
    # when
    only_presumed = client.get(LIST_URL, {"status": "presumed"}).json()["results"]
    only_potential = client.get(LIST_URL, {"status": "potential"}).json()["results"]
    # then
    assert [item["id"] for item in only_presumed] == [str(presumed.id)]
    assert [item["id"] for item in only_potential] == [str(potential.id)]


def test_it_filters_the_list_by_part_of_the_reference() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    wanted = open_case(actor=lead)
    other = open_case(actor=lead)
    fragment = wanted.reference[-6:].lower()
    # when
    items = api_client_for(lead).get(LIST_URL, {"reference": fragment}).json()["results"]
    # then
    assert [item["reference"] for item in items] == [wanted.reference]
    assert other.reference[-6:].lower() != fragment


def test_it_rejects_an_unknown_status_filter_with_a_field_error() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    # when
    response = api_client_for(lead).get(LIST_URL, {"status": "convicted"})
    # then
    assert response.status_code == 400
    assert list(response.json()["field_errors"]) == ["status"]


def test_it_pages_the_list_newest_first() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    cases = [open_case(actor=lead) for _ in range(30)]
    client = api_client_for(lead)
    # when
    first = client.get(LIST_URL).json()
    second = client.get(LIST_URL, {"page": 2}).json()
    beyond = client.get(LIST_URL, {"page": 3})
    # then
    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(second["results"]) == 5
    assert second["next"] is None
    listed = [item["id"] for item in first["results"] + second["results"]]
    assert listed == [str(c.id) for c in sorted(cases, key=lambda c: c.opened_at, reverse=True)]
    assert beyond.status_code == 404


# Bearer-token lookup (with the user and organisation), COUNT for the page, the page.
LIST_QUERIES = 3


@pytest.mark.parametrize("cases", [3, 30])
def test_it_lists_cases_in_a_fixed_number_of_queries(
    cases: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    for _ in range(cases):
        open_case(actor=lead)
    client = api_client_for(lead)
    # when
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    # then
    assert response.json()["count"] == cases


# --- intake ---------------------------------------------------------------------------


def test_it_opens_a_case_and_answers_with_its_detail() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    client = api_client_for(lead)
    # when
    response = client.post(LIST_URL, intake(), format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == detail_url(body["id"])
    assert body["identification_status"] == "potential"
    assert body["lead_organisation"] == org_of(lead).name
    identity = body["field_groups"]["identity"]
    assert (identity["given_name"], identity["date_of_birth"]) == ("Mari", "1990-04-01")
    assert identity["citizenships"] == ["EE"]
    assert body["field_groups"]["narrative"]["entries"][0]["text"] == "Recruited for seasonal work."
    assert [item["id"] for item in client.get(LIST_URL).json()["results"]] == [body["id"]]


def test_it_opens_a_case_with_nothing_known_but_the_age_status_default() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    # when
    response = api_client_for(lead).post(LIST_URL, {}, format="json")
    # then
    assert response.status_code == 201
    assert response.json()["field_groups"]["identity"]["age_status"] == "uncertain"


def test_it_presumes_a_child_when_the_estimated_age_may_be_under_18() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    body = intake(date_of_birth=None, age_status="uncertain", estimated_age_min=15)
    body["estimated_age_max"] = 19
    # when
    response = api_client_for(lead).post(LIST_URL, body, format="json")
    # then
    assert response.status_code == 201
    assert response.json()["treat_as_child"] is True


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"citizenships": ["EE", "XX"]}, "citizenships"),
        ({"citizenships": ["ee"]}, "citizenships"),
        ({"languages": ["russian"]}, "languages"),
        ({"sex": "robot"}, "sex"),
        ({"gender_identity": "unknown"}, "gender_identity"),
        ({"age_status": "adult"}, "age_status"),
        ({"forms_of_exploitation": ["piracy"]}, "forms_of_exploitation"),
        ({"date_of_birth": "01.04.1990"}, "date_of_birth"),
        ({"estimated_age_min": -1}, "estimated_age_min"),
        ({"given_name": "x" * 201}, "given_name"),
    ],
)
def test_it_refuses_invalid_intake_fields_and_creates_nothing(
    override: dict[str, Any], field: str
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    client = api_client_for(lead)
    # when
    response = client.post(LIST_URL, intake(**override), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["field_errors"]) == [field]
    assert client.get(LIST_URL).json()["count"] == 0


def test_it_names_the_wrong_item_of_a_list_field() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    # when
    response = api_client_for(lead).post(LIST_URL, intake(citizenships=["FI", "XX"]), format="json")
    # then
    assert list(response.json()["field_errors"]["citizenships"]) == ["1"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({"age_status": "verified_adult", "date_of_birth": "2020-01-01"}, "age_status"),
        (
            {"estimated_age_min": 30, "estimated_age_max": 20, "date_of_birth": None},
            "estimated_age_min",
        ),
    ],
)
def test_it_returns_the_services_field_error_and_creates_nothing(
    override: dict[str, Any], field: str
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    client = api_client_for(lead)
    # when
    response = client.post(LIST_URL, intake(**override), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field
    assert client.get(LIST_URL).json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CASEWORKER, 201), (Role.SUPERVISOR, 201), (Role.ORG_ADMIN, 403)],
)
def test_it_lets_only_case_roles_open_cases(role: str, status: int) -> None:
    # given
    user = make_user(org_type=OrgType.NGO, role=role)
    # when
    response = api_client_for(user).post(LIST_URL, intake(), format="json")
    # then
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "role_not_allowed"


def test_it_accepts_only_json() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    # when
    response = api_client_for(lead).post(LIST_URL, {"given_name": "Mari"}, format="multipart")
    # then
    assert response.status_code == 415


# --- detail ---------------------------------------------------------------------------


@pytest.fixture
def shared_case() -> dict[str, Any]:
    """One case with an NGO lead, a police member and an NGO outsider."""
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    outsider = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, narrative="First told at the border.")
    add_to_team(case=case, organisation=org_of(police), by=lead)
    return {"case": case, "lead": lead, "police": police, "outsider": outsider}


def test_it_shows_the_case_lead_every_field_group(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    # when
    response = api_client_for(shared_case["lead"]).get(detail_url(case.id))
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body["field_groups"]) == set(FieldGroup.values)
    assert body["hidden_field_groups"] == {}
    assert body["field_groups"]["location"]["current_location"] == "Safe house 7, Testikatu 1"
    assert body["field_groups"]["location"]["code"] == "case_lead"
    assert body["field_groups"]["location"]["reason"]
    assert body["reference"] == case.reference
    assert {(m["org_type"], m["is_lead"]) for m in body["team"]} == {
        ("ngo", True),
        ("police", False),
    }


def test_it_hides_location_and_health_from_a_police_member_and_says_why(
    shared_case: dict[str, Any],
) -> None:
    # given
    case: Case = shared_case["case"]
    # when
    response = api_client_for(shared_case["police"]).get(detail_url(case.id))
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body["hidden_field_groups"]) == {"location", "health", "services"}
    assert set(body["field_groups"]) == set(FieldGroup.values) - set(body["hidden_field_groups"])
    # the member's agreement (add_to_team's legal-basis default) lets only the
    # police type's default groups flow: never location or health
    assert body["field_groups"]["narrative"]["code"] == "legal_basis"
    for group in ("location", "health"):
        assert body["hidden_field_groups"][group]["code"] == "no_agreement"
        assert org_of(shared_case["lead"]).name in body["hidden_field_groups"][group]["reason"]
    for secret in ("Safe house 7", "injured wrist"):
        assert secret not in response.content.decode()


def test_it_records_the_groups_shown_in_the_audit_trail(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    lead: User = shared_case["lead"]
    api_client_for(shared_case["police"]).get(detail_url(case.id))
    # when
    events = selectors.person_access_report(user=lead, case_id=case.id)
    # then
    police_reads = [
        e for e in events if e.action == Action.READ and e.actor_id == shared_case["police"].pk
    ]
    assert len(police_reads) == 1
    assert "location" not in police_reads[0].field_groups.split(",")
    assert "identity" in police_reads[0].field_groups.split(",")


def test_it_shows_an_erased_persons_groups_as_hidden() -> None:
    # given
    supervisor = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR)
    case = open_case(actor=supervisor)
    case_services.person_erase(actor=supervisor, case_id=case.id)
    # when
    body = api_client_for(supervisor).get(detail_url(case.id)).json()
    # then
    assert body["erased"] is True
    assert body["field_groups"] == {}
    assert {g["code"] for g in body["hidden_field_groups"].values()} == {"person_erased"}
    assert set(body["hidden_field_groups"]) == set(FieldGroup.values)


@pytest.mark.parametrize("who", ["lead", "outsider"])
def test_it_tells_caches_not_to_keep_case_answers(shared_case: dict[str, Any], who: str) -> None:
    # given
    case: Case = shared_case["case"]
    # when
    response = api_client_for(shared_case[who]).get(detail_url(case.id))
    # then
    assert response.status_code == {"lead": 200, "outsider": 404}[who]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


CASE_URLS = [
    ("get", "{}"),
    ("post", "{}transitions/"),
    ("post", "{}narrative/"),
    ("get", "{}access-report/"),
]


@pytest.mark.parametrize(("method", "template"), CASE_URLS)
def test_it_gives_the_same_404_for_hidden_missing_and_malformed_ids(
    shared_case: dict[str, Any], method: str, template: str
) -> None:
    # given
    case: Case = shared_case["case"]
    outsider = api_client_for(shared_case["outsider"])
    body = {
        "to_status": "declined_formal_identification",
        "reasons": "x",
        "text": "x",
        "legal_basis": "x",
    }

    def call(case_id: object) -> Any:
        url = template.format(detail_url(case_id))
        return getattr(outsider, method)(url, body, format="json")

    # when
    hidden = call(case.id)
    missing = call(uuid.uuid4())
    malformed = call("not-a-case-id")
    allowed = getattr(api_client_for(shared_case["lead"]), method)(
        template.format(detail_url(case.id)), body, format="json"
    )
    # then
    assert hidden.status_code == missing.status_code == malformed.status_code == 404
    assert hidden.content == missing.content == malformed.content
    assert hidden.json()["code"] == "case_not_found"
    assert allowed.status_code in (200, 201)


# --- transitions ----------------------------------------------------------------------


def transitions_url(case: Case) -> str:
    return f"{detail_url(case.id)}transitions/"


def test_it_records_an_allowed_transition(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    client = api_client_for(shared_case["lead"])
    body = {
        "to_status": "declined_formal_identification",
        "reasons": "The person chose not to be formally identified.",
        "decided_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "legal_basis": "Act 1234/2024 s. 5",
    }
    # when
    response = client.post(transitions_url(case), body, format="json")
    # then
    assert response.status_code == 201
    transition = response.json()
    assert (transition["from_status"], transition["to_status"]) == (
        "potential",
        "declined_formal_identification",
    )
    assert transition["decided_on"] == body["decided_on"]
    assert transition["organisation"] == org_of(shared_case["lead"]).name
    detail = client.get(detail_url(case.id)).json()
    assert detail["identification_status"] == "declined_formal_identification"
    assert detail["field_groups"]["legal"]["transitions"][-1]["reasons"] == body["reasons"]


def test_it_refuses_a_transition_the_table_does_not_allow(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    client = api_client_for(shared_case["lead"])
    # when
    forbidden = client.post(
        transitions_url(case),
        {"to_status": "identified", "reasons": "x", "legal_basis": "x"},
        format="json",
    )
    by_decision_only = client.post(
        transitions_url(case),
        {"to_status": "presumed", "reasons": "x", "legal_basis": "x"},
        format="json",
    )
    allowed = client.post(
        transitions_url(case),
        {"to_status": "withdrawn", "reasons": "x", "legal_basis": "x"},
        format="json",
    )
    # then
    assert forbidden.status_code == 409
    assert forbidden.json()["code"] == "transition_not_allowed"
    assert by_decision_only.status_code == 409
    assert by_decision_only.json()["code"] == "decision_required"
    assert allowed.status_code == 201


@pytest.mark.parametrize("reasons", [None, "", "   "])
def test_it_requires_reasons_for_a_transition(
    shared_case: dict[str, Any], reasons: str | None
) -> None:
    # given
    case: Case = shared_case["case"]
    body: dict[str, Any] = {"to_status": "declined_formal_identification", "legal_basis": "x"}
    if reasons is not None:
        body["reasons"] = reasons
    # when
    response = api_client_for(shared_case["lead"]).post(transitions_url(case), body, format="json")
    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("reasons_required", "reasons")
    assert Case.objects.get(pk=case.pk).identification_status == "potential"


@pytest.mark.parametrize("legal_basis", [None, "", "   "])
def test_r01_a_status_change_needs_a_legal_basis(
    shared_case: dict[str, Any], legal_basis: str | None
) -> None:
    # given
    case: Case = shared_case["case"]
    body: dict[str, Any] = {"to_status": "declined_formal_identification", "reasons": "x"}
    if legal_basis is not None:
        body["legal_basis"] = legal_basis
    # when
    response = api_client_for(shared_case["lead"]).post(transitions_url(case), body, format="json")
    # then
    assert response.status_code == 400
    if legal_basis is None:
        assert "legal_basis" in response.json()["field_errors"]
    else:
        assert (response.json()["code"], response.json()["field"]) == (
            case_errors.ErrorCode.LEGAL_BASIS_REQUIRED,
            "legal_basis",
        )
    assert Case.objects.get(pk=case.pk).identification_status == "potential"


def test_it_refuses_an_unknown_status_with_a_field_error(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    # when
    response = api_client_for(shared_case["lead"]).post(
        transitions_url(case),
        {"to_status": "convicted", "reasons": "x", "legal_basis": "x"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["field_errors"]) == ["to_status"]


# --- narrative ------------------------------------------------------------------------


def test_it_appends_to_the_narrative(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    client = api_client_for(shared_case["lead"])
    # when
    response = client.post(
        f"{detail_url(case.id)}narrative/", {"text": "Later: named the recruiter."}, format="json"
    )
    # then
    assert response.status_code == 201
    assert response.json()["organisation"] == org_of(shared_case["lead"]).name
    entries = client.get(detail_url(case.id)).json()["field_groups"]["narrative"]["entries"]
    assert [e["text"] for e in entries] == [
        "First told at the border.",
        "Later: named the recruiter.",
    ]


def test_it_refuses_a_blank_narrative_entry(shared_case: dict[str, Any]) -> None:
    # given
    case: Case = shared_case["case"]
    # when
    response = api_client_for(shared_case["lead"]).post(
        f"{detail_url(case.id)}narrative/", {"text": "  "}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["field"] == "text"


@pytest.mark.parametrize(("org_type", "status"), [(OrgType.POLICE, 201), (OrgType.HEALTH, 403)])
def test_it_lets_only_members_who_see_the_narrative_add_to_it(org_type: str, status: int) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    member = make_user(org_type=org_type)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(member))
    # when
    response = api_client_for(member).post(
        f"{detail_url(case.id)}narrative/", {"text": "Seen at the clinic."}, format="json"
    )
    # then
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "field_group_not_allowed"


# --- access report --------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("lead", 200), ("police", 403)])
def test_it_shows_the_access_report_only_to_the_case_lead(
    shared_case: dict[str, Any], who: str, status: int
) -> None:
    # given
    case: Case = shared_case["case"]
    clients = {name: api_client_for(shared_case[name]) for name in ("lead", "police")}
    clients["police"].get(detail_url(case.id))
    # when
    response = clients[who].get(f"{detail_url(case.id)}access-report/")
    # then
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "field_group_not_allowed"
        return
    events = response.json()["results"]
    assert set(events[0]) == {"when", "actor", "organisation", "action", "field_groups", "purpose"}
    police_read = next(e for e in events if e["organisation"] == org_of(shared_case["police"]).name)
    assert police_read["action"] == "read"
    assert "location" not in police_read["field_groups"]
    assert events[-1]["action"] == "create"


# --- the serializers stay in step with the domain ------------------------------------


def test_it_has_a_serializer_for_every_field_group() -> None:
    # given
    shown = api.FieldGroupsSerializer().fields
    hidden = api.HiddenFieldGroupsSerializer().fields
    # then
    assert set(shown) == set(hidden) == set(FieldGroup.values)


@pytest.mark.django_db
def test_r10_the_api_refuses_a_verified_adult_with_an_estimated_age_under_18() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    client = api_client_for(user)

    # when
    refused = client.post(LIST_URL, intake(date_of_birth=None, estimated_age_min=15), format="json")
    accepted = client.post(
        LIST_URL, intake(date_of_birth=None, estimated_age_min=19), format="json"
    )

    # then
    assert (refused.status_code, refused.json()["field"]) == (400, "age_status")
    assert accepted.status_code == 201
