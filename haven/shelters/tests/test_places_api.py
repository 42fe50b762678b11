"""Places and capacity under /api/v1/shelters/: the same rules as the pages, the
location only for the place's own staff, never in a list."""

from __future__ import annotations

from typing import Any

import pytest

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.shelters.models import Bed, BedOutage, Place, Room
from haven.shelters.tests.places_factories import (
    ADDRESS,
    a_case,
    coordinator,
    make_place,
    placement,
    shelter_org,
    staff,
)

pytestmark = pytest.mark.django_db
PLACES = "/api/v1/shelters/places/"
CAPACITY = "/api/v1/shelters/capacity/"


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Birch House",
        "kind": "shelter",
        "region": "Pirkanmaa",
        "accepts": ["men"],
        "security_level": 3,
        "languages": ["fi", "ar"],
        "address": ADDRESS,
        "latitude": 61.5,
        "longitude": 23.76,
    }
    values.update(changes)
    return values


def test_a_provider_creates_a_place_and_reads_its_location_the_list_never_has_it() -> None:
    # given
    client = api_client_for(staff(shelter_org()))
    # when
    created = client.post(PLACES, body(), format="json")
    listed = client.get(PLACES)
    # then
    assert created.status_code == 201
    assert created.json()["location"] == {
        "address": ADDRESS,
        "latitude": 61.5,
        "longitude": 23.76,
    }
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == ["Birch House"]
    assert ADDRESS not in listed.content.decode() and "61.5" not in listed.content.decode()


def test_the_coordinator_reads_places_without_location_and_cannot_change_them() -> None:
    # given
    place = make_place(staff(shelter_org()), beds=2)
    client = api_client_for(coordinator())
    # when
    listed = client.get(PLACES)
    one = client.get(f"{PLACES}{place.pk}/")
    changed = client.patch(f"{PLACES}{place.pk}/", {"name": "x", "version": 1}, format="json")
    created = client.post(PLACES, body(), format="json")
    # then
    assert [row["free"] for row in listed.json()["results"]] == [2]
    assert ADDRESS not in listed.content.decode()
    assert one.status_code == 200 and one.json()["location"] is None
    assert ADDRESS not in one.content.decode()
    assert changed.status_code == 404
    assert created.status_code == 403
    assert Place.objects.get().name == "Harbour House"


def test_others_get_no_places() -> None:
    place = make_place(staff(shelter_org()))
    for user in (make_user(org_type=OrgType.POLICE), staff(shelter_org())):
        client = api_client_for(user)
        assert client.get(f"{PLACES}{place.pk}/").status_code == 404
    assert api_client_for(make_user(org_type=OrgType.POLICE)).get(PLACES).status_code == 403


def test_patch_changes_only_the_fields_sent_on_the_version_read() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    client = api_client_for(user)
    url = f"{PLACES}{place.pk}/"
    # when
    first = client.patch(url, {"security_level": 3, "version": 1}, format="json")
    stale = client.patch(url, {"name": "Old", "version": 1}, format="json")
    invalid = client.patch(url, {"languages": ["xx1"], "version": 2}, format="json")
    # then
    assert first.status_code == 200
    assert (first.json()["security_level"], first.json()["name"]) == (3, "Harbour House")
    assert first.json()["version"] == 2
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert invalid.status_code == 400 and invalid.json()["field"] == "languages"


