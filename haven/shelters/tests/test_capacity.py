"""Free capacity now per region x kind, and day by day over the last weeks per region
and in total: the coordinator's whole country, a provider's own places."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.lib.errors import HavenError
from haven.shelters.errors import ErrorCode
from haven.shelters.models import BedOutage, PlacementState
from haven.shelters.selectors import capacity
from haven.shelters.tests.places_factories import (
    a_case,
    coordinator,
    placement,
    raw_beds,
    raw_place,
    shelter_org,
    staff,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
DAY = timedelta(days=1)


def test_capacity_now_per_region_and_kind_for_the_coordinator_and_the_provider() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    a = raw_place(org, name="A", kind="shelter")
    b = raw_place(org, name="B", kind="shelter")
    c = raw_place(org, name="C", kind="children", region="Pirkanmaa")
    other = raw_place(shelter_org(), name="D", kind="shelter")
    raw_place(org, name="Closed", active=False)
    raw_place(shelter_org("EE"), name="E", region="Harjumaa")
    for place, n in ((a, 2), (b, 1), (c, 3), (other, 4)):
        raw_beds(place, n, created_at=NOW - DAY)
    case = a_case()
    for _ in range(2):  # a full place, with one more held than it has beds in service
        placement(b, case=case, by=user, proposed_at=NOW - DAY)
    # when
    with time_machine.travel(NOW, tick=False):
        country = capacity.capacity_now(user=coordinator())
        own = capacity.capacity_now(user=user)
    # then
    as_tuples = [(r.region, r.kind, r.count.beds, r.count.held, r.count.free) for r in country]
    assert as_tuples == [
        ("Pirkanmaa", "children", 3, 0, 3),
        ("Uusimaa", "shelter", 7, 2, 6),  # B is full, not below zero
    ]
    assert [(r.region, r.count.beds) for r in own] == [("Pirkanmaa", 3), ("Uusimaa", 3)]


def test_capacity_is_refused_to_anyone_else() -> None:
    for user in (make_user(org_type=OrgType.POLICE), make_user(org_type=OrgType.NGO)):
        with pytest.raises(HavenError) as refused:
            capacity.capacity_now(user=user)
        assert refused.value.code == ErrorCode.CAPACITY_NOT_ALLOWED
        with pytest.raises(HavenError):
            capacity.capacity_history(user=user)


def test_the_history_rebuilds_each_day_from_beds_outages_and_placements() -> None:
    # given: a place with 3 beds from 10 days ago, one more from 5 days ago, one of the
    # first retired 2 days ago; a bed out of service 8 to 6 days ago; placements
    # holding from 4 days ago (still), 7 to 3 days ago (declined), 9 days ago to
    # yesterday (ended), and one in Pirkanmaa still held with no beds at all.
    org = shelter_org()
    user = staff(org)
    place = raw_place(org)
    empty = raw_place(org, name="Empty", region="Pirkanmaa")
    first = raw_beds(place, 3, created_at=NOW - 10 * DAY)
    raw_beds(place, 1, created_at=NOW - 5 * DAY)
    first[0].retired_at = NOW - 2 * DAY
    first[0].save()
    BedOutage.objects.create(
        bed=first[1],
        starts_at=NOW - 8 * DAY,
        ends_at=NOW - 6 * DAY,
        reason="repair",
        recorded_by=user,
    )
    case = a_case()
    placement(place, case=case, by=user, proposed_at=NOW - 4 * DAY)
    placement(
        place,
        case=case,
        by=user,
        state=PlacementState.DECLINED,
        proposed_at=NOW - 7 * DAY,
        answered_at=NOW - 3 * DAY,
    )
    placement(
        place,
        case=case,
        by=user,
        state=PlacementState.ENDED,
        proposed_at=NOW - 9 * DAY,
        ended_at=NOW - DAY,
    )
    placement(
        place,  # long over: not even loaded
        case=case,
        by=user,
        state=PlacementState.WITHDRAWN,
        proposed_at=NOW - 100 * DAY,
        answered_at=None,
    )
    placement(empty, case=case, by=user, state=PlacementState.ACCEPTED, proposed_at=NOW - DAY)
    # when
    with time_machine.travel(NOW, tick=False):
        history = capacity.capacity_history(user=coordinator(), weeks=2, today=TODAY)
    # then
    assert history.regions == ["Pirkanmaa", "Uusimaa"]
    assert len(history.days) == 14 and history.days[-1].day == TODAY

    def on(days_ago: int, key: str = "Uusimaa") -> tuple[int, int, int]:
        count = history.days[-1 - days_ago].counts[key]
        return (count.beds, count.held, count.free)

    assert on(11) == (0, 0, 0)  # before the beds
    assert on(9) == (3, 1, 2)  # end of that day: ended placement holds
    assert on(7) == (2, 2, 0)  # outage; declined one proposed
    assert on(5) == (4, 2, 2)  # outage over (ended 6 days ago); bed 4 added
    assert on(4) == (4, 3, 1)
    assert on(3) == (4, 2, 2)  # declined
    assert on(1) == (3, 1, 2)  # retired; the ended one ended at noon
    assert on(0) == (3, 1, 2)
    assert on(0, "Pirkanmaa") == (0, 1, 0)  # never negative
    assert on(0, capacity.TOTAL) == (3, 2, 2)
    rows = capacity.history_csv_rows(history)
    assert rows[0] == ["day", "region", "beds_in_service", "held", "free"]
    assert rows[-1] == ["2026-03-02", "total", 3, 2, 2]
    assert len(rows) == 1 + 14 * 3


def test_the_history_weeks_are_bounded_and_default_to_eight() -> None:
    user = coordinator()
    with time_machine.travel(NOW, tick=False):
        assert len(capacity.capacity_history(user=user).days) == 56
        assert len(capacity.capacity_history(user=user, weeks=0).days) == 7
        assert len(capacity.capacity_history(user=user, weeks=99).days) == 26 * 7


def test_capacity_takes_a_fixed_number_of_queries() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    boss = coordinator()
    case = a_case()

    def add(n: int) -> None:
        for i in range(n):
            place = raw_place(org, name=f"P{i}-{n}", region="Uusimaa" if i % 2 else "Lappi")
            beds = raw_beds(place, 2, created_at=NOW - 20 * DAY)
            BedOutage.objects.create(
                bed=beds[0], starts_at=NOW - 3 * DAY, reason="repair", recorded_by=user
            )
            placement(place, case=case, by=user, proposed_at=NOW - 2 * DAY)

    add(1)
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as small:
            capacity.capacity_now(user=boss)
            capacity.capacity_history(user=boss)
        add(6)
        # when
        with CaptureQueriesContext(connection) as large:
            capacity.capacity_now(user=boss)
            history = capacity.capacity_history(user=boss)
    # then
    assert history.days[-1].counts[capacity.TOTAL].beds == 7
    assert len(small.captured_queries) == len(large.captured_queries) == 7
