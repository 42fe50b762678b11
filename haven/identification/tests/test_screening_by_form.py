"""One screening per form of exploitation (R-05): a case with several forms (labour
and sexual) is screened once with each form's own set; the screening page, the case
page, the API and the report for the person give a result per form, and never
"insufficient" for a form whose own set was not used."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case, ExploitationForm
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.identification import engine
from haven.identification.models import IndicatorSet
from haven.identification.selectors import screening as selectors
from haven.identification.tests.factories import ADULT_CONSISTENT, load_shipped_sets, screen
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

BY_FORM = "/api/v1/cases/{id}/screenings/by-form/"
PERSON_REPORT = "/api/v1/cases/{id}/person-report/"
BOTH: list[str] = [ExploitationForm.LABOUR, ExploitationForm.SEXUAL]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture
def sets() -> dict[str, IndicatorSet]:
    return load_shipped_sets()


@pytest.fixture
def worker() -> User:
    return make_user(org_type=OrgType.NGO)


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def labour_screened(worker: User) -> Case:
    """Labour and sexual exploitation on the case; only the labour set used so far,
    with a result consistent with trafficking."""
    case = open_case(actor=worker, forms=BOTH)
    screen(actor=worker, case=case, set_key="adults_labour", codes=ADULT_CONSISTENT)
    return case


def test_r05_one_screening_per_form_when_case_has_several(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = labour_screened(worker)
    client = sign_in(Client(), worker)
    # when: the screening page, and a new screening without a chosen set
    listing = html(client, reverse("identification:screening_list", args=[case.id]))
    new = html(client, reverse("identification:screening_new", args=[case.id]))
    # then: each form with its set, whether it was screened, its result; the missing
    # one is offered, and the new screening starts with it
    assert "One screening per form of exploitation" in listing
    assert "Forced labour or services" in listing
    assert "Sexual exploitation" in listing
    assert "Indicators consistent with trafficking" in listing
    assert "Not screened yet with the sexual exploitation set." in listing
    start = reverse("identification:screening_new", args=[case.id]) + "?set=adults_sexual"
    assert start in listing
    assert "?set=adults_labour" not in listing
    assert 'value="adults_sexual" checked' in new or 'value="adults_sexual" selected' in new


def test_r05_once_both_forms_are_screened_each_has_its_own_result(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: the sexual set used too, with too few indicators for its own form
    case = labour_screened(worker)
    screen(actor=worker, case=case, set_key="adults_sexual", codes=("CD-01",))
    # when
    by_form = selectors.screening_forms(user=worker, case_id=case.id)
    listing = html(
        sign_in(Client(), worker), reverse("identification:screening_list", args=[case.id])
    )
    # then
    assert [(f.exploitation, f.screened, f.outcome) for f in by_form] == [
        ("labour", True, engine.CONSISTENT),
        ("sexual", True, engine.INSUFFICIENT),
    ]
    assert "Not screened yet" not in listing
    assert "Insufficient indicators recorded" in listing  # the sexual set's own result
    assert "?set=adults_sexual" not in listing


def test_r05_the_case_page_api_and_report_give_a_result_per_form(
    sets: dict[str, IndicatorSet], worker: User, openapi: dict[str, Any]
) -> None:
    # given
    case = labour_screened(worker)
    api = api_client_for(worker)
    client = sign_in(Client(), worker)
    # when
    page = html(client, reverse("web:case_detail", args=[case.id]))
    report = html(client, reverse("web:person_report", args=[case.id]))
    body = api.get(BY_FORM.format(id=case.id)).json()
    report_body = api.get(PERSON_REPORT.format(id=case.id)).json()
    # then: the case page
    assert "One screening per form of exploitation" in page
    assert "Not screened yet with the sexual exploitation set." in page
    # the API
    assert [(f["exploitation"], f["screened"], f["outcome"], f["set_key"]) for f in body] == [
        ("labour", True, engine.CONSISTENT, "adults_labour"),
        ("sexual", False, "", "adults_sexual"),
    ]
    assert "insufficient" not in body[1]["outcome_label"].lower()
    assert_matches_schema(openapi, BY_FORM, "get", 200, body)
    # the report for the person, on the page and in the API
    assert "You were screened separately for each form of exploitation" in report
    entries = report_body["screenings"]["entries"]
    assert [(e["title"], e["facts"][0]["value"]) for e in entries] == [
        ("Forced labour or services", "Indicators consistent with trafficking"),
        ("Sexual exploitation", "Not screened yet with the sexual exploitation set."),
    ]


def test_r05_a_case_with_one_form_keeps_the_plain_screening_list(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: forced labour and forced begging share the labour set
    case = open_case(actor=worker, forms=[ExploitationForm.LABOUR, ExploitationForm.BEGGING])
    screen(actor=worker, case=case, set_key="adults_labour", codes=ADULT_CONSISTENT)
    # when
    listing = html(
        sign_in(Client(), worker), reverse("identification:screening_list", args=[case.id])
    )
    by_form = selectors.screening_forms(user=worker, case_id=case.id)
    # then
    assert "One screening per form of exploitation" not in listing
    assert [(f.exploitation, f.forms) for f in by_form] == [
        ("labour", sorted([ExploitationForm.BEGGING, ExploitationForm.LABOUR])),
    ]
    assert selectors.forms_by_set([]) == {"labour": []}


def test_r05_a_new_screening_starts_with_the_form_not_screened_yet_and_no_set_is_invented(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: both forms screened
    case = labour_screened(worker)
    screen(actor=worker, case=case, set_key="adults_sexual", codes=("CD-01",))
    # when
    missing = selectors.screening_missing_set(
        case=case, sets=selectors.screening_sets_for(case=case)
    )
    without_sets = selectors.screenings_by_form(case=case, screenings=[], sets=[])
    # then: nothing is missing; with no usable set, none is named
    assert missing == ""
    assert [(f.set_key, f.screened) for f in without_sets] == [("", False), ("", False)]