def test_rooms_beds_and_outages_through_the_api() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    client = api_client_for(user)
    # when
    room = client.post(f"{PLACES}{place.pk}/rooms/", {"name": "A"}, format="json")
    beds = client.post(
        f"/api/v1/shelters/rooms/{room.json()['id']}/beds/", {"count": 2}, format="json"
    )
    first, second = (row["id"] for row in beds.json())
    out = client.post(
        f"/api/v1/shelters/beds/{first}/outages/", {"reason": "repair"}, format="json"
    )
    bad = client.post(
        f"/api/v1/shelters/beds/{second}/outages/",
        {"reason": "repair", "starts_at": "2000-01-01T00:00:00Z"},
        format="json",
    )
    detail = client.get(f"{PLACES}{place.pk}/").json()
    back = client.post(f"/api/v1/shelters/beds/{first}/in-service/")
    retired = client.post(f"/api/v1/shelters/beds/{second}/retire/")
    # then
    assert (room.status_code, beds.status_code, out.status_code) == (201, 201, 201)
    assert bad.status_code == 400 and bad.json()["field"] == "starts_at"
    assert detail["rooms"][0]["beds"][0]["out_of_service"]["reason"] == "repair"
    assert (detail["beds_in_service"], detail["free"]) == (1, 1)
    assert back.status_code == 200 and BedOutage.objects.get().ends_at is not None
    assert retired.status_code == 200 and retired.json()["retired_at"] is not None
    assert Room.objects.count() == 1 and Bed.objects.count() == 2


def test_closing_is_refused_while_someone_lives_there() -> None:
    user = staff(shelter_org())
    place = make_place(user, beds=1)
    client = api_client_for(user)
    held = placement(place, case=a_case(), by=user, proposed_at=place.created_at)
    refused = client.post(f"{PLACES}{place.pk}/close/")
    held.delete()
    closed = client.post(f"{PLACES}{place.pk}/close/")
    assert refused.status_code == 409 and refused.json()["code"] == "place_in_use"
    assert closed.status_code == 200 and closed.json()["active"] is False


def test_capacity_through_the_api_for_the_coordinator_only() -> None:
    make_place(staff(shelter_org()), beds=2)
    answer = api_client_for(coordinator()).get(CAPACITY, {"weeks": 1})
    assert answer.status_code == 200
    data = answer.json()
    assert data["now"][0]["count"] == {"beds_in_service": 2, "held": 0, "free": 2}
    assert len(data["days"]) == 7
    assert data["days"][-1]["counts"][-1] == {
        "region": "total",
        "beds_in_service": 2,
        "held": 0,
        "free": 2,
    }
    assert ADDRESS not in answer.content.decode()
    assert api_client_for(make_user(org_type=OrgType.POLICE)).get(CAPACITY).status_code == 403
    assert api_client_for(coordinator()).get(CAPACITY, {"weeks": 0}).status_code == 400


def test_the_list_endpoint_costs_the_same_queries_for_1_or_6_places() -> None:
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = staff(shelter_org())
    keeper, boss = api_client_for(user), api_client_for(coordinator())
    make_place(user, name="P0", beds=1)

    def count() -> list[int]:
        sizes = []
        for client in (keeper, boss):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(PLACES).status_code == 200
            sizes.append(len(captured.captured_queries))
        return sizes

    before = count()
    for i in range(5):
        make_place(user, name=f"P{i + 1}", beds=2)
    # when
    after = count()
    # then
    assert before == after


def test_the_list_comes_a_page_at_a_time_with_its_count_and_links() -> None:
    # given: 27 places of one provider (a page holds 25)
    from datetime import timedelta

    from django.utils import timezone

    from haven.shelters.tests.places_factories import raw_beds, raw_place

    org = shelter_org()
    names = [f"Place {i:02d}" for i in range(27)]
    for name in names:
        raw_beds(raw_place(org, name=name), 1, created_at=timezone.now() - timedelta(days=1))
    client = api_client_for(staff(org))
    # when
    first = client.get(PLACES)
    second = client.get(PLACES, {"page": 2})
    beyond = client.get(PLACES, {"page": 3})
    nonsense = client.get(PLACES, {"page": "x"})
    # then
    assert first.status_code == second.status_code == 200
    one, two = first.json(), second.json()
    assert [row["name"] for row in one["results"] + two["results"]] == names
    assert (one["count"], one["count_exact"], one["previous"]) == (27, True, None)
    assert one["next"].endswith("?page=2") and two["next"] is None
    assert two["previous"].endswith(PLACES)
    assert beyond.status_code == nonsense.status_code == 404
