"""Places, beds and placements for the tests of places, capacity and availability.
Placements are written straight to the table here: their lifecycle is tested
with the placement services; these tests need only their states and timestamps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.shelters.models import Bed, Occupant, Place, Placement, PlacementState, Room
from haven.shelters.services import places as services

ADDRESS = "Salainen katu 13 B, 00100 Helsinki"


def shelter_org(country: str = "FI", **kwargs: Any) -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.SHELTER, country=country, **kwargs)


def staff(organisation: Organisation, role: str = Role.CASEWORKER) -> User:
    return make_user(organisation=organisation, role=role)


def coordinator(country: str = "FI") -> User:
    org = OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    return make_user(organisation=org, role=Role.CASEWORKER)


def place_input(**changes: Any) -> services.PlaceInput:
    values: dict[str, Any] = {
        "name": "Harbour House",
        "kind": "shelter",
        "region": "Uusimaa",
        "accepts": ["women", "families"],
        "security_level": 2,
        "languages": ["fi", "en"],
        "staffed_hours": "Around the clock",
        "emergency_contact": "+358 9 000 0001",
        "address": ADDRESS,
        "latitude": 60.17,
        "longitude": 24.94,
    }
    values.update(changes)
    return services.PlaceInput(**values)


def make_place(actor: User, *, beds: int = 0, **changes: Any) -> Place:
    place = services.place_create(actor=actor, data=place_input(**changes))
    if beds:
        room = services.room_add(actor=actor, place_id=place.pk, name="Room 1")
        services.beds_add(actor=actor, room_id=room.pk, count=beds)
    return place


def raw_place(organisation: Organisation, *, region: str = "Uusimaa", **changes: Any) -> Place:
    now = timezone.now()
    values: dict[str, Any] = {
        "organisation": organisation,
        "name": "Raw place",
        "region": region,
        "accepts": ["women"],
        "address": ADDRESS,
        "created_at": now,
        "updated_at": now,
    }
    values.update(changes)
    return Place.objects.create(**values)


def raw_beds(place: Place, n: int, *, created_at: datetime, room: str = "R") -> list[Bed]:
    room_row, _ = Room.objects.get_or_create(place=place, name=room)
    start = room_row.beds.count()
    return [
        Bed.objects.create(room=room_row, label=str(start + i + 1), created_at=created_at)
        for i in range(n)
    ]


def a_case() -> Case:
    opener = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    return open_case(actor=opener)


def placement(
    place: Place,
    *,
    case: Case,
    by: User,
    state: str = PlacementState.PROPOSED,
    occupant: str = Occupant.ADULT,
    proposed_at: datetime,
    answered_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> Placement:
    return Placement.objects.create(
        case=case,
        place=place,
        state=state,
        occupant=occupant,
        person_agreed_on=date(2026, 1, 1),
        proposed_at=proposed_at,
        proposed_by=by,
        answered_at=answered_at,
        ended_at=ended_at,
    )
