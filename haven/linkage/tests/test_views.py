"""The "is this person already known?" region of the intake page, with htmx and
without JavaScript, and POST /api/v1/linkage/check/ (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases import hooks as case_hooks
from haven.cases.models import Case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines.models import Task
from haven.linkage import clocks, errors
from haven.linkage.tests.factories import anna, caseworker_of, coordinator
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

NEW = reverse("cases:new")
CHECK = reverse("linkage:check")
API_CHECK = "/api/v1/linkage/check/"


def _typed(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Anna",
        "family_name": "Ivanova",
        "date_of_birth": "1990-05-17",
        "sex": "female",
        "citizenships": ["UA"],
        "age_status": "verified_adult",
        "gender_identity": "woman",
    }
    data.update(overrides)
    return data


# --- the intake page -------------------------------------------------------------------------


def test_the_intake_page_shows_the_region_to_those_who_open_cases() -> None:
    # when
    page = sign_in(Client(), make_user()).get(NEW)

    # then: a live region, labelled, posting to the check (never a GET with names)
    html = page.content.decode()
    assert "Is this person already known?" in html
    assert 'aria-live="polite"' in html
    assert f'hx-post="{CHECK}"' in html
    assert 'name="region_action" value="check"' in html


def test_r14_the_region_is_not_shown_to_a_rapporteur_who_may_not_check() -> None:
    # given: the same page for both sides
    caseworker = sign_in(Client(), make_user())
    rapporteur = sign_in(Client(), make_user(role=Role.RAPPORTEUR))

    # then: the page itself is refused to the rapporteur, and no region is made for them
    assert "Is this person already known?" in caseworker.get(NEW).content.decode()
    refused = rapporteur.get(NEW)
    assert refused.status_code == 403
    assert "Is this person already known?" not in refused.content.decode()
    assert (
        case_hooks.intake_region(user=make_user(role=Role.RAPPORTEUR), typed={}, run=True) is None
    )


def test_without_javascript_the_check_button_shows_the_answer_and_keeps_what_was_typed() -> None:
    # given
    ngo = make_user()
    case = anna(ngo)
    client = sign_in(Client(), caseworker_of(ngo.organisation))  # type: ignore[arg-type]

    # when
    page = client.post(NEW, _typed(region_action="check", narrative="Met at the station."))

    # then: no case opened, the visible match with its reference, the values kept
    html = page.content.decode()
    assert page.status_code == 200
    assert Case.objects.count() == 1
    assert case.reference in html
    assert "very likely the same person" in html
    assert 'value="Anna"' in html
    assert "Met at the station." in html
    assert 'name="search_token" value="' in html


def test_without_javascript_a_hidden_match_shows_no_reference_and_the_case_opens_with_a_task() -> (
    None
):
    # given: Anna's case led by an NGO; the police check, then open a case
    hidden = anna(make_user())
    desk = coordinator("FI")
    client = sign_in(Client(), make_user(org_type=OrgType.POLICE))

    # when
    page = client.post(NEW, _typed(region_action="check"))
    opened = client.post(NEW, _typed())

    # then: only "known to the system", nothing that names or points at the case
    html = page.content.decode()
    assert "Known to the system" in html
    assert "contact the national coordinator" in html
    for secret in (hidden.reference, str(hidden.id), "Анна", "Иванова", "%"):
        assert secret not in html.split('id="linkage-answer"')[1]
    assert opened.status_code == 302
    task = Task.objects.get(kind=clocks.HIDDEN_MATCH)
    assert task.assigned_organisation_id == desk.id
    assert task.detail["hidden_case"] == str(hidden.id)


def test_too_little_typed_asks_for_more_without_checking() -> None:
    # when
    page = sign_in(Client(), make_user()).post(
        NEW, _typed(region_action="check", given_name="", date_of_birth="")
    )

    # then
    assert "Give the family name, and the given name or the date of birth" in page.content.decode()


@override_settings(HAVEN_LINKAGE_CHECK_LIMIT=0)
def test_a_rate_limited_check_says_so_on_the_page() -> None:
    # when
    page = sign_in(Client(), make_user()).post(NEW, _typed(region_action="check"))

    # then
    assert "Too many checks" in page.content.decode()


@override_settings(HAVEN_LINKAGE_REQUIRE_SEARCH=True)
def test_required_search_refuses_the_intake_form_without_a_check_and_accepts_after() -> None:
    # given
    client = sign_in(Client(), make_user())

    # when: opened without a check
    refused = client.post(NEW, _typed())

    # then: the form comes back with the error beside the check
    html = refused.content.decode()
    assert refused.status_code == 200
    assert 'id="id_search_token_error"' in html
    assert 'href="#id_search_token"' in html  # the summary links to the region
    assert 'id="id_search_token"' in html
    assert "Check whether this person is already known" in html
    assert not Case.objects.exists()

    # when: checked (no JavaScript), then opened with the token the page carries
    checked = client.post(NEW, _typed(region_action="check")).content.decode()
    token = checked.split('name="search_token" value="')[1].split('"')[0]
    opened = client.post(NEW, _typed(search_token=token))

    # then
    assert opened.status_code == 302
    assert Case.objects.count() == 1


# --- the htmx answer -------------------------------------------------------------------------


def test_htmx_posts_the_typed_fields_and_gets_the_answer_alone() -> None:
    # given
    ngo = make_user()
    case = anna(ngo)
    client = sign_in(Client(), caseworker_of(ngo.organisation))  # type: ignore[arg-type]

    # when
    answer = client.post(CHECK, _typed(), HTTP_HX_REQUEST="true")

    # then: the answer, its link to the case, the token for the form
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in html
    assert case.reference in html
    assert reverse("web:case_detail", kwargs={"case_id": case.id}) in html
    assert 'name="search_token"' in html


def test_the_check_page_is_post_only_and_refused_to_those_who_may_not_check() -> None:
    # given
    allowed = sign_in(Client(), make_user())
    rapporteur = sign_in(Client(), make_user(role=Role.RAPPORTEUR))

    # then
    assert allowed.post(CHECK, _typed()).status_code == 200
    assert rapporteur.post(CHECK, _typed()).status_code == 403
    assert allowed.get(CHECK).status_code == 405


def test_an_invalid_citizenship_checks_nothing() -> None:
    # when
    answer = sign_in(Client(), make_user()).post(CHECK, _typed(citizenships=["XX"]))

    # then
    assert answer.status_code == 200
    assert "Known to the system" not in answer.content.decode()


# --- the API ---------------------------------------------------------------------------------


def test_the_api_answers_a_visible_match_with_its_case() -> None:
    # given
    ngo = make_user()
    case = anna(ngo)
    client = api_client_for(caseworker_of(ngo.organisation))  # type: ignore[arg-type]

    # when
    response = client.post(API_CHECK, _typed(), format="json")

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["checked"] is True
    assert [(m["case_id"], m["reference"], m["band"]) for m in body["matches"]] == [
        (str(case.id), case.reference, "very_likely")
    ]
    assert body["known_elsewhere"] is None
    assert body["search_token"]


def test_the_api_answers_a_hidden_match_with_nothing_that_points_at_it() -> None:
    # given
    hidden = anna(make_user())
    client = api_client_for(make_user(org_type=OrgType.POLICE))

    # when
    response = client.post(API_CHECK, _typed(), format="json")

    # then
    body = response.json()
    text = response.content.decode()
    assert body["matches"] == []
    assert body["known_elsewhere"]["band"] == "very_likely"
    for secret in (hidden.reference, str(hidden.id), "Анна", "probability"):
        assert secret not in text


def test_r14_the_api_refuses_a_rapporteur_and_answers_a_caseworker() -> None:
    # given
    anna(make_user())

    # when
    refused = api_client_for(make_user(role=Role.RAPPORTEUR)).post(
        API_CHECK, _typed(), format="json"
    )
    allowed = api_client_for(make_user()).post(API_CHECK, _typed(), format="json")

    # then
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")
    assert allowed.status_code == 200


@override_settings(HAVEN_LINKAGE_CHECK_LIMIT=0)
def test_the_api_answers_429_past_the_limit() -> None:
    # when
    response = api_client_for(make_user()).post(API_CHECK, _typed(), format="json")

    # then
    assert (response.status_code, response.json()["code"]) == (
        429,
        errors.ErrorCode.CHECK_RATE_LIMITED,
    )


@override_settings(HAVEN_LINKAGE_REQUIRE_SEARCH=True)
def test_required_search_through_the_api_takes_the_token_of_a_check() -> None:
    # given
    client = api_client_for(make_user())
    body = {**_typed(), "date_of_birth": "1990-05-17"}

    # when
    refused = client.post("/api/v1/cases/", body, format="json")
    token = client.post(API_CHECK, body, format="json").json()["search_token"]
    opened = client.post("/api/v1/cases/", {**body, "search_token": token}, format="json")

    # then
    assert (refused.status_code, refused.json()["field"]) == (400, "search_token")
    assert opened.status_code == 201


def test_tell_the_coordinator_with_htmx_and_without_javascript() -> None:
    # given
    hidden = anna(make_user())
    coordinator("FI")
    police = sign_in(Client(), make_user(org_type=OrgType.POLICE))

    # when: the button, shown under "known to the system", by htmx and by a plain post
    offered = police.post(CHECK, _typed()).content.decode()
    by_htmx = police.post(reverse("linkage:tell"), _typed(), HTTP_HX_REQUEST="true")
    page = police.post(NEW, _typed(region_action="tell"))

    # then: one task, the answer says so, nothing names the hidden case
    assert 'value="tell"' in offered
    for answer in (by_htmx.content.decode(), page.content.decode()):
        assert "The national coordinator was asked to look at it." in answer
        assert hidden.reference not in answer
    assert Task.objects.filter(kind=clocks.HIDDEN_MATCH, case=hidden).count() == 1
    assert Case.objects.count() == 1
