"""The search for a place for one person: every active place of the case's
country, the suitable ones ranked by soft cost (with its parts) and the others
each with every hard rule it breaks, in words (``rules.exclusions``,
``rules.explain``). The rules are never re-implemented here.

Who the person is comes from the case, read through the gate (the identity group:
sex, gender identity, age from the year of birth or the estimated age, the
presumption of minority of R-10, languages); the risk level from the case's latest
risk assessment when the reader may read it (the assessment group), otherwise 1,
and the page says which; the caseworker may raise it, never lower it. Where danger
was and where the services are, are regions (their centres, ``regions.centre``),
never an address. No place's address or coordinates leave this module: the
coordinates are used for distances only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.models import Assessment, AssessmentKind
from haven.assistance.selectors import assessments as assessment_selectors
from haven.cases import selectors as case_selectors
from haven.cases.models import Person
from haven.lib.errors import HavenError, InvalidInput
from haven.shelters import regions, rules
from haven.shelters.errors import ErrorCode, PlacementNotAllowed
from haven.shelters.models import PlaceKind
from haven.shelters.selectors import availability
from haven.shelters.selectors import placements as placement_selectors

# A risk assessment section's level, as the rules' risk level (1-3).
RISK_POINTS = {"low": 1, "medium": 2, "high": 3}
DEFAULT_RISK = 1


@dataclass(frozen=True)
class SearchInput:
    """What the caseworker says beyond the case: where the danger was and where the
    services are (regions), a risk level (raises the assessed one), and needs."""

    danger_region: str = ""
    services_region: str = ""
    risk_level: int = DEFAULT_RISK
    needs_wheelchair_access: bool = False
    needs_disability_access: bool = False


@dataclass(frozen=True)
class PersonFacts:
    """The person as the rules see them, and where the risk level came from."""

    person: rules.Person
    assessed_risk: int | None  # None: no risk assessment this reader may read

    @property
    def is_child(self) -> bool:
        return self.person.is_child


@dataclass(frozen=True)
class Suitable:
    id: uuid.UUID
    name: str
    kind_label: str
    region: str
    security_level: int
    languages: list[str]
    free_beds: int
    cost: rules.Cost


@dataclass(frozen=True)
class Excluded:
    id: uuid.UUID
    name: str
    kind_label: str
    region: str
    codes: list[str]
    reasons: list[str]  # every hard rule it breaks, in words


@dataclass(frozen=True)
class SearchResult:
    case_id: uuid.UUID
    reference: str
    country: str
    facts: PersonFacts
    inputs: SearchInput
    suitable: list[Suitable] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)


def age_of(person: Person, today: date) -> int | None:
    """The person's age from the year of birth, else the lower end of the estimate
    (the protective choice for a child), else unknown."""
    if person.birth_year is not None:
        return today.year - person.birth_year
    return person.estimated_age_min


def assessed_risk(*, user: User, case_id: uuid.UUID) -> int | None:
    """The highest level of the latest risk assessment (1-3), if the user may read it;
    the read is the assessment's own, audited by its selector."""
    latest = (
        Assessment.objects.filter(case_id=case_id, kind=AssessmentKind.RISK)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return None
    try:
        view = assessment_selectors.assessment_get(user=user, assessment_id=latest)
    except HavenError:  # the assessment group is hidden from this reader
        return None
    return max((RISK_POINTS[s.level] for s in view.sections if s.level in RISK_POINTS), default=1)


def _centre(country: str, region: str, name: str) -> tuple[float, float] | tuple[None, None]:
    if not region:
        return None, None
    centre = regions.centre(country, region)
    if centre is None:
        raise InvalidInput(_("Choose a region from the list."), code=ErrorCode.INVALID, field=name)
    return centre


def inputs_checked(inputs: SearchInput, *, country: str) -> SearchInput:
    """The inputs, refused naming the field when a region or level is unknown."""
    _centre(country, inputs.danger_region, "danger_region")
    _centre(country, inputs.services_region, "services_region")
    if inputs.risk_level not in rules.LEVELS:
        raise InvalidInput(
            _("Choose a risk level from 1 to 3."), code=ErrorCode.INVALID, field="risk_level"
        )
    return inputs


def person_facts(
    *, user: User, gated: case_selectors.GatedCase, inputs: SearchInput
) -> PersonFacts:
    """The person as the rules see them, from the case read through the gate."""
    case, person = gated.case, gated.case.person
    danger_lat, danger_lon = _centre(case.country, inputs.danger_region, "danger_region")
    services_lat, services_lon = _centre(case.country, inputs.services_region, "services_region")
    assessed = assessed_risk(user=user, case_id=case.pk)
    return PersonFacts(
        person=rules.Person(
            id=str(case.pk),
            sex=person.sex,
            gender_identity=person.gender_identity,
            age=age_of(person, timezone.localdate()),
            presumed_child=person.treat_as_child,
            risk_level=max(inputs.risk_level, assessed or DEFAULT_RISK),
            languages=frozenset(person.languages),
            danger_lat=danger_lat,
            danger_lon=danger_lon,
            services_lat=services_lat,
            services_lon=services_lon,
            needs_wheelchair_access=inputs.needs_wheelchair_access,
            needs_disability_access=inputs.needs_disability_access,
        ),
        assessed_risk=assessed,
    )


def placing_case(*, user: User, case_id: object, lock: bool) -> case_selectors.GatedCase:
    """The case for a placement: the identity group through the gate, asked as a
    write (a live person, a case not merged, never break-glass), and the rule that
    only the case lead's staff place a person (``may_place``)."""
    gated = case_selectors.case_for(
        user=user,
        case_id=case_id,
        group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
        write=True,
        lock=lock,
    )
    lead = gated.context.lead
    if not placement_selectors.may_place(user, lead.organisation_id if lead else None):
        raise PlacementNotAllowed(
            _("Only the staff of the case lead can look for a place or propose one.")
        )
    return gated


def _kind(value: str) -> str:
    return str(PlaceKind(value).label) if value in PlaceKind.values else value


@transaction.atomic
def placement_search(*, user: User, case_id: object, inputs: SearchInput) -> SearchResult:
    """Places for this person now: suitable ones by soft cost, then the excluded
    with every reason (the hard rules of ``rules``; the read is audited)."""
    gated = placing_case(user=user, case_id=case_id, lock=False)
    case = gated.case
    inputs_checked(inputs, country=case.country)
    gated.audit_record(detail={"search": "placement"})
    facts = person_facts(user=user, gated=gated, inputs=inputs)
    group = rules.Group(key=f"person:{case.pk}", people=(facts.person,))
    result = SearchResult(case.pk, case.reference, case.country, facts, inputs)
    for place, seen in availability.rule_places(country=case.country):
        reasons = rules.exclusions(group, seen)
        if reasons:
            result.excluded.append(
                Excluded(
                    place.pk,
                    place.name,
                    _kind(place.kind),
                    place.region,
                    [str(r) for r in reasons],
                    [rules.explain([r]) for r in reasons],
                )
            )
            continue
        result.suitable.append(
            Suitable(
                place.pk,
                place.name,
                _kind(place.kind),
                place.region,
                place.security_level,
                sorted(place.languages),
                seen.capacity,
                rules.cost(facts.person, seen),
            )
        )
    result.suitable.sort(key=lambda s: (s.cost.total, s.name))
    return result
