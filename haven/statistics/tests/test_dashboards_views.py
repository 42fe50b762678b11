"""The dashboard pages, files and API (issue 15): the Rapporteur opens them and a
caseworker is refused, each chart is drawn on the server with a title, a description
and its numbers in a table, the CSV carries the same numbers, and small cells are
empty there too."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.test_api import api_client_for
from haven.statistics import selectors_dashboards as dash
from haven.statistics.tests import dashboard_register as gen
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

PAGES = {
    "deadlines": reverse("statistics:deadlines") + "?year=2024",
    "referrals": reverse("statistics:referrals") + "?year=2024",
    "regions": reverse("statistics:regions") + "?year=2024",
}
FILES = {
    "deadlines": reverse("statistics:deadlines_csv") + "?year=2024",
    "referrals": reverse("statistics:referrals_csv") + "?year=2024",
    "regions": reverse("statistics:regions_csv") + "?year=2024",
}
API = {
    "deadlines": "/api/v1/statistics/deadlines/?year=2024",
    "referrals": "/api/v1/statistics/referrals/?year=2024",
    "regions": "/api/v1/statistics/regions/?year=2024",
    "accommodation": "/api/v1/statistics/accommodation/?year=2024",
    "perpetrators": "/api/v1/statistics/perpetrators/?year=2024",
}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def _data(seed: int = 61) -> None:
    rng = random.Random(seed)
    gen.register(rng, 200, opener=make_user())
    gen.tasks(rng, 200, years=(2023, 2024))
    gen.referrals(rng, 200, years=(2023, 2024))


def _rapporteur() -> Client:
    return sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(PAGES))
def test_r41_each_dashboard_opens_for_the_rapporteur_and_not_for_a_caseworker(
    subject: str,
) -> None:
    # given
    _data()
    rapporteur = _rapporteur()
    caseworker = sign_in(Client(), make_user(org_type=OrgType.NGO))

    for url, content_type in ((PAGES[subject], "text/html"), (FILES[subject], "text/csv")):
        # when
        allowed, refused = rapporteur.get(url), caseworker.get(url)

        # then
        assert allowed.status_code == 200
        assert allowed["Content-Type"].startswith(content_type)
        assert refused.status_code == 403
    events = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type=f"statistics.{subject}"
    )
    assert sorted(e.detail["format"] for e in events) == ["csv", "page"]


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(PAGES))
def test_r46_each_dashboard_draws_an_accessible_chart_beside_its_table(subject: str) -> None:
    # given
    _data()

    # when
    page = _rapporteur().get(PAGES[subject]).content.decode()

    # then: a titled, described SVG; a table with a caption; a CSV link; no script
    chart = f"{subject}-chart"
    assert f'<svg role="img" aria-labelledby="{chart}-title {chart}-desc"' in page
    assert f'<title id="{chart}-title">' in page
    assert f'<desc id="{chart}-desc">' in page
    assert "<rect" in page
    assert "<caption>" in page
    assert FILES[subject] in page
    assert 'aria-current="page"' in page
    assert "<script" not in page.split("<main", 1)[-1]


@pytest.mark.django_db
def test_r46_the_regions_page_says_where_a_region_comes_from_and_hides_small_ones() -> None:
    # given
    _data()
    client = _rapporteur()

    # when
    page = client.get(PAGES["regions"]).content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(FILES["regions"]).content.decode())))
    grid = dash.by_region(user=make_user(org_type=OrgType.RAPPORTEUR), year=2024, output="page")

    # then: the lead organisation's region is named as the source; the CSV is the grid
    assert "region of the organisation leading the case" in page
    assert "Region not recorded" in page
    assert 'class="visually-hidden">suppressed</span>' in page
    assert list(rows[0]) == ["region", "sex", "count"]
    for row in rows:
        value = grid.value(row["region"], row["sex"])
        assert row["count"] == ("" if value is None else str(value))


@pytest.mark.django_db
def test_r47_the_referrals_page_names_each_type_by_its_label() -> None:
    # given
    _data()

    # when
    client = _rapporteur()
    page = client.get(PAGES["referrals"]).content.decode()
    text = client.get(FILES["referrals"]).content.decode()

    # then
    assert "Safe accommodation" in page
    assert "All referral types" in page
    assert text.splitlines()[0] == (
        "referral_type,sent,answered,within_target,declined,median_hours,p90_hours,"
        "within_share,declined_share"
    )


@pytest.mark.django_db
def test_r44_the_deadlines_csv_has_both_tables() -> None:
    # given
    _data()

    # when
    text = _rapporteur().get(FILES["deadlines"]).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))

    # then
    assert {r["table"] for r in rows} == {"by_year", "by_kind"}
    assert {r["outcome"] for r in rows} == {*dash.OUTCOMES, "total"}


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(API))
def test_r41_the_dashboard_api_answers_the_coordinator_and_refuses_the_police(
    subject: str,
) -> None:
    # given
    _data()
    coordinator = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    police = api_client_for(make_user(org_type=OrgType.POLICE))

    # when
    allowed, refused = coordinator.get(API[subject]), police.get(API[subject])

    # then
    assert allowed.status_code == 200
    assert allowed.json()["year"] == 2024
    assert refused.status_code == 403
    assert refused.json()["code"] == "statistics_not_allowed"
    assert AuditEvent.objects.filter(
        object_type=f"statistics.{subject}", detail__format="api"
    ).exists()


@pytest.mark.django_db
def test_r46_the_api_gives_a_suppressed_value_as_null() -> None:
    # given
    _data()
    client = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))

    # when
    body = client.get(API["regions"]).json()

    # then
    assert any(cell["count"] is None for cell in body["cells"])
    assert body["threshold"] == 5


@pytest.mark.django_db
def test_r46_a_bad_year_is_refused_by_the_api() -> None:
    # given
    client = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))

    # when
    answer = client.get("/api/v1/statistics/referrals/?year=1999")

    # then
    assert answer.status_code == 400
    assert answer.json()["code"] == "statistics_year_invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(API))
def test_r46_the_dashboard_api_answers_as_its_schema_describes(
    subject: str, openapi: dict[str, Any]
) -> None:
    # given
    _data()
    coordinator = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    police = api_client_for(make_user(org_type=OrgType.POLICE))
    path = API[subject].split("?", 1)[0]

    # when
    served = [
        coordinator.get(API[subject]),
        coordinator.get(path + "?year=1999"),
        police.get(API[subject]),
    ]

    # then
    assert [r.status_code for r in served] == [200, 400, 403]
    for response in served:
        assert_matches_schema(openapi, path, "get", response.status_code, response.json())
