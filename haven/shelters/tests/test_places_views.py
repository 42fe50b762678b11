"""The place and capacity pages through the test client: who gets them (the same
rule as the menu link), the forms, and the address never on a list."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.shelters.models import Bed, BedOutage, Place, Room
from haven.shelters.tests.places_factories import (
    ADDRESS,
    coordinator,
    make_place,
    shelter_org,
    staff,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
LIST = reverse("shelters_places:place_list")
NEW = reverse("shelters_places:place_new")
CAPACITY = reverse("shelters_places:capacity")
CSV = reverse("shelters_places:capacity_csv")
HOME = reverse("cases:list")


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Birch House",
        "kind": "shelter",
        "region": "Pirkanmaa",
        "accepts": ["men", "transgender"],
        "security_level": "2",
        "languages": ["fi", "ru"],
        "staffed_hours": "Around the clock",
        "emergency_contact": "+358 3 000 0000",
        "address": ADDRESS,
        "latitude": "61.5",
        "longitude": "23.76",
    }
    data.update(changes)
    return data


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(
    ("user_of", "places", "capacity"),
    [
        (lambda: staff(shelter_org()), True, True),
        (lambda: staff(shelter_org(), Role.ORG_ADMIN), True, True),
        (lambda: make_user(org_type=OrgType.SOCIAL_SERVICES), True, True),
        (coordinator, True, True),
        (lambda: make_user(org_type=OrgType.POLICE), False, False),
        (lambda: make_user(org_type=OrgType.NGO), False, False),
        (lambda: make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR), False, False),
    ],
)
def test_the_menu_offers_the_place_and_capacity_pages_exactly_when_they_open(
    user_of: Any, places: bool, capacity: bool
) -> None:
    # given
    client = client_for(user_of())
    # when
    menu = client.get(HOME).content.decode()
    # then
    assert (f'href="{LIST}"' in menu, client.get(LIST).status_code) == (
        places,
        200 if places else 403,
    )
    assert (f'href="{CAPACITY}"' in menu, client.get(CAPACITY).status_code) == (
        capacity,
        200 if capacity else 403,
    )


def test_a_place_is_added_through_its_form_and_its_address_shown_only_on_its_page() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    client = client_for(user)
    assert "Pirkanmaa" in page(client, NEW)
    # when
    response = client.post(NEW, form())
    # then
    place = Place.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shelters_places:place_detail", args=[place.pk])
    assert (place.organisation, place.accepts, place.security_level) == (
        org,
        ["men", "transgender"],
        2,
    )
    detail = page(client, response["Location"])
    assert ADDRESS in detail and "61.5" in detail
    listed = page(client, LIST)
    assert "Birch House" in listed and ADDRESS not in listed and "61.5" not in listed


def test_a_place_form_with_a_bad_value_shows_the_error_beside_the_field() -> None:
    client = client_for(staff(shelter_org()))
    response = client.post(NEW, form(latitude="", longitude="23.76"))
    assert response.status_code == 400
    assert 'id="id_latitude_error"' in response.content.decode()
    assert not Place.objects.exists()


def test_nobody_outside_a_provider_adds_a_place() -> None:
    for user in (coordinator(), make_user(org_type=OrgType.POLICE)):
        client = client_for(user)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, form()).status_code == 403
    assert not Place.objects.exists()


def test_the_coordinator_lists_the_country_and_reads_a_place_without_its_location() -> None:
    # given
    place = make_place(staff(shelter_org()), beds=2)
    client = client_for(coordinator())
    # when
    listed = page(client, LIST)
    detail = page(client, reverse("shelters_places:place_detail", args=[place.pk]))
    # then
    assert "Harbour House" in listed and ADDRESS not in listed
    assert "Harbour House" in detail
    assert ADDRESS not in detail and "60.17" not in detail
    assert reverse("shelters_places:place_edit", args=[place.pk]) not in detail
    assert client.get(reverse("shelters_places:place_edit", args=[place.pk])).status_code == 403


def test_another_shelter_does_not_find_the_place() -> None:
    place = make_place(staff(shelter_org()))
    client = client_for(staff(shelter_org()))
    for name in ("place_detail", "place_edit"):
        assert client.get(reverse(f"shelters_places:{name}", args=[place.pk])).status_code == 404
    assert ADDRESS not in page(client, LIST)


def test_rooms_beds_and_outages_are_kept_through_the_place_page() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    client = client_for(user)
    url = reverse("shelters_places:place_detail", args=[place.pk])
    # when
    assert (
        client.post(reverse("shelters_places:room_new", args=[place.pk]), {"name": "A"}).status_code
        == 302
    )
    room = Room.objects.get(place=place)
    beds_url = reverse("shelters_places:beds_new", args=[room.pk])
    assert client.post(beds_url, {"count": "2"}).status_code == 302
    first, second = Bed.objects.filter(room=room).order_by("label")
    out = reverse("shelters_places:bed_out_of_service", args=[first.pk])
    assert client.post(out, {"reason": "repair"}).status_code == 302
    shown = page(client, url)
    back = reverse("shelters_places:bed_back_in_service", args=[first.pk])
    assert client.post(back).status_code == 302
    assert client.post(reverse("shelters_places:bed_retire", args=[second.pk])).status_code == 302
    # then
    assert "Out of service since" in shown
    assert BedOutage.objects.get(bed=first).ends_at is not None
    assert Bed.objects.get(pk=second.pk).retired_at is not None


def test_bad_room_bed_and_outage_forms_come_back_with_the_error_beside_the_field() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user, beds=1)
    room = Room.objects.get(place=place)
    bed = Bed.objects.get(room=room)
    client = client_for(user)
    # when
    room_answer = client.post(
        reverse("shelters_places:room_new", args=[place.pk]), {"name": "Room 1"}
    )
    beds_answer = client.post(reverse("shelters_places:beds_new", args=[room.pk]), {"count": "0"})
    outage_answer = client.post(
        reverse("shelters_places:bed_out_of_service", args=[bed.pk]),
        {"reason": "repair", "starts_on": "2000-01-01"},
    )
    late_answer = client.post(
        reverse("shelters_places:bed_out_of_service", args=[bed.pk]),
        {"reason": "repair", "starts_on": "2099-01-02", "ends_on": "2099-01-01"},
    )
    # then
    assert room_answer.status_code == beds_answer.status_code == 400
    assert 'id="id_name_error"' in room_answer.content.decode()
    assert f'id="id_room{room.pk}_count_error"' in beds_answer.content.decode()
    assert outage_answer.status_code == late_answer.status_code == 400
    assert f'id="id_bed{bed.pk}_starts_on_error"' in outage_answer.content.decode()
    assert f'id="id_bed{bed.pk}_ends_on_error"' in late_answer.content.decode()
    assert not BedOutage.objects.exists()


def test_a_place_is_edited_on_its_version_and_a_stale_edit_is_shown_as_a_conflict() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    client = client_for(user)
    url = reverse("shelters_places:place_edit", args=[place.pk])
    assert 'name="version"' in page(client, url)
    # when
    saved = client.post(url, form(name="Renamed", region="Uusimaa", version="1"))
    stale = client.post(url, form(name="Other", region="Uusimaa", version="1"))
    invalid = client.post(url, form(region="Atlantis", version="2"))
    # then
    assert saved.status_code == 302
    assert stale.status_code == 409
    assert invalid.status_code == 400
    assert Place.objects.get().name == "Renamed"


def test_a_place_closes_from_its_page_and_other_staff_cannot_close_it() -> None:
    user = staff(shelter_org())
    place = make_place(user)
    close = reverse("shelters_places:place_deactivate", args=[place.pk])
    assert client_for(staff(shelter_org())).post(close).status_code == 404
    assert Place.objects.get().active
    assert client_for(user).post(close).status_code == 302
    assert not Place.objects.get().active


def test_the_capacity_page_shows_now_the_chart_and_its_table_and_a_csv() -> None:
    # given
    make_place(staff(shelter_org()), beds=3)
    client = client_for(coordinator())
    # when
    html = page(client, CAPACITY + "?weeks=2&region=Uusimaa")
    answer = client.get(CSV + "?weeks=1")
    # then
    assert "<svg" in html and "capacity-chart-desc" in html and "<polyline" in html
    assert html.count('<th scope="row" data-label="Day">') == 14
    assert ADDRESS not in html and "Harbour House" not in html
    assert answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[0] == "day,region,beds_in_service,held,free"
    assert lines[-1].endswith(",total,3,0,3")
    assert ADDRESS not in answer.content.decode()


def test_the_capacity_csv_is_refused_to_others() -> None:
    assert client_for(make_user(org_type=OrgType.POLICE)).get(CSV).status_code == 403


def test_the_list_and_capacity_pages_cost_the_same_queries_for_1_or_8_places() -> None:
    # given
    keeper = staff(shelter_org())
    boss = coordinator()
    make_place(keeper, name="P0", beds=2)
    keeper_client, boss_client = client_for(keeper), client_for(boss)

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, url)
        return len(captured.captured_queries)

    before = [count(keeper_client, LIST), count(boss_client, LIST), count(boss_client, CAPACITY)]
    for i in range(7):
        make_place(keeper, name=f"P{i + 1}", beds=2)
    # when
    after = [count(keeper_client, LIST), count(boss_client, LIST), count(boss_client, CAPACITY)]
    # then
    assert before == after


def test_a_long_list_of_places_has_pages_and_a_short_one_none() -> None:
    # given: 26 places of one provider (a page holds 25)
    from datetime import timedelta

    from django.utils import timezone

    from haven.shelters.tests.places_factories import raw_beds, raw_place

    org = shelter_org()
    keeper = client_for(staff(org))
    raw_place(org, name="Place 00")
    short = page(keeper, LIST)
    for i in range(1, 26):
        raw_beds(
            raw_place(org, name=f"Place {i:02d}"), 1, created_at=timezone.now() - timedelta(days=1)
        )
    # when
    first, second = page(keeper, LIST), page(keeper, f"{LIST}?page=2")
    # then
    assert 'class="pagination"' not in short
    assert "Place 24" in first and "Place 25" not in first
    assert "Place 25" in second and "Place 00" not in second
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' in second
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
