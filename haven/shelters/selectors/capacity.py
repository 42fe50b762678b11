"""Free capacity: now, per region and kind of place, and day by day over the last
weeks, per region and in total. The national coordinator sees the whole country;
an organisation that runs places sees its own (``policy.rule_capacity``).

Counts only: no place's address or coordinates, no person. Now is counted by
``selectors.availability`` (the one way beds are counted); the history is
rebuilt from the same facts with their timestamps: a bed counts from
``created_at`` until ``retired_at``, is out of service during a ``BedOutage``,
and a placement holds a bed from ``proposed_at`` until it is answered (declined
or withdrawn), ends, or for as long as it still holds one. A fixed number of
queries, whatever the number of places, beds, days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from haven.access.policy import rule_desk_coordinator
from haven.accounts.models import User
from haven.shelters import policy
from haven.shelters.errors import CapacityNotAllowed
from haven.shelters.models import Bed, BedOutage, Place, Placement, PlacementState
from haven.shelters.selectors import availability

DEFAULT_WEEKS = 8
MAX_WEEKS = 26
TOTAL = "total"


@dataclass(frozen=True)
class Count:
    beds: int  # in service
    held: int
    free: int


@dataclass(frozen=True)
class NowRow:
    region: str
    kind: str
    count: Count


@dataclass(frozen=True)
class Day:
    day: date
    counts: dict[str, Count]  # per region, and TOTAL


@dataclass(frozen=True)
class History:
    regions: list[str]
    days: list[Day]


def _scope(user: User) -> QuerySet[Place]:
    """The active places the user sees the capacity of."""
    decision = policy.rule_capacity(user)
    if not decision.allowed:
        raise CapacityNotAllowed(str(decision.reason))
    assert user.organisation is not None  # noqa: S101 - the rule checked it
    places = Place.objects.filter(active=True)
    if rule_desk_coordinator(user=user).allowed:
        return places.filter(organisation__country=user.organisation.country)
    return places.filter(organisation=user.organisation)


def capacity_now(*, user: User) -> list[NowRow]:
    """Beds in service, held and free now per region x kind (three queries)."""
    places = list(_scope(user).only("id", "region", "kind").order_by("region", "kind", "id"))
    ids = [p.pk for p in places]
    beds = availability.beds_in_service(ids, at=timezone.now())
    holding = availability.held(ids)
    totals: dict[tuple[str, str], list[int]] = {}
    for place in places:
        in_service = beds.get(place.pk, 0)
        held = sum(holding.get(place.pk, {}).values())
        cell = totals.setdefault((place.region, place.kind), [0, 0, 0])
        cell[0] += in_service
        cell[1] += held
        cell[2] += max(0, in_service - held)
    return [
        NowRow(region=region, kind=kind, count=Count(*values))
        for (region, kind), values in sorted(totals.items())
    ]


def _held_until(
    state: str, proposed_at: datetime, answered_at: datetime | None, ended_at: datetime | None
) -> datetime | None:
    """Until when a placement held its bed (``None``: it still holds one)."""
    if state in (PlacementState.DECLINED, PlacementState.WITHDRAWN):
        return answered_at or proposed_at
    if state == PlacementState.ENDED:
        return ended_at or proposed_at
    return None


def _within(at: datetime, start: datetime, end: datetime | None) -> bool:
    return start <= at and (end is None or end > at)


def capacity_history(
    *, user: User, weeks: int = DEFAULT_WEEKS, today: date | None = None
) -> History:
    """Beds in service, held and free at the end of each day of the last ``weeks``
    weeks (today: now), per region and in total (four queries)."""
    places = dict(_scope(user).values_list("id", "region"))
    weeks = max(1, min(weeks, MAX_WEEKS))
    now = timezone.now()
    today = today or timezone.localdate()
    days = [today - timedelta(days=n) for n in range(weeks * 7 - 1, -1, -1)]
    zone = timezone.get_current_timezone()
    moments = [
        min(now, datetime.combine(d + timedelta(days=1), time.min, tzinfo=zone)) for d in days
    ]
    first, last = datetime.combine(days[0], time.min, tzinfo=zone), moments[-1]
    ids = list(places)
    beds = list(
        Bed.objects.filter(room__place_id__in=ids, created_at__lte=last)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=first))
        .values_list("id", "room__place_id", "created_at", "retired_at")
    )
    outages: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for bed_id, starts_at, ends_at in (
        BedOutage.objects.filter(bed__room__place_id__in=ids, starts_at__lte=last)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=first))
        .values_list("bed_id", "starts_at", "ends_at")
    ):
        outages.setdefault(bed_id, []).append((starts_at, ends_at))
    holds: list[tuple[uuid.UUID, datetime, datetime | None]] = []
    for place_id, state, proposed_at, answered_at, ended_at in Placement.objects.filter(
        place_id__in=ids, proposed_at__lte=last
    ).values_list("place_id", "state", "proposed_at", "answered_at", "ended_at"):
        until = _held_until(state, proposed_at, answered_at, ended_at)
        if until is None or until > first:
            holds.append((place_id, proposed_at, until))
    region_names = sorted(set(places.values()))
    out = []
    for day, at in zip(days, moments, strict=True):
        in_service: dict[uuid.UUID, int] = {}
        for bed_id, place_id, created_at, retired_at in beds:
            if _within(at, created_at, retired_at) and not any(
                _within(at, s, e) for s, e in outages.get(bed_id, ())
            ):
                in_service[place_id] = in_service.get(place_id, 0) + 1
        held: dict[uuid.UUID, int] = {}
        for place_id, proposed_at, until in holds:
            if _within(at, proposed_at, until):
                held[place_id] = held.get(place_id, 0) + 1
        sums = {name: [0, 0, 0] for name in [*region_names, TOTAL]}
        for place_id, region in places.items():
            b, h = in_service.get(place_id, 0), held.get(place_id, 0)
            for key in (region, TOTAL):
                sums[key][0] += b
                sums[key][1] += h
                sums[key][2] += max(0, b - h)
        out.append(Day(day=day, counts={k: Count(*v) for k, v in sums.items()}))
    return History(regions=region_names, days=out)


def history_csv_rows(history: History) -> list[list[object]]:
    """The history as CSV rows: one per day and region (and the total)."""
    rows: list[list[object]] = [["day", "region", "beds_in_service", "held", "free"]]
    for day in history.days:
        for key in [*history.regions, TOTAL]:
            count = day.counts[key]
            rows.append([day.day.isoformat(), key, count.beds, count.held, count.free])
    return rows


def country_counts_at(*, country: str, at: datetime) -> dict[tuple[str, str], Count]:
    """Beds in service, held and free at the moment ``at`` per region x kind of
    place, over the places of ``country`` open then or now (three queries). For
    statistics, which decides who reads it: counts only, no place, no person."""
    places = {
        pk: (region, kind)
        for pk, region, kind in Place.objects.filter(organisation__country=country).values_list(
            "id", "region", "kind"
        )
    }
    ids = list(places)
    out = BedOutage.objects.filter(starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )
    in_service: dict[uuid.UUID, int] = {}
    beds = (
        Bed.objects.filter(room__place_id__in=ids, created_at__lte=at)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
        .exclude(pk__in=out.values("bed_id"))
        .values_list("room__place_id", flat=True)
    )
    for place_id in beds:
        in_service[place_id] = in_service.get(place_id, 0) + 1
    held: dict[uuid.UUID, int] = {}
    for place_id, state, proposed_at, answered_at, ended_at in Placement.objects.filter(
        place_id__in=ids, proposed_at__lte=at
    ).values_list("place_id", "state", "proposed_at", "answered_at", "ended_at"):
        until = _held_until(state, proposed_at, answered_at, ended_at)
        if until is None or until > at:
            held[place_id] = held.get(place_id, 0) + 1
    sums: dict[tuple[str, str], list[int]] = {}
    for place_id, key in places.items():
        b, h = in_service.get(place_id, 0), held.get(place_id, 0)
        if not (b or h):
            continue
        cell = sums.setdefault(key, [0, 0, 0])
        cell[0] += b
        cell[1] += h
        cell[2] += max(0, b - h)
    return {key: Count(*values) for key, values in sorted(sums.items())}
