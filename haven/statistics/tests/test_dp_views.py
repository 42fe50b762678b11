"""The Rapporteur's protected-release pages, through the test client."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import User
from haven.audit.models import Action, AuditEvent
from haven.statistics.models import Release
from haven.statistics.services import releases as services
from haven.statistics.tests.dp_helpers import (
    TABLE,
    caseworker,
    coordinator,
    rapporteur,
    release_input,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
LIST = reverse("statistics_releases:release_list")
NEW = reverse("statistics_releases:release_new")


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def form(**changes: Any) -> dict[str, Any]:
    return {"table": TABLE, "year_from": 2024, "year_to": 2025, "epsilon": "0.5", **changes}


@pytest.mark.parametrize(
    ("who", "list_status", "shows_form", "post_status"),
    [
        ("rapporteur", 200, True, 302),
        ("coordinator", 200, False, 403),
        ("caseworker", 403, False, 403),
    ],
)
def test_r41_the_releases_page_and_its_form_by_who_asks(
    who: str, list_status: int, shows_form: bool, post_status: int
) -> None:
    # given
    user = {"rapporteur": rapporteur, "coordinator": coordinator, "caseworker": caseworker}[who]()
    client = client_for(user)

    # when
    page = client.get(LIST)
    posted = client.post(NEW, form())

    # then
    assert page.status_code == list_status
    assert (f'action="{NEW}"' in page.content.decode()) is shows_form
    assert posted.status_code == post_status
    assert Release.objects.count() == (1 if post_status == 302 else 0)


def test_r46_a_release_made_from_the_page_shows_its_table_and_budget() -> None:
    # given
    client = client_for(rapporteur())

    # when
    posted = client.post(NEW, form(epsilon="0.5"))
    page = client.get(posted["Location"])

    # then
    release = Release.objects.get()
    assert posted["Location"] == reverse(
        "statistics_releases:release_detail", kwargs={"release_id": release.id}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "2024: ε 1.500" in text
    assert "Forced labour or services" in text
    assert "opendp-discrete-laplace" in text
    listing = client.get(LIST).content.decode()
    assert "1.500" in listing


@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("1"))
def test_r46_a_release_over_budget_is_refused_beside_the_epsilon_field() -> None:
    # given
    client = client_for(rapporteur())
    client.post(NEW, form(epsilon="0.8"))

    # when
    refused = client.post(NEW, form(epsilon="0.8"))

    # then
    assert refused.status_code == 400
    assert 'id="id_epsilon_error"' in refused.content.decode()
    assert Release.objects.count() == 1


def test_an_invalid_form_is_shown_again_with_its_errors() -> None:
    client = client_for(rapporteur())

    refused = client.post(NEW, form(epsilon="abc", table="nope"))

    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'id="id_epsilon_error"' in text
    assert 'id="id_table_error"' in text


@pytest.mark.parametrize("who", [caseworker, coordinator])
def test_an_invalid_form_from_someone_who_may_not_release_is_refused(
    who: Callable[[], User],
) -> None:
    refused = client_for(who()).post(NEW, form(epsilon="abc"))

    assert refused.status_code == 403


def test_r46_the_csv_carries_epsilon_the_budget_left_and_the_cells_and_is_audited() -> None:
    # given
    user = rapporteur()
    release = services.release_create(actor=user, data=release_input(epsilon="0.5"))
    url = reverse("statistics_releases:release_csv", kwargs={"release_id": release.id})

    # when
    response = client_for(coordinator()).get(url)

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["# epsilon: 0.500"] in rows
    assert ["# budget remaining 2024: 1.500"] in rows
    assert ["year", "exploitation", "value"] in rows
    totals = {row[0]: int(row[2]) for row in rows if len(row) == 3 and row[1] == "total"}
    assert totals == release.totals
    assert AuditEvent.objects.filter(action=Action.DP_RELEASE_EXPORT).count() == 1


def test_a_release_of_another_country_is_not_found() -> None:
    release = services.release_create(actor=rapporteur("FI"), data=release_input())
    client = client_for(rapporteur("EE"))

    for name in ("release_detail", "release_csv"):
        url = reverse(f"statistics_releases:{name}", kwargs={"release_id": release.id})
        assert client.get(url).status_code == 404


def test_the_releases_page_reads_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    # given: five releases
    user = rapporteur()
    for _ in range(5):
        services.release_create(actor=user, data=release_input(epsilon="0.1"))
    client = client_for(user)

    # then
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
