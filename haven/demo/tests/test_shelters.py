"""The demo's shelter places (issue 16): each demo shelter runs places with rooms and
beds, a mix of whom they take in and of security levels, and one bed out of service."""

from __future__ import annotations

import pytest

from haven.accounts.models import OrgType
from haven.demo import seed
from haven.demo.shelters import seed_shelter_places
from haven.shelters import regions
from haven.shelters.models import Bed, BedOutage, Place
from haven.shelters.selectors import availability

pytestmark = pytest.mark.django_db


def test_every_demo_shelter_runs_places_of_every_kind_of_guest_with_one_bed_out() -> None:
    # given
    orgs = seed._create_organisations()
    users = seed._create_users(orgs)
    # when
    recorded = seed_shelter_places(orgs=orgs, users=users)
    # then
    places = list(Place.objects.select_related("organisation"))
    assert recorded == len(places) == 5
    for country, count in (("FI", 3), ("EE", 2)):
        shelter = orgs[(country, OrgType.SHELTER)]
        assert sum(p.organisation == shelter for p in places) == count
    accepted = {value for place in places for value in place.accepts}
    assert accepted == {"women", "men", "transgender", "children", "families"}
    assert {p.security_level for p in places} == {1, 2, 3}
    for place in places:
        assert place.region in regions.regions(place.organisation.country)
        centre = regions.centre(place.organisation.country, place.region)
        assert centre is not None and place.latitude is not None and place.longitude is not None
        assert abs(place.latitude - centre[0]) < 0.2 and abs(place.longitude - centre[1]) < 0.2
        assert "synthetic" in place.address
    assert BedOutage.objects.count() == 1
    beds = Bed.objects.count()
    free = sum(free for free in availability.free_beds([p.pk for p in places]).values())
    assert free == beds - 1
