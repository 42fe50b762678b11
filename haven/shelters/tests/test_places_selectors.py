"""Reads of places: an organisation's own, the country's for the coordinator (never
the address), one place's rooms and beds, and where it is only for its own staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.lib.errors import HavenError
from haven.shelters.errors import ErrorCode
from haven.shelters.models import Bed, PlacementState
from haven.shelters.selectors import places as selectors
from haven.shelters.services import places as services
from haven.shelters.tests.places_factories import (
    ADDRESS,
    a_case,
    coordinator,
    make_place,
    placement,
    raw_beds,
    raw_place,
    shelter_org,
    staff,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_an_organisation_lists_its_own_places_with_free_beds_closed_ones_last() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    closed = make_place(user, name="Closed")
    services.place_deactivate(actor=user, place_id=closed.pk)
    open_ = make_place(user, name="Open", beds=3)
    placement(open_, case=a_case(), by=user, proposed_at=NOW - DAY)
    make_place(staff(shelter_org()), name="Not ours")
    # when
    rows = selectors.places_of_my_organisation(user=user).object_list
    # then
    assert [(r.place.name, r.beds, r.held, r.free) for r in rows] == [
        ("Open", 3, 1, 2),
        ("Closed", 0, 0, 0),
    ]


def test_only_those_who_keep_places_list_them() -> None:
    with pytest.raises(HavenError) as refused:
        selectors.places_of_my_organisation(user=make_user(org_type=OrgType.POLICE))
    assert refused.value.code == ErrorCode.PLACE_NOT_ALLOWED


def test_the_coordinator_lists_the_active_places_of_the_country_only() -> None:
    # given
    fi = staff(shelter_org("FI"))
    make_place(fi, name="Helsinki", beds=2)
    make_place(staff(shelter_org("EE")), name="Tallinn", region="Harjumaa")
    # when
    rows = selectors.places_of_country(user=coordinator("FI")).object_list
    # then
    assert [(r.place.name, r.free) for r in rows] == [("Helsinki", 2)]
    with pytest.raises(HavenError) as refused:
        selectors.places_of_country(user=fi)
    assert refused.value.code == ErrorCode.PLACE_NOT_ALLOWED


def test_lists_take_a_fixed_number_of_queries() -> None:
    # given
    user = staff(shelter_org())
    boss = coordinator()
    make_place(user, name="P0", beds=1)
    with CaptureQueriesContext(connection) as one:
        selectors.places_of_my_organisation(user=user)
        selectors.places_of_country(user=boss)
    for i in range(4):
        make_place(user, name=f"P{i + 1}", beds=2)
    # when
    with CaptureQueriesContext(connection) as five:
        mine = selectors.places_of_my_organisation(user=user)
        country = selectors.places_of_country(user=boss)
    # then: the count, the page, its beds in service and its beds held, each
    assert len(mine.object_list) == len(country.object_list) == 5
    assert len(one.captured_queries) == len(five.captured_queries) == 8


@pytest.mark.parametrize("asker", ["provider", "coordinator"])
def test_a_long_list_comes_a_page_at_a_time_in_four_queries(
    asker: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given: 30 places of one provider, read by its staff or the coordinator
    org = shelter_org()
    names = [f"Place {i:02d}" for i in range(30)]
    for name in names:
        raw_beds(raw_place(org, name=name), 1, created_at=NOW - DAY)
    user = staff(org) if asker == "provider" else coordinator()
    read = (
        selectors.places_of_my_organisation if asker == "provider" else selectors.places_of_country
    )
    # when: the count, the page, its beds in service, its beds held
    with django_assert_num_queries(4):
        first = read(user=user, number=1, per_page=25)
    with django_assert_num_queries(4):
        second = read(user=user, number=2, per_page=25)
    # then
    assert [r.place.name for r in first.object_list] == names[:25]
    assert [r.place.name for r in second.object_list] == names[25:]
    assert [r.free for r in first.object_list] == [1] * 25
    assert (first.has_next, second.has_next, second.has_previous) == (True, False, True)
    assert (first.count.value, first.count.exact, first.num_pages) == (30, True, 2)


def test_beyond_the_count_limit_the_list_says_more_than(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: three places, counted up to two
    org = shelter_org()
    for i in range(3):
        raw_place(org, name=f"P{i}")
    monkeypatch.setattr(selectors, "PLACE_COUNT_LIMIT", 2)
    # when
    page = selectors.places_of_my_organisation(user=staff(org), number=1, per_page=2)
    # then
    assert (page.count.value, page.count.more_than, page.num_pages) == (2, True, None)
    assert page.has_next and len(page.object_list) == 2


def test_place_detail_shows_rooms_beds_and_their_outages_to_staff_and_coordinator() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    with time_machine.travel(NOW - DAY, tick=False):
        place = make_place(user, beds=3)
    a, b, c = Bed.objects.filter(room__place=place).order_by("label")
    with time_machine.travel(NOW, tick=False):
        services.bed_out_of_service(actor=user, bed_id=a.pk, reason="repair")
        services.bed_out_of_service(actor=user, bed_id=b.pk, reason="repair", starts_at=NOW + DAY)
        services.bed_retire(actor=user, bed_id=c.pk)
        # when
        mine = selectors.place_detail(user=user, place_id=place.pk)
        theirs = selectors.place_detail(user=coordinator(), place_id=str(place.pk))
    # then
    (room,) = mine.rooms
    assert [(r.bed.label, r.outage is not None, r.coming is not None) for r in room.beds] == [
        ("1", True, False),
        ("2", False, True),
    ]
    assert (mine.row.beds, mine.row.free) == (1, 1)
    assert mine.may_manage and not theirs.may_manage


def test_place_detail_is_not_found_for_anyone_else() -> None:
    # given
    place = make_place(staff(shelter_org("FI")))
    strangers = [
        staff(shelter_org()),
        coordinator("EE"),
        make_user(org_type=OrgType.POLICE),
        make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.ORG_ADMIN),
    ]
    # when / then
    for user in strangers:
        with pytest.raises(HavenError) as refused:
            selectors.place_detail(user=user, place_id=place.pk)
        assert refused.value.code == ErrorCode.PLACE_NOT_FOUND
    with pytest.raises(HavenError):
        selectors.place_for(user=strangers[0], place_id="nope")


def test_the_location_is_given_to_the_place_staff_and_to_nobody_else() -> None:
    # given
    org = shelter_org()
    admin = staff(org, Role.ORG_ADMIN)
    place = make_place(admin)
    # when
    own = selectors.place_location(user=staff(org), place=place)
    boss = selectors.place_location(user=coordinator(), place=place)
    other = selectors.place_location(user=staff(shelter_org()), place=place)
    # then
    assert own is not None and (own.address, own.latitude, own.longitude) == (
        ADDRESS,
        60.17,
        24.94,
    )
    assert boss is None and other is None


def test_a_closed_place_still_reads_but_holds_nothing() -> None:
    user = staff(shelter_org())
    place = make_place(user, beds=1)
    placement(place, case=a_case(), by=user, state=PlacementState.DECLINED, proposed_at=NOW)
    services.place_deactivate(actor=user, place_id=place.pk)
    detail = selectors.place_detail(user=user, place_id=place.pk)
    assert (detail.row.held, detail.row.place.active) == (0, False)
