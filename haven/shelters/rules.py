"""Who may be placed where: the hard rules and the soft costs of a placement.

One module decides, for the search for one person, the group placement solver and
the console contract alike (``haven placement solve``), so the three can never
disagree. It is pure: plain data in, reasons and costs out; no database, no
personal data beyond what the caller passes in, nothing logged.

Hard rules (a place that breaks one is excluded, with the reason):
- the place accepts the person: a family (two or more people sharing a ``family``)
  needs a place that accepts families; an unaccompanied child (under 18, or
  presumed a child, R-10) one that accepts children; an adult on their own one
  that accepts their gender (women, men, or transgender — which also covers
  non-binary people); an adult whose gender and sex are both unknown needs a
  place that accepts both women and men;
- the place's security level is at least each person's risk level;
- a family is placed together, in one place, or not at all;
- an unaccompanied child is never placed where adults are, and no adult is
  placed where an unaccompanied child is;
- needs the place must meet: wheelchair access, access for people with
  disabilities;
- there are enough free beds for the whole group.

Soft costs (lower is better), in whole points so the solver can sum them exactly:
- closeness to the place of danger: a place nearer than ``SAFE_DISTANCE_KM`` to it
  costs up to ``DANGER_POINTS`` (further is safer);
- no shared language between the person and the staff: ``LANGUAGE_POINTS``;
- distance to the services the person's plan needs: up to ``SERVICES_POINTS``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18
SAFE_DISTANCE_KM = 300.0
DANGER_POINTS = 30
LANGUAGE_POINTS = 20
SERVICES_POINTS = 15
SERVICES_RANGE_KM = 150.0
LEVELS = (1, 2, 3)  # risk and security levels


class Accepts(StrEnum):
    """Whom a place takes in (``accepts`` in the console contract)."""

    WOMEN = "women"
    MEN = "men"
    TRANSGENDER = "transgender"  # transgender and non-binary people
    CHILDREN = "children"  # unaccompanied children
    FAMILIES = "families"


SEXES = ("female", "male", "intersex", "unknown")
GENDER_IDENTITIES = (
    "woman",
    "man",
    "non_binary",
    "transgender_woman",
    "transgender_man",
    "other",  # in the person's own words (Haven's intake); placed as transgender
    "not_stated",
)


class Exclusion(StrEnum):
    """Why a place cannot take a person or a family: a stable code each."""

    NO_FAMILIES = "no_families"
    NO_CHILDREN = "no_children"
    NOT_THIS_GENDER = "not_this_gender"
    SECURITY_TOO_LOW = "security_too_low"
    ADULTS_THERE = "adults_there"
    CHILD_THERE = "child_there"
    NO_WHEELCHAIR_ACCESS = "no_wheelchair_access"
    NO_DISABILITY_ACCESS = "no_disability_access"
    TOO_FEW_BEDS = "too_few_beds"


EXCLUSION_TEXT: dict[Exclusion, Promise] = {
    Exclusion.NO_FAMILIES: _("does not take in families"),
    Exclusion.NO_CHILDREN: _("does not take in unaccompanied children"),
    Exclusion.NOT_THIS_GENDER: _("does not take in people of this gender"),
    Exclusion.SECURITY_TOO_LOW: _("its security level is below the person's risk level"),
    Exclusion.ADULTS_THERE: _(
        "adults live there: an unaccompanied child is never placed with adults"
    ),
    Exclusion.CHILD_THERE: _("an unaccompanied child lives there: no adult is placed with them"),
    Exclusion.NO_WHEELCHAIR_ACCESS: _("it has no wheelchair access"),
    Exclusion.NO_DISABILITY_ACCESS: _("it cannot support people with disabilities"),
    Exclusion.TOO_FEW_BEDS: _("too few free beds for the whole group"),
}


@dataclass(frozen=True)
class Place:
    """A place as the rules see it: free beds now, and who lives there now."""

    id: str
    capacity: int  # free beds
    accepts: frozenset[str]
    security_level: int
    languages: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    wheelchair_access: bool = False
    disability_access: bool = False
    hosts_adults: bool = False
    hosts_unaccompanied_children: bool = False


@dataclass(frozen=True)
class Person:
    """A person to place. ``age`` None means unknown; ``presumed_child`` is R-10's
    presumption of minority (treated as a child whatever ``age`` says)."""

    id: str
    family: str | None = None
    sex: str = "unknown"
    gender_identity: str = "not_stated"
    age: int | None = None
    presumed_child: bool = False
    risk_level: int = 1
    languages: frozenset[str] = frozenset()
    danger_lat: float | None = None
    danger_lon: float | None = None
    services_lat: float | None = None
    services_lon: float | None = None
    needs_wheelchair_access: bool = False
    needs_disability_access: bool = False

    @property
    def is_child(self) -> bool:
        return self.presumed_child or (self.age is not None and self.age < ADULT_AGE)


@dataclass(frozen=True)
class Group:
    """The unit placed together: a family, or one person on their own."""

    key: str
    people: tuple[Person, ...] = field(default_factory=tuple)

    @property
    def is_family(self) -> bool:
        return len(self.people) > 1

    @property
    def unaccompanied_child(self) -> bool:
        return not self.is_family and self.people[0].is_child

    @property
    def has_adults(self) -> bool:
        return any(not p.is_child for p in self.people)


def groups_of(people: Iterable[Person]) -> list[Group]:
    """People sharing a ``family`` value are one group; everyone else is alone.
    Order follows the first appearance of each group."""
    members: dict[str, list[Person]] = {}
    for person in people:
        key = f"family:{person.family}" if person.family else f"person:{person.id}"
        members.setdefault(key, []).append(person)
    return [Group(key=key, people=tuple(group)) for key, group in members.items()]


def gender_accepts(person: Person) -> frozenset[str]:
    """What a place must accept to take in this adult on their own (all of them)."""
    identity = person.gender_identity
    if identity == "woman":
        return frozenset({Accepts.WOMEN})
    if identity == "man":
        return frozenset({Accepts.MEN})
    if identity in ("non_binary", "transgender_woman", "transgender_man", "other"):
        return frozenset({Accepts.TRANSGENDER})
    if person.sex == "female":
        return frozenset({Accepts.WOMEN})
    if person.sex == "male":
        return frozenset({Accepts.MEN})
    if person.sex == "intersex":
        return frozenset({Accepts.TRANSGENDER})
    return frozenset({Accepts.WOMEN, Accepts.MEN})


def acceptance_exclusions(group: Group, place: Place) -> list[Exclusion]:
    """The hard rules that depend on the place alone (not on its free beds or on who
    else the solver puts there)."""
    reasons: list[Exclusion] = []
    if group.is_family:
        if Accepts.FAMILIES not in place.accepts:
            reasons.append(Exclusion.NO_FAMILIES)
    elif group.unaccompanied_child:
        if Accepts.CHILDREN not in place.accepts:
            reasons.append(Exclusion.NO_CHILDREN)
    elif not gender_accepts(group.people[0]) <= place.accepts:
        reasons.append(Exclusion.NOT_THIS_GENDER)
    if any(p.risk_level > place.security_level for p in group.people):
        reasons.append(Exclusion.SECURITY_TOO_LOW)
    if any(p.needs_wheelchair_access for p in group.people) and not place.wheelchair_access:
        reasons.append(Exclusion.NO_WHEELCHAIR_ACCESS)
    if any(p.needs_disability_access for p in group.people) and not place.disability_access:
        reasons.append(Exclusion.NO_DISABILITY_ACCESS)
    return reasons


def exclusions(group: Group, place: Place) -> list[Exclusion]:
    """Every hard rule the place breaks for this group as the place is now (its
    free beds and who lives there): empty when the group may be placed there."""
    reasons = acceptance_exclusions(group, place)
    if group.unaccompanied_child and place.hosts_adults:
        reasons.append(Exclusion.ADULTS_THERE)
    if group.has_adults and place.hosts_unaccompanied_children:
        reasons.append(Exclusion.CHILD_THERE)
    if place.capacity < len(group.people):
        reasons.append(Exclusion.TOO_FEW_BEDS)
    return reasons


def group_signature(group: Group) -> tuple[object, ...]:
    """Everything about a group that ``exclusions`` reads: two groups with the same
    signature are refused by the same places for the same reasons (the solver asks
    once per signature and place, not once per group)."""
    alone_adult = not group.is_family and not group.unaccompanied_child
    return (
        len(group.people),
        group.unaccompanied_child,
        group.has_adults,
        gender_accepts(group.people[0]) if alone_adult else frozenset(),
        max(p.risk_level for p in group.people),
        any(p.needs_wheelchair_access for p in group.people),
        any(p.needs_disability_access for p in group.people),
    )


def place_signature(place: Place) -> tuple[object, ...]:
    """Everything about a place that ``exclusions`` reads (see ``group_signature``)."""
    return (
        place.capacity,
        place.accepts,
        place.security_level,
        place.wheelchair_access,
        place.disability_access,
        place.hosts_adults,
        place.hosts_unaccompanied_children,
    )


def cost_signature(person: Person) -> tuple[object, ...]:
    """Everything about a person that ``cost`` reads: two people with the same
    signature cost the same at every place."""
    return (
        person.danger_lat,
        person.danger_lon,
        person.services_lat,
        person.services_lon,
        person.languages,
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Cost:
    """A person's soft cost at a place, by part (whole points)."""

    danger: int = 0
    language: int = 0
    services: int = 0

    @property
    def total(self) -> int:
        return self.danger + self.language + self.services


