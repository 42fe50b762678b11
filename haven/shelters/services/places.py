"""Writes to shelter places: a place's details, its rooms and beds, beds taken out
of service and back, and closing a place. Only the staff of the organisation that
runs the place write (``policy.rule_manage_place``). A place is organisation data,
not a case: each write is one transaction, audited as a change to the place, with
no person and never the address or coordinates in the detail (only the names of
the fields that changed)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import cldr, locking
from haven.shelters import policy, regions, rules
from haven.shelters.errors import (
    BedNotFound,
    OutageInvalid,
    PlaceInUse,
    PlaceInvalid,
    PlaceNotAllowed,
    PlaceNotFound,
)
from haven.shelters.models import (
    HOLDING,
    Bed,
    BedOutage,
    OutageReason,
    Place,
    PlaceKind,
    Placement,
    Room,
)

# How far back a bed may be recorded as out of service (a late report of last week's
# repair), and how many beds one request adds.
OUTAGE_BACKDATE = timedelta(days=30)
MAX_BEDS_AT_ONCE = 50
TEXT_LIMITS = {"name": 200, "staffed_hours": 200, "emergency_contact": 200, "address": 300}
# Checked by the service itself: empty lists are fine, though the model's fields are not blank=True.
LISTS = ["accepts", "languages"]
PLACE_FIELDS = (
    "name",
    "kind",
    "region",
    "accepts",
    "wheelchair_access",
    "disability_access",
    "security_level",
    "languages",
    "staffed_hours",
    "emergency_contact",
    "address",
    "latitude",
    "longitude",
)


@dataclass(frozen=True)
class PlaceInput:
    """What the organisation says about one of its places."""

    name: str
    kind: str
    region: str
    accepts: Sequence[str] = ()  # rules.Accepts values
    wheelchair_access: bool = False
    disability_access: bool = False
    security_level: int = 1
    languages: Sequence[str] = ()  # ISO 639-1 codes spoken by the staff
    staffed_hours: str = ""
    emergency_contact: str = ""  # the place's own line, never a person's
    address: str = ""  # location data
    latitude: float | None = None  # location data
    longitude: float | None = None  # location data


def _clean(data: PlaceInput, *, country: str) -> dict[str, object]:
    """The input checked field by field (plain words, one field each)."""
    text = {
        name: str(getattr(data, name)).strip()
        for name in ("name", "region", "staffed_hours", "emergency_contact", "address")
    }
    if not text["name"]:
        raise PlaceInvalid(_("Give the place a name (never its address)."), field="name")
    for name, limit in TEXT_LIMITS.items():
        if len(text[name]) > limit:
            raise PlaceInvalid(_("Use at most %(n)d characters.") % {"n": limit}, field=name)
    if data.kind not in PlaceKind.values:
        raise PlaceInvalid(_("Choose the kind of place from the list."), field="kind")
    if text["region"] not in regions.regions(country):
        raise PlaceInvalid(_("Choose the region from the list."), field="region")
    if set(data.accepts) - set(rules.Accepts):
        raise PlaceInvalid(_("Choose whom the place takes in from the list."), field="accepts")
    if data.security_level not in rules.LEVELS:
        raise PlaceInvalid(_("The security level is 1, 2 or 3."), field="security_level")
    if any(code not in cldr.LANGUAGE_CODES for code in data.languages):
        raise PlaceInvalid(
            _("Give each language as its two-letter code in small letters, such as en or ru."),
            field="languages",
        )
    _check_coordinates(data.latitude, data.longitude)
    return {
        **text,
        "kind": data.kind,
        "accepts": [value for value in rules.Accepts if value in data.accepts],
        "wheelchair_access": bool(data.wheelchair_access),
        "disability_access": bool(data.disability_access),
        "security_level": data.security_level,
        "languages": sorted(set(data.languages)),
        "latitude": data.latitude,
        "longitude": data.longitude,
    }


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise PlaceInvalid(_("Give both coordinates, or neither."), field=field)
    if latitude is not None and not -90 <= latitude <= 90:
        raise PlaceInvalid(_("A latitude lies between -90 and 90."), field="latitude")
    if longitude is not None and not -180 <= longitude <= 180:
        raise PlaceInvalid(_("A longitude lies between -180 and 180."), field="longitude")


def _audit(*, actor: User, place: Place, action: str, detail: dict[str, object]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="shelters.Place",
        object_id=place.pk,
        detail=detail,
    )


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _place_for_update(*, actor: User, place_id: uuid.UUID | str) -> Place:
    """The place, locked, once the actor may manage it (another's place: not found)."""
    place = (
        Place.objects.select_for_update().select_related("organisation").filter(pk=place_id).first()
        if _is_uuid(place_id)
        else None
    )
    if place is None or not policy.may_manage_place(actor, place):
        raise PlaceNotFound(_("No place with this reference."))
    return place


def _bed_for_update(*, actor: User, bed_id: int | str) -> tuple[Place, Bed]:
    bed = (
        Bed.objects.select_related("room").filter(pk=bed_id).first()
        if str(bed_id).isdigit()
        else None
    )
    if bed is None:
        raise BedNotFound(_("No bed with this reference."))
    place = _place_for_update(actor=actor, place_id=bed.room.place_id)
    return place, bed


@transaction.atomic
def place_create(*, actor: User, data: PlaceInput) -> Place:
    """Add a place of the actor's own organisation; it starts active, with no rooms."""
    decision = policy.rule_keep_places(actor)
    if not decision.allowed:
        raise PlaceNotAllowed(str(decision.reason))
    organisation = actor.organisation
    assert organisation is not None  # noqa: S101 - the rule checked it
    now = timezone.now()
    place = Place(organisation=organisation, created_at=now, updated_at=now)
    for name, value in _clean(data, country=organisation.country).items():
        setattr(place, name, value)
    place.full_clean(exclude=LISTS)
    place.save()
    _audit(actor=actor, place=place, action=Action.CREATE, detail={"kind": place.kind})
    return place


@transaction.atomic
def place_update(
    *, actor: User, place_id: uuid.UUID | str, data: PlaceInput, version: int
) -> Place:
    """Change a place's details. ``version`` is the one the editor read: a place
    changed since is refused (``edit_conflict``), never overwritten."""
    place = _place_for_update(actor=actor, place_id=place_id)
    values = _clean(data, country=place.organisation.country)
    locking.version_claim(place, expected=version)
    changed = sorted(name for name, value in values.items() if getattr(place, name) != value)
    for name, value in values.items():
        setattr(place, name, value)
    place.updated_at = timezone.now()
    place.full_clean(exclude=LISTS)
    place.save(update_fields=[*changed, "updated_at"])
    # Only the names of the fields: never the address or coordinates themselves.
    _audit(actor=actor, place=place, action=Action.UPDATE, detail={"changed": changed})
    return place


@transaction.atomic
def room_add(*, actor: User, place_id: uuid.UUID | str, name: str) -> Room:
    """Add a room to a place (its name unique within the place)."""
    place = _place_for_update(actor=actor, place_id=place_id)
    name = name.strip()
    if not name or len(name) > 100:
        raise PlaceInvalid(_("Give the room a name of at most 100 characters."), field="name")
    if place.rooms.filter(name=name).exists():
        raise PlaceInvalid(_("This place already has a room of this name."), field="name")
    room = Room(place=place, name=name)
    room.full_clean()
    room.save()
    _audit(actor=actor, place=place, action=Action.UPDATE, detail={"room_added": room.pk})
    return room


@transaction.atomic
def beds_add(*, actor: User, room_id: int | str, count: int) -> list[Bed]:
    """Add ``count`` beds to a room, numbered on from the room's beds; they count
    from now."""
    room = Room.objects.filter(pk=room_id).first() if str(room_id).isdigit() else None
    if room is None:
        raise PlaceNotFound(_("No place with this reference."))
    place = _place_for_update(actor=actor, place_id=room.place_id)
    if not 1 <= count <= MAX_BEDS_AT_ONCE:
        raise PlaceInvalid(
            _("Add between 1 and %(n)d beds at once.") % {"n": MAX_BEDS_AT_ONCE}, field="count"
        )
    taken = set(room.beds.values_list("label", flat=True))
    now = timezone.now()
    beds: list[Bed] = []
    number = 1
    while len(beds) < count:
        label = str(number)
        if label not in taken:
            beds.append(Bed(room=room, label=label, created_at=now))
        number += 1
    Bed.objects.bulk_create(beds)
    _audit(
        actor=actor,
        place=place,
        action=Action.UPDATE,
        detail={"room": room.pk, "beds_added": count},
    )
    return list(room.beds.filter(created_at=now, label__in=[b.label for b in beds]))


@transaction.atomic
def bed_retire(*, actor: User, bed_id: int | str) -> Bed:
    """The bed is gone for good: it no longer counts from now (kept on record)."""
    place, bed = _bed_for_update(actor=actor, bed_id=bed_id)
    if bed.retired_at is None:
        bed.retired_at = timezone.now()
        bed.save(update_fields=["retired_at"])
        _audit(actor=actor, place=place, action=Action.UPDATE, detail={"bed_retired": bed.pk})
    return bed


@transaction.atomic
def bed_out_of_service(
    *,
    actor: User,
    bed_id: int | str,
    reason: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> BedOutage:
    """Take a bed out of service from now or ``starts_at`` (up to 30 days back, or
    ahead), until ``ends_at`` or until it is put back."""
    place, bed = _bed_for_update(actor=actor, bed_id=bed_id)
    now = timezone.now()
    starts_at = starts_at or now
    if reason not in OutageReason.values:
        raise OutageInvalid(_("Choose the reason from the list."), field="reason")
    if bed.retired_at is not None:
        raise OutageInvalid(_("This bed is retired."), field="bed")
    if starts_at < now - OUTAGE_BACKDATE:
        raise OutageInvalid(
            _("A bed can be recorded out of service at most 30 days back."), field="starts_at"
        )
    if ends_at is not None and ends_at <= starts_at:
        raise OutageInvalid(_("The end must come after the start."), field="ends_at")
    overlapping = bed.outages.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at))
    if ends_at is not None:
        overlapping = overlapping.filter(starts_at__lt=ends_at)
    if overlapping.exists():
        raise OutageInvalid(
            _("This bed is already out of service for part of this time."), field="starts_at"
        )
    outage = BedOutage.objects.create(
        bed=bed, starts_at=starts_at, ends_at=ends_at, reason=reason, recorded_by=actor
    )
    _audit(
        actor=actor,
        place=place,
        action=Action.UPDATE,
        detail={"bed_out_of_service": bed.pk, "reason": reason},
    )
    return outage


