"""The demo's shelter places (issue 16): each demo shelter organisation runs two
places with rooms and beds, recorded through the place services by one of its
caseworkers, so the place pages, the capacity page and the search have something
to show. A mix of whom they take in (women, men, families, unaccompanied children,
transgender and non-binary people) and of security levels 1 to 3; one bed is out
of service. Names and addresses are synthetic; coordinates lie near the centre of
the organisation's region, never on a real address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.demo.accounts import REGIONS
from haven.shelters import regions
from haven.shelters.models import OutageReason
from haven.shelters.services import places as place_services

A = "women", "men", "transgender", "children", "families"
WOMEN, MEN, TRANSGENDER, CHILDREN, FAMILIES = A


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: str
    accepts: tuple[str, ...]
    security_level: int
    rooms: tuple[tuple[str, int], ...]  # (room name, beds)
    offset: tuple[float, float]  # from the region's centre, in degrees
    address: str  # the street; the city is the region's
    more_languages: tuple[str, ...] = ()
    wheelchair_access: bool = False
    disability_access: bool = False


LANGUAGES = {"FI": ("fi", "sv", "en"), "EE": ("et", "ru", "en")}
PLACES: dict[str, tuple[PlaceSpec, ...]] = {
    "FI": (
        PlaceSpec(
            "Koivukoti women's shelter",
            "shelter",
            (WOMEN, TRANSGENDER, FAMILIES),
            3,
            (("Family room 1", 4), ("Family room 2", 3), ("Single rooms", 3)),
            (0.04, -0.06),
            "Esimerkkikatu 1 A",
            ("ru", "uk"),
            wheelchair_access=True,
        ),
        PlaceSpec(
            "Satama men's accommodation",
            "emergency",
            (MEN, TRANSGENDER),
            1,
            (("Dormitory A", 8), ("Dormitory B", 6)),
            (-0.05, 0.08),
            "Esimerkkitie 22",
            ("ro", "bg"),
        ),
    ),
    "EE": (
        PlaceSpec(
            "Kase family unit",
            "supported_housing",
            (WOMEN, FAMILIES),
            2,
            (("Family flat 1", 4), ("Family flat 2", 4)),
            (0.03, 0.05),
            "Näidise tn 5",
            ("uk",),
            disability_access=True,
        ),
        PlaceSpec(
            "Pihlaka children's unit",
            "children",
            (CHILDREN,),
            2,
            (("Bedroom 1", 2), ("Bedroom 2", 2)),
            (-0.04, -0.07),
            "Näidise pst 17",
        ),
    ),
}


def seed_shelter_places(
    *,
    orgs: Mapping[tuple[str, str], Organisation],
    users: Mapping[tuple[str, str, str], User],
) -> int:
    """Every demo shelter's places, rooms and beds; returns how many places."""
    recorded = 0
    out_of_service = False
    for country, specs in PLACES.items():
        organisation = orgs[(country, OrgType.SHELTER)]
        actor = users[(country, OrgType.SHELTER, Role.CASEWORKER)]
        region = organisation.region  # one of the demo's regions, all known to shelters
        centre = regions.centre(country, region) or (0.0, 0.0)
        city = next(r.city for r in REGIONS[country] if r.name == region)
        for spec in specs:
            place = place_services.place_create(
                actor=actor,
                data=place_services.PlaceInput(
                    name=spec.name,
                    kind=spec.kind,
                    region=region,
                    accepts=spec.accepts,
                    wheelchair_access=spec.wheelchair_access,
                    disability_access=spec.disability_access,
                    security_level=spec.security_level,
                    languages=(*LANGUAGES[country], *spec.more_languages),
                    staffed_hours="Around the clock",
                    emergency_contact="+000 0000 0000 (synthetic)",
                    address=f"{spec.address}, {city} (synthetic)",
                    latitude=round(centre[0] + spec.offset[0], 4),
                    longitude=round(centre[1] + spec.offset[1], 4),
                ),
            )
            for room_name, beds in spec.rooms:
                room = place_services.room_add(actor=actor, place_id=place.pk, name=room_name)
                added = place_services.beds_add(actor=actor, room_id=room.pk, count=beds)
                if not out_of_service:
                    place_services.bed_out_of_service(
                        actor=actor, bed_id=added[0].pk, reason=OutageReason.REPAIR
                    )
                    out_of_service = True
            recorded += 1
    return recorded