def cost(person: Person, place: Place) -> Cost:
    """The soft cost of placing this person at this place. Unknown coordinates cost
    nothing (they cannot be compared); a person with no known language costs nothing."""
    danger = services = 0
    if place.lat is not None and place.lon is not None:
        if person.danger_lat is not None and person.danger_lon is not None:
            km = distance_km(person.danger_lat, person.danger_lon, place.lat, place.lon)
            danger = math.ceil(DANGER_POINTS * max(0.0, SAFE_DISTANCE_KM - km) / SAFE_DISTANCE_KM)
        if person.services_lat is not None and person.services_lon is not None:
            km = distance_km(person.services_lat, person.services_lon, place.lat, place.lon)
            services = math.ceil(SERVICES_POINTS * min(1.0, km / SERVICES_RANGE_KM))
    shared = person.languages & place.languages
    language = LANGUAGE_POINTS if person.languages and not shared else 0
    return Cost(danger=danger, language=language, services=services)


def group_cost(group: Group, place: Place) -> int:
    return sum(cost(person, place).total for person in group.people)


def explain(reasons: Sequence[Exclusion]) -> str:
    """The reasons in plain words, joined (translated in the active language)."""
    return "; ".join(str(EXCLUSION_TEXT[reason]) for reason in reasons)
