"""The safe accommodation dashboard (issue 15, counted by issue 16's places): beds in
service, held and free at the end of a year per region and kind of place agree with
a naive count of the same beds, outages and placements; held beds are people and
are suppressed with what would reveal them (their free count too); the statistics
rule decides both ways, on the page, the file and the API; never a place's name
or address."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.test_api import api_client_for
from haven.shelters.models import BedOutage, Place, PlacementState
from haven.shelters.tests.places_factories import (
    ADDRESS,
    a_case,
    placement,
    raw_beds,
    raw_place,
    shelter_org,
)
from haven.statistics import errors
from haven.statistics import selectors_dashboards as dash
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

YEAR_END = datetime(2025, 12, 31, 20, tzinfo=UTC)  # before the local new year
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)
PAGE = reverse("statistics:accommodation") + "?year=2025"
FILE = reverse("statistics:accommodation_csv") + "?year=2025"
API = "/api/v1/statistics/accommodation/?year=2025"


def _rapporteur() -> Any:
    return make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)


def _register(seed: int, places: int) -> dict[tuple[str, str], list[int]]:
    """Random places with beds, outages and placements in Finland (one Estonian place
    too), and the naive count at the year's end: [beds, held] per region and kind."""
    rng = random.Random(seed)
    by = make_user(org_type=OrgType.NGO)
    case = a_case()
    expected: dict[tuple[str, str], list[int]] = {}
    finnish, estonian = shelter_org("FI"), shelter_org("EE")
    for n in range(places):
        region = rng.choice(["Uusimaa", "Pirkanmaa", "Lappi"])
        kind = rng.choice(["shelter", "children", "emergency"])
        place = raw_place(finnish, region=region, kind=kind, name=f"Place {n}")
        beds = raw_beds(place, rng.randint(1, 12), created_at=LONG_AGO)
        in_service = len(beds)
        for bed in beds[:2]:  # an outage over the year's end, another ended before it
            over = rng.random() < 0.3
            BedOutage.objects.create(
                bed=bed,
                starts_at=LONG_AGO,
                ends_at=None if over else YEAR_END - timedelta(days=3),
                reason="repair",
                recorded_by=by,
            )
            in_service -= 1 if over else 0
        held = 0
        for _ in range(rng.randint(0, 6)):
            state = rng.choice(list(PlacementState))
            answered = LONG_AGO + timedelta(days=2)
            ended = YEAR_END - timedelta(days=1) if state == PlacementState.ENDED else None
            placement(
                place,
                case=case,
                by=by,
                state=state,
                proposed_at=LONG_AGO,
                answered_at=answered,
                ended_at=ended,
            )
            held += state not in (
                PlacementState.DECLINED,
                PlacementState.WITHDRAWN,
                PlacementState.ENDED,
            )
        cell = expected.setdefault((region, kind), [0, 0])
        cell[0] += in_service
        cell[1] += held
    other = raw_place(estonian, region="Harjumaa", name="Abroad")
    raw_beds(other, 5, created_at=LONG_AGO)
    return expected


@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_safe_accommodation_agrees_with_a_naive_count() -> None:
    # given
    expected = _register(71, 25)

    # when
    found = dash.accommodation(user=_rapporteur(), year=2025, output="page")

    # then: each region and kind, the totals, and free beds never below zero
    assert "Harjumaa" not in found.beds.rows  # another country's places
    for (region, kind), (beds, held) in expected.items():
        assert found.beds.value(region, kind) == beds
        assert found.held.value(region, kind) == held
    assert found.summary.value("total", dash.BEDS) == sum(b for b, __ in expected.values())
    assert found.summary.value("total", dash.HELD) == sum(h for __, h in expected.values())
    for region in found.summary.rows:
        free = found.summary.value(region, dash.FREE)
        assert free == max(
            0, found.beds.values[(region, "total")] - found.held.values[(region, "total")]
        )


def test_r46_held_beds_are_people_suppressed_with_their_free_beds() -> None:
    # given: a region whose place holds two people, far below the threshold of 5
    by = make_user(org_type=OrgType.NGO)
    case = a_case()
    org = shelter_org("FI")
    small = raw_place(org, region="Lappi", kind="children", name="Small")
    raw_beds(small, 4, created_at=LONG_AGO)
    for _ in range(2):
        placement(small, case=case, by=by, state=PlacementState.STARTED, proposed_at=LONG_AGO)
    raw_place(org, region="Pohjanmaa", name="Not opened yet")  # no bed: not counted
    big = raw_place(org, region="Uusimaa", name="Big")
    raw_beds(big, 30, created_at=LONG_AGO)
    for _ in range(20):
        placement(big, case=case, by=by, state=PlacementState.STARTED, proposed_at=LONG_AGO)

    # when
    found = dash.accommodation(user=_rapporteur(), year=2025, output="page")

    # then: beds are shown; the small held count, its free beds and what reveals it are not
    assert found.beds.value("Lappi", "children") == 4
    assert found.held.value("Lappi", "children") is None
    assert found.summary.value("Lappi", dash.HELD) is None
    assert found.summary.value("Lappi", dash.FREE) is None
    assert found.held.value("Uusimaa", "shelter") is None  # the second cell of its row
    assert found.summary.value("total", dash.BEDS) == 34
    assert "Pohjanmaa" not in found.beds.rows


def test_r41_only_the_statistics_readers_see_safe_accommodation_on_every_door() -> None:
    # given
    _register(72, 6)
    rapporteur = _rapporteur()
    caseworker = make_user(org_type=OrgType.NGO)

    # when
    with pytest.raises(errors.StatisticsNotAllowed):
        dash.accommodation(user=caseworker, year=2025, output="page")
    pages = [sign_in(Client(), u).get(PAGE) for u in (rapporteur, caseworker)]
    files = [sign_in(Client(), u).get(FILE) for u in (rapporteur, caseworker)]
    apis = [  # each API reader signs in once (a one-time code is not replayed)
        api_client_for(make_user(org_type=t)).get(API)
        for t in (OrgType.NATIONAL_COORDINATOR, OrgType.POLICE)
    ]

    # then
    assert [r.status_code for r in pages + files + apis] == [200, 403] * 3
    html = pages[0].content.decode()
    assert '<svg role="img" aria-labelledby="accommodation-chart-title' in html
    assert "<caption>" in html and FILE in html
    assert "Place 0" not in html and ADDRESS not in html
    rows = list(csv.DictReader(io.StringIO(files[0].content.decode())))
    assert {r["region"] for r in rows} >= {"total"}
    assert all(set(r) == {"region", "kind", "beds_in_service", "held", "free"} for r in rows)
    body = apis[0].json()
    assert body["year"] == 2025 and body["threshold"] == 5
    assert {c["kind"] for c in body["cells"]} >= {"total"}
    assert all(c["held"] is None or c["free"] is not None for c in body["cells"])
    events = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type="statistics.accommodation"
    )
    assert sorted(e.detail["format"] for e in events) == ["api", "csv", "page"]  # reads made


def test_r44_safe_accommodation_is_read_in_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    # given: whatever the number of places
    _register(73, 12)
    user = _rapporteur()

    # then: places, beds in service, placements, and the audit event (in its savepoint)
    with django_assert_num_queries(6):
        dash.accommodation(user=user, year=2025, output="page")
    assert Place.objects.count() == 13
