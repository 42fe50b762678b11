"""Free beds now (``selectors.availability``): the one way beds are counted, by the
search, the solver and the capacity page alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.shelters.models import BedOutage, Occupant, OutageReason, PlacementState
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
