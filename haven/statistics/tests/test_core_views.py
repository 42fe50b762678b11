"""The statistics pages, files and API (issue 15): the Rapporteur lands on them, the
same rule opens and refuses every one of them, small cells are empty on the page too,
and the chart is drawn on the server with its numbers beside it."""

from __future__ import annotations

import io
import random

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.test_api import api_client_for
from haven.statistics.tests.register import generate, write
from haven.web.tests.factories import sign_in

HOME = reverse("statistics:home")
PAGES = [
    (HOME + "?year=2024", "text/html; charset=utf-8"),
    (reverse("statistics:eurostat_csv") + "?year=2024", "text/csv; charset=utf-8"),
    (
        reverse("statistics:eurostat_xlsx") + "?year=2024",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (reverse("statistics:trends_csv"), "text/csv; charset=utf-8"),
    (reverse("statistics:backlog"), "text/html; charset=utf-8"),
    (reverse("statistics:backlog_csv"), "text/csv; charset=utf-8"),
]
API = [
    "/api/v1/statistics/eurostat/?year=2024",
    "/api/v1/statistics/trends/",
    "/api/v1/statistics/backlog/",
]


def _register() -> None:
    write(generate(random.Random(11), 200), opener=make_user())


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "content_type"), PAGES)
def test_r41_every_statistics_page_opens_for_the_rapporteur_and_not_for_a_caseworker(
    url: str, content_type: str
) -> None:
    # given
    _register()
    rapporteur = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    caseworker = sign_in(Client(), make_user(org_type=OrgType.NGO))

    # when
    allowed, refused = rapporteur.get(url), caseworker.get(url)

    # then
    assert allowed.status_code == 200
    assert allowed["Content-Type"] == content_type
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action=Action.STATISTICS_EXPORT).exists()


@pytest.mark.django_db
def test_r41_the_rapporteur_lands_on_the_statistics_and_the_menu_offers_them() -> None:
    # given
    rapporteur = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))
    coordinator = sign_in(Client(), make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    admin = sign_in(Client(), make_user(role=Role.ORG_ADMIN, org_type=OrgType.RAPPORTEUR))

    # when
    landing = rapporteur.get("/")
    coordinator_home = coordinator.get("/").content.decode()
    admin_landing = admin.get("/")

    # then
    assert landing.status_code == 302
    assert landing["Location"] == HOME
    assert f'href="{HOME}"' in coordinator_home
    assert admin_landing["Location"] == reverse("cases:list")
    assert f'href="{HOME}"' not in admin.get(reverse("cases:list")).content.decode()


@pytest.mark.django_db
def test_r46_the_page_shows_small_cells_empty_and_draws_the_trend_as_svg() -> None:
    # given
    _register()
    client = sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))

    # when
    page = client.get(HOME + "?year=2024").content.decode()
    xlsx = load_workbook(io.BytesIO(client.get(PAGES[2][0]).content))

    # then: an accessible chart, its table, suppressed cells marked, downloads offered
    assert '<svg role="img" aria-labelledby="trend-chart-title trend-chart-desc"' in page
    assert '<title id="trend-chart-title">' in page
    assert "<rect" in page
    assert 'class="visually-hidden">suppressed</span>' in page
    assert reverse("statistics:eurostat_xlsx") + "?year=2024" in page
    assert "<script" not in page.split("<main", 1)[-1]
    assert "victims_exploitation" in xlsx.sheetnames


@pytest.mark.django_db
def test_r46_a_bad_year_shows_the_last_complete_year() -> None:
    # given
    client = sign_in(Client(), make_user(org_type=OrgType.NATIONAL_COORDINATOR))

    # when
    page = client.get(HOME + "?year=abc")

    # then
    assert page.status_code == 200
    assert 'class="errorlist"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", API)
def test_r41_the_api_answers_the_coordinator_and_refuses_the_police(url: str) -> None:
    # given
    _register()
    coordinator = api_client_for(make_user(org_type=OrgType.NATIONAL_COORDINATOR))
    police = api_client_for(make_user(org_type=OrgType.POLICE))

    # when
    allowed, refused = coordinator.get(url), police.get(url)

    # then
    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["code"] == "statistics_not_allowed"
    body = allowed.json()
    assert body["threshold"] == 5


@pytest.mark.django_db
def test_r46_the_api_gives_suppressed_cells_as_null() -> None:
    # given
    _register()
    client = api_client_for(make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR))

    # when
    body = client.get(API[0]).json()
    bad = client.get("/api/v1/statistics/eurostat/?year=1900")

    # then
    values = [c["value"] for t in body["tables"] for c in t["cells"]]
    assert None in values
    assert all(v is None or v == 0 or v >= 5 for v in values)
    assert bad.status_code == 400
    assert bad.json()["code"] == "statistics_year_invalid"
