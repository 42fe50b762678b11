"""The demo's shelter places (issue 16): each demo shelter organisation runs two
places with rooms and beds, recorded through the place services by one of its
caseworkers, so the place pages, the capacity page and the search have something
to show. A mix of whom they take in (women, men, families, unaccompanied children,
transgender and non-binary people) and of security levels 1 to 3; one bed is out
of service. Names and addresses are synthetic; coordinates lie near the centre of
the organisation's region, never on a real address.

Twelve people found together at night in Finland (``seed_found_at_night``): the
national coordinator's desk opens one case each, linked as one incident, and a
draft placement plan with the two families marked, so the group placement can be
tried at once (solve, record each person's agreement, send)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, ExploitationForm, GenderIdentity, Sex
from haven.demo.accounts import REGIONS
from haven.shelters import regions
from haven.shelters.models import GroupPlan, OutageReason
from haven.shelters.services import places as place_services
from haven.shelters.services import plans as plan_services

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
        PlaceSpec(
            "Pajula children's unit",
            "children",
            (CHILDREN,),
            2,
            (("Bedroom 1", 2), ("Bedroom 2", 2)),
            (0.06, 0.04),
            "Esimerkkikuja 3",
            ("ru",),
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


@dataclass(frozen=True)
class Found:
    """One of the people found at night: who they are, as intake first records it,
    and the family the coordinator marks in the plan ("" on their own)."""

    given_name: str
    family_name: str
    sex: str
    gender_identity: str
    age_status: str
    age: tuple[int, int]  # estimated, lowest and highest
    languages: tuple[str, ...]
    family: str = ""


W, M = (Sex.FEMALE, GenderIdentity.WOMAN), (Sex.MALE, GenderIdentity.MAN)
ADULT, CHILD = AgeStatus.VERIFIED_ADULT, AgeStatus.VERIFIED_CHILD
FOUND_AT_NIGHT = (
    Found("Alina", "Melnyk", *W, ADULT, (34, 36), ("ru", "uk"), family="A"),
    Found("Sofia", "Melnyk", *W, CHILD, (8, 8), ("ru", "uk"), family="A"),
    Found("Ion", "Popescu", *M, ADULT, (40, 42), ("ro",), family="B"),
    Found("Maria", "Popescu", *W, ADULT, (37, 39), ("ro",), family="B"),
    Found("Andrei", "Popescu", *M, CHILD, (10, 10), ("ro",), family="B"),
    # Alone and sixteen by his own account: a child, placed apart from adults.
    Found("Bogdan", "Rusu", *M, AgeStatus.UNCERTAIN, (16, 16), ("ro", "en")),
    Found("Petru", "Ciobanu", *M, ADULT, (24, 26), ("ro",)),
    Found("Vasile", "Lungu", *M, ADULT, (30, 33), ("ro", "bg")),
    Found("Nikolai", "Petrov", *M, ADULT, (45, 50), ("bg",)),
    Found("Elena", "Munteanu", *W, ADULT, (22, 24), ("ro",)),
    Found("Daria", "Bondar", *W, ADULT, (27, 29), ("uk", "ru")),
    Found("Kim", "Lee", Sex.MALE, GenderIdentity.TRANSGENDER_WOMAN, ADULT, (26, 28), ("en",)),
)
FOUND_AT_NIGHT_CASES = len(FOUND_AT_NIGHT)
DANGER_REGION = "Varsinais-Suomi"  # a packing plant's barracks, as the desk was told
NIGHT_NARRATIVE = (
    "A labour inspection found twelve people sleeping in barracks behind a packing "
    "plant at night; the employer holds their passports."
)


def seed_found_at_night(*, users: Mapping[tuple[str, str, str], User]) -> GroupPlan:
    """The desk's incident of twelve people found at night in Finland: a case each,
    opened by the national coordinator (its lead), and a draft placement plan with
    the families marked, not yet solved."""
    desk = users[("FI", OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER)]
    incident = case_services.incident_open(actor=desk)
    cases: list[Case] = [
        case_services.case_open(
            actor=desk,
            person=case_services.PersonInput(
                age_status=found.age_status,
                given_name=found.given_name,
                family_name=found.family_name,
                estimated_age_min=found.age[0],
                estimated_age_max=found.age[1],
                sex=found.sex,
                gender_identity=found.gender_identity,
                languages=list(found.languages),
            ),
            forms_of_exploitation=[ExploitationForm.LABOUR],
            narrative=NIGHT_NARRATIVE,
            incident=incident,
        )
        for found in FOUND_AT_NIGHT
    ]
    plan = plan_services.plan_create(
        actor=desk, incident_id=incident.pk, danger_region=DANGER_REGION
    )
    rows = {row.case_id: row for row in plan.people.all()}
    for case, found in zip(cases, FOUND_AT_NIGHT, strict=True):
        if found.family:
            plan_services.plan_person_update(
                actor=desk,
                plan_id=plan.pk,
                person_id=rows[case.pk].pk,
                family=found.family,
                risk_level=1,
                needs_wheelchair_access=False,
                needs_disability_access=False,
            )
    return plan
