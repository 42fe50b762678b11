"""Reads of shelter places: an organisation's own places, the country's places for
the national coordinator, one place with its rooms, beds and beds out of service,
and its location for those allowed to know it.

Lists come a page at a time and never carry the address or the coordinates
(``location`` data): the rows here name the place, its region and kind, whom it
takes in and its free beds.
``place_location`` is the one read of where a place is, and answers ``None`` to
anyone the policy does not let know it.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.policy import rule_desk_coordinator
from haven.accounts.models import User
from haven.lib import paging
from haven.shelters import policy
from haven.shelters.errors import PlaceNotAllowed, PlaceNotFound
from haven.shelters.models import Bed, BedOutage, Place, Room
from haven.shelters.selectors import availability

# The lists of places come a page at a time; the count stops at
# ``PLACE_COUNT_LIMIT`` ("more than"), whatever the number of places.
PAGE_SIZE = 25
PLACE_COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class PlaceRow:
    """A place on a list: never its address or coordinates."""

    place: Place
    beds: int  # in service now
    held: int
    free: int


@dataclass(frozen=True)
class BedRow:
    bed: Bed
    outage: BedOutage | None  # running now
    coming: BedOutage | None  # the next one planned


@dataclass(frozen=True)
class RoomRow:
    room: Room
    beds: list[BedRow] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceDetail:
    row: PlaceRow
    rooms: list[RoomRow]
    may_manage: bool


@dataclass(frozen=True)
class Location:
    """Where a place is: shown only to those ``policy.rule_place_location`` allows."""

    address: str
    latitude: float | None
    longitude: float | None


def require_keeper(*, user: User) -> None:
    decision = policy.rule_keep_places(user)
    if not decision.allowed:
        raise PlaceNotAllowed(str(decision.reason))


def _rows(places: list[Place]) -> list[PlaceRow]:
    """Each place with its beds in service, held and free now (two queries)."""
    ids = [p.pk for p in places]
    beds = availability.beds_in_service(ids, at=timezone.now())
    holding = availability.held(ids)
    rows = []
    for place in places:
        in_service = beds.get(place.pk, 0)
        held = sum(holding.get(place.pk, {}).values())
        rows.append(
            PlaceRow(place=place, beds=in_service, held=held, free=max(0, in_service - held))
        )
    return rows


def _page(places: QuerySet[Place], *, number: int, per_page: int) -> paging.Page[PlaceRow]:
    """One page of ``places`` with its beds now (four queries: the count up to
    ``PLACE_COUNT_LIMIT``, the page, its beds in service, its beds held)."""
    count = paging.capped_count(places.order_by().values("id"), limit=PLACE_COUNT_LIMIT)
    page = paging.page_of(places, number=number, per_page=per_page, count=count)
    return dataclasses.replace(page, object_list=_rows(page.object_list))


def places_of_my_organisation(
    *, user: User, number: int = 1, per_page: int = PAGE_SIZE
) -> paging.Page[PlaceRow]:
    """One page of the places the user's organisation runs, closed ones last."""
    require_keeper(user=user)
    places = (
        Place.objects.filter(organisation=user.organisation)
        .select_related("organisation")
        .order_by("-active", "region", "name", "id")
    )
    return _page(places, number=number, per_page=per_page)


def places_of_country(
    *, user: User, number: int = 1, per_page: int = PAGE_SIZE
) -> paging.Page[PlaceRow]:
    """The national coordinator's view: one page of the active places of the
    country, with the organisation that runs each."""
    if not rule_desk_coordinator(user=user).allowed:
        raise PlaceNotAllowed(str(policy.NOT_CAPACITY_READER.reason))
    assert user.organisation is not None  # noqa: S101 - the desk rule checked it
    places = (
        Place.objects.filter(active=True, organisation__country=user.organisation.country)
        .select_related("organisation")
        .order_by("region", "name", "id")
    )
    return _page(places, number=number, per_page=per_page)


def may_read_place(user: User, place: Place) -> bool:
    """The place's own staff, or the national coordinator of its country."""
    if policy.may_manage_place(user, place):
        return True
    return (
        rule_desk_coordinator(user=user).allowed
        and user.organisation is not None
        and user.organisation.country == place.organisation.country
    )


def place_for(*, user: User, place_id: uuid.UUID | str) -> Place:
    """One place the user may read (anyone else: not found, as if it did not exist)."""
    try:
        pk = uuid.UUID(str(place_id))
    except ValueError:
        pk = None
    place = Place.objects.select_related("organisation").filter(pk=pk).first() if pk else None
    if place is None or not may_read_place(user, place):
        raise PlaceNotFound(_("No place with this reference."))
    return place


def place_detail(*, user: User, place_id: uuid.UUID | str) -> PlaceDetail:
    """A place with its rooms and beds (retired beds left out), each bed's running
    and next outage (five queries)."""
    place = place_for(user=user, place_id=place_id)
    now = timezone.now()
    open_outages = BedOutage.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).order_by(
        "starts_at", "id"
    )
    rooms = list(
        place.rooms.prefetch_related(
            Prefetch(
                "beds",
                queryset=Bed.objects.filter(retired_at__isnull=True)
                .order_by("label", "id")
                .prefetch_related(Prefetch("outages", queryset=open_outages)),
            )
        ).order_by("name", "id")
    )
    room_rows = []
    for room in rooms:
        bed_rows = []
        for bed in room.beds.all():
            outages = list(bed.outages.all())
            running = next((o for o in outages if o.starts_at <= now), None)
            coming = next((o for o in outages if o.starts_at > now), None)
            bed_rows.append(BedRow(bed=bed, outage=running, coming=coming))
        room_rows.append(RoomRow(room=room, beds=bed_rows))
    return PlaceDetail(
        row=_rows([place])[0], rooms=room_rows, may_manage=policy.may_manage_place(user, place)
    )


def place_location(*, user: User, place: Place) -> Location | None:
    """The place's address and coordinates, or ``None`` for anyone else."""
    decision = policy.rule_place_location(
        user, organisation_id=place.organisation_id, country=place.organisation.country
    )
    if not decision.allowed:
        return None
    return Location(address=place.address, latitude=place.latitude, longitude=place.longitude)


def may_list_country(user: User) -> bool:
    """The national coordinator lists the country's places (without any address)."""
    return rule_desk_coordinator(user=user).allowed
