"""Free beds now (``selectors.availability``): the one way beds are counted, by the
search, the solver and the capacity page alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.shelters.models import BedOutage, Occupant, OutageReason, Place, PlacementState
from haven.shelters.selectors import availability
from haven.shelters.tests.places_factories import (
    a_case,
    placement,
    raw_beds,
    raw_place,
    shelter_org,
    staff,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_bed_counts_from_its_creation_until_it_is_retired() -> None:
    # given
    org = shelter_org()
    place = raw_place(org)
    raw_beds(place, 2, created_at=NOW - DAY)
    raw_beds(place, 1, created_at=NOW + DAY)  # not there yet
    retired, kept = raw_beds(place, 2, created_at=NOW - 2 * DAY)
    retired.retired_at = NOW - timedelta(hours=1)
    retired.save()
    kept.retired_at = NOW + DAY  # retired later: still counts now
    kept.save()
    # when
    counted = availability.beds_in_service([place.pk], at=NOW)
    # then
    assert counted == {place.pk: 3}
    assert availability.beds_in_service([place.pk], at=NOW - 3 * DAY) == {}


def test_a_bed_out_of_service_counts_only_outside_its_outage() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    place = raw_place(org)
    running, ended, future, open_ended = raw_beds(place, 4, created_at=NOW - 10 * DAY)
    for bed, starts, ends in [
        (running, NOW - DAY, NOW + DAY),
        (ended, NOW - 3 * DAY, NOW - DAY),
        (future, NOW + DAY, None),
        (open_ended, NOW - DAY, None),
    ]:
        BedOutage.objects.create(
            bed=bed, starts_at=starts, ends_at=ends, reason=OutageReason.REPAIR, recorded_by=user
        )
    # when / then
    assert availability.beds_in_service([place.pk], at=NOW) == {place.pk: 2}
    assert availability.beds_in_service([place.pk], at=NOW + 2 * DAY) == {place.pk: 2}
    assert availability.beds_in_service([place.pk], at=NOW - 2 * DAY) == {place.pk: 3}


def test_only_proposed_accepted_and_started_placements_hold_a_bed() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    place = raw_place(org)
    raw_beds(place, 6, created_at=NOW - DAY)
    case = a_case()
    for state in PlacementState.values:
        placement(place, case=case, by=user, state=state, proposed_at=NOW - DAY)
    # when
    held = availability.held([place.pk])
    free = availability.free_beds([place.pk], at=NOW)
    # then
    assert held == {place.pk: {Occupant.ADULT: 3}}
    assert free == {place.pk: 3}


def test_free_beds_are_never_negative() -> None:
    # given: two people hold beds, and both beds are taken out of service
    org = shelter_org()
    user = staff(org)
    place = raw_place(org)
    empty = raw_place(org, name="Empty")
    beds = raw_beds(place, 2, created_at=NOW - DAY)
    case = a_case()
    for bed in beds:
        placement(place, case=case, by=user, state=PlacementState.STARTED, proposed_at=NOW - DAY)
        BedOutage.objects.create(
            bed=bed, starts_at=NOW - DAY, reason=OutageReason.SAFETY, recorded_by=user
        )
    # when
    free = availability.free_beds([place.pk, empty.pk], at=NOW)
    # then
    assert free == {place.pk: 0, empty.pk: 0}


def test_the_rules_see_who_lives_there_from_the_occupant_kind() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    adults = raw_place(org, name="A", security_level=3, languages=["fi"], wheelchair_access=True)
    children = raw_place(org, name="B", accepts=["children"])
    family = raw_place(org, name="C", accepts=["families"])
    for place in (adults, children, family):
        raw_beds(place, 3, created_at=NOW - DAY)
    case = a_case()
    placement(adults, case=case, by=user, occupant=Occupant.ADULT, proposed_at=NOW - DAY)
    placement(
        children, case=case, by=user, occupant=Occupant.UNACCOMPANIED_CHILD, proposed_at=NOW - DAY
    )
    placement(
        family, case=case, by=user, occupant=Occupant.CHILD_WITH_FAMILY, proposed_at=NOW - DAY
    )
    # when
    seen = {place.name: rule for place, rule in availability.rule_places(country="FI", at=NOW)}
    # then
    assert (seen["A"].hosts_adults, seen["A"].hosts_unaccompanied_children) == (True, False)
    assert (seen["B"].hosts_adults, seen["B"].hosts_unaccompanied_children) == (False, True)
    assert (seen["C"].hosts_adults, seen["C"].hosts_unaccompanied_children) == (False, False)
    assert seen["A"].capacity == 2
    assert seen["A"].security_level == 3
    assert seen["A"].languages == frozenset({"fi"})
    assert seen["A"].wheelchair_access is True
    assert seen["A"].lat is None


def test_rule_places_lists_only_active_places_of_the_country() -> None:
    # given
    fi, ee = shelter_org("FI"), shelter_org("EE")
    raw_place(fi, name="Open")
    raw_place(fi, name="Closed", active=False)
    raw_place(ee, name="Tallinn", region="Harjumaa")
    # when
    names = [place.name for place, _ in availability.rule_places(country="FI")]
    # then
    assert names == ["Open"]


def test_rule_places_counts_in_a_fixed_number_of_queries() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    case = a_case()

    def add_places(n: int) -> None:
        for i in range(n):
            place = raw_place(org, name=f"P{i}-{n}")
            raw_beds(place, 2, created_at=NOW - DAY)
            placement(place, case=case, by=user, proposed_at=NOW - DAY)

    add_places(1)
    with CaptureQueriesContext(connection) as one:
        availability.rule_places(country="FI", at=NOW)
    add_places(5)
    # when
    with CaptureQueriesContext(connection) as six:
        rows = availability.rule_places(country="FI", at=NOW)
    # then
    assert len(rows) == 6
    assert len(one.captured_queries) == len(six.captured_queries) == 3


def _varied_places() -> list[Place]:
    """Places of every kind the rules tell apart: full, with beds out of service,
    hosting adults or a lone child, closed, abroad, without beds."""
    fi, ee = shelter_org("FI"), shelter_org("EE")
    user = staff(fi)
    case = a_case()
    adults = raw_place(fi, name="Adults", security_level=3, languages=["fi"], latitude=60.2)
    child = raw_place(fi, name="Child", accepts=["children"], wheelchair_access=True)
    repair = raw_place(fi, name="Repair", accepts=["families"], disability_access=True)
    full = raw_place(fi, name="Full")
    empty = raw_place(fi, name="No beds")
    closed = raw_place(fi, name="Closed", active=False)
    abroad = raw_place(ee, name="Tallinn", region="Harjumaa")
    for place in (adults, child, repair, full, closed, abroad):
        raw_beds(place, 3, created_at=NOW - DAY)
    out = repair.rooms.get().beds.first()
    assert out is not None
    BedOutage.objects.create(
        bed=out, starts_at=NOW - DAY, ends_at=None, reason=OutageReason.REPAIR, recorded_by=user
    )
    placement(adults, case=case, by=user, occupant=Occupant.ADULT, proposed_at=NOW - DAY)
    placement(
        child, case=case, by=user, occupant=Occupant.UNACCOMPANIED_CHILD, proposed_at=NOW - DAY
    )
    for _ in range(4):  # more held than beds: full, never negative
        placement(full, case=case, by=user, proposed_at=NOW - DAY)
    return [adults, child, repair, full, empty, closed, abroad]


def test_one_place_is_seen_by_the_rules_exactly_as_in_the_whole_country() -> None:
    # given
    places = _varied_places()
    country = dict(availability.rule_places(country="FI", at=NOW))
    # when
    one_by_one = {
        place: availability.rule_place_of(place.pk, country="FI", at=NOW) for place in places
    }
    some = availability.rule_places_of([p.pk for p in places], country="FI", at=NOW)
    # then: the same view for each active place of the country, none for the others
    assert len(country) == 5
    for place, seen in one_by_one.items():
        expected = country.get(place)
        assert (seen[1] if seen else None) == expected
        assert (some[place.pk][1] if place.pk in some else None) == expected
    assert {p.name: v.capacity for p, v in country.items()} == {
        "Adults": 2,
        "Child": 2,
        "Repair": 2,
        "Full": 0,
        "No beds": 0,
    }


@pytest.mark.parametrize("place_id", ["nonsense", "5db57f5b-55c3-47c6-9b3b-c6dfb668fab7", None])
def test_no_place_is_seen_for_an_id_that_is_not_one(place_id: object) -> None:
    raw_place(shelter_org())
    assert availability.rule_place_of(place_id, country="FI") is None


@pytest.mark.parametrize("lock", [False, True])
def test_one_place_is_read_in_three_queries_whatever_the_country_holds(lock: bool) -> None:
    # given: one place, then ten more in the country
    org = shelter_org()
    place = raw_place(org, name="Asked")
    raw_beds(place, 2, created_at=NOW - DAY)
    with CaptureQueriesContext(connection) as alone:
        availability.rule_place_of(place.pk, country="FI", lock=lock, at=NOW)
    for i in range(10):
        raw_beds(raw_place(org, name=f"Other {i}"), 2, created_at=NOW - DAY)
    # when
    with CaptureQueriesContext(connection) as among:
        seen = availability.rule_place_of(place.pk, country="FI", lock=lock, at=NOW)
    # then: the place, its beds in service, its beds held
    assert seen is not None and seen[0] == place and seen[1].capacity == 2
    assert len(alone.captured_queries) == len(among.captured_queries) == 3