@transaction.atomic
def bed_back_in_service(*, actor: User, bed_id: int | str) -> Bed:
    """The bed is usable again now: a running outage ends now, one still to come
    is called off."""
    place, bed = _bed_for_update(actor=actor, bed_id=bed_id)
    now = timezone.now()
    open_ = bed.outages.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    running = open_.filter(starts_at__lte=now).update(ends_at=now)
    coming = open_.filter(starts_at__gt=now)
    called_off = coming.count()
    coming.delete()
    if running or called_off:
        _audit(actor=actor, place=place, action=Action.UPDATE, detail={"bed_in_service": bed.pk})
    return bed


@transaction.atomic
def place_deactivate(*, actor: User, place_id: uuid.UUID | str) -> Place:
    """The place closes: it leaves every search and count, and stays on record.
    Refused while someone lives there or a request holds one of its beds."""
    place = _place_for_update(actor=actor, place_id=place_id)
    if Placement.objects.filter(place=place, state__in=HOLDING).exists():
        raise PlaceInUse(
            _(
                "Someone lives in this place or a placement request holds one of its beds: "
                "end or answer those first."
            )
        )
    if place.active:
        place.active = False
        place.updated_at = timezone.now()
        place.save(update_fields=["active", "updated_at"])
        _audit(actor=actor, place=place, action=Action.UPDATE, detail={"active": False})
    return place
