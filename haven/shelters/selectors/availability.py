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


def rule_places(*, country: str, at: datetime | None = None) -> list[tuple[Place, rules.Place]]:
    """Every active place of a country, each with its view for the rules (three
    queries). The coordinates travel only inside the rules' view, for distances:
    callers show a place's location only through the location selector."""
    places = list(
        Place.objects.filter(active=True, organisation__country=country).order_by(
            "region", "name", "id"
        )
    )
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
