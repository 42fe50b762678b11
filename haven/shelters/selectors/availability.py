"""Free beds now, and places as the hard rules see them.

A bed is free when it exists now (created, not retired), is not out of service and
is not held by a placement (proposed, accepted or living there: ``HOLDING``).
Beds are counted per place, not matched one by one: a placement names its bed only
once the person moves in. Everything here is counted in the database, a fixed
number of queries whatever the number of places; no personal data is read (who
lives where is the placement's ``occupant``, set when it was proposed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from haven.lib import ids
from haven.shelters import rules
from haven.shelters.models import HOLDING, Bed, BedOutage, Occupant, Place, Placement


def out_of_service(at: datetime) -> QuerySet[BedOutage]:
    """The outages running at ``at``."""
    return BedOutage.objects.filter(starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )


def beds_in_service(place_ids: Iterable[uuid.UUID], *, at: datetime) -> dict[uuid.UUID, int]:
    """Beds that exist at ``at`` and are not out of service then, per place."""
    rows = (
        Bed.objects.filter(room__place_id__in=list(place_ids), created_at__lte=at)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
        .exclude(pk__in=out_of_service(at).values("bed_id"))
        .values("room__place_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return {row["room__place_id"]: row["n"] for row in rows}


def held(place_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Beds held now per place, by occupant kind."""
    rows = (
        Placement.objects.filter(place_id__in=list(place_ids), state__in=HOLDING)
        .values("place_id", "occupant")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[uuid.UUID, dict[str, int]] = {}
    for row in rows:
        out.setdefault(row["place_id"], {})[row["occupant"]] = row["n"]
    return out


def free_beds(
    place_ids: Iterable[uuid.UUID], *, at: datetime | None = None
) -> dict[uuid.UUID, int]:
    """Free beds per place now (never below zero: a bed taken out of service while
    someone holds it leaves the place full, not negative)."""
    ids = list(place_ids)
    beds = beds_in_service(ids, at=at or timezone.now())
    holding = held(ids)
    return {pk: max(0, beds.get(pk, 0) - sum(holding.get(pk, {}).values())) for pk in ids}


def rule_place(place: Place, *, free: int, holding: dict[str, int]) -> rules.Place:
    """A place as the rules see it, with its free beds and who lives there now."""
    adults = holding.get(Occupant.ADULT, 0) > 0
    return rules.Place(
        id=str(place.pk),
        capacity=free,
        accepts=frozenset(place.accepts),
        security_level=place.security_level,
        languages=frozenset(place.languages),
        lat=place.latitude,
        lon=place.longitude,
        wheelchair_access=place.wheelchair_access,
        disability_access=place.disability_access,
        hosts_adults=adults,
        hosts_unaccompanied_children=holding.get(Occupant.UNACCOMPANIED_CHILD, 0) > 0,
    )


def _with_views(places: list[Place], *, at: datetime | None) -> list[tuple[Place, rules.Place]]:
    """Each place with its view for the rules (two queries for any number of places)."""
    ids = [p.pk for p in places]
    beds = beds_in_service(ids, at=at or timezone.now())
    holding = held(ids)
    return [
        (
            place,
            rule_place(
                place,
                free=max(0, beds.get(place.pk, 0) - sum(holding.get(place.pk, {}).values())),
                holding=holding.get(place.pk, {}),
            ),
        )
        for place in places
    ]


def _active(country: str) -> QuerySet[Place]:
    return Place.objects.filter(active=True, organisation__country=country)


def rule_places(*, country: str, at: datetime | None = None) -> list[tuple[Place, rules.Place]]:
    """Every active place of a country, each with its view for the rules (three
    queries). The coordinates travel only inside the rules' view, for distances:
    callers show a place's location only through the location selector."""
    return _with_views(list(_active(country).order_by("region", "name", "id")), at=at)


def rule_places_of(
    place_ids: Iterable[uuid.UUID | None],
    *,
    country: str,
    lock: bool = False,
    at: datetime | None = None,
) -> dict[uuid.UUID, tuple[Place, rules.Place]]:
    """The places of ``place_ids`` that are active in the country, each with its view
    for the rules as ``rule_places`` sees it (three queries, whatever the number of
    places of the country; ``lock``: locked for a write, in the order of their ids);
    a place missing, closed or abroad is left out."""
    found = _active(country).filter(pk__in=list(place_ids)).order_by("pk")
    if lock:
        found = found.select_for_update(of=("self",))
    places = list(found)
    return {place.pk: (place, view) for place, view in _with_views(places, at=at)}


def rule_place_of(
    place_id: object, *, country: str, lock: bool = False, at: datetime | None = None
) -> tuple[Place, rules.Place] | None:
    """One active place of the country with its view for the rules, as
    ``rule_places`` sees it (three queries: the place, locked for a write with
    ``lock``, its beds in service, its beds held); None for an id that is not one,
    or a place missing, closed or abroad."""
    pk = ids.parse_uuid(place_id)
    if pk is None:
        return None
    places = _active(country).filter(pk=pk)
    if lock:
        places = places.select_for_update(of=("self",))
    place = places.first()
    if place is None:
        return None
    return _with_views([place], at=at)[0]
