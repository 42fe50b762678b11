"""Generated registers for the statistics tests and bench: synthetic persons and cases
written in bulk (no personal data, nothing encrypted), with the facts the statistics
read drawn at random, and the same facts kept in plain Python for the naive count."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, OrgType, User
from haven.cases.models import AgeStatus, Case, ExploitationForm, Person, Sex
from haven.cases.status import IdentificationStatus as S

CITIZENSHIPS = ("FI", "EE", "SE", "DE", "RO", "UA", "NG", "VN", "BR", "TH", "CN", "IN")
LEAD_TYPES = (OrgType.NGO, OrgType.POLICE, OrgType.LABOUR_INSPECTORATE, OrgType.SOCIAL_SERVICES)
STATUSES = (
    S.POTENTIAL,
    S.PRESUMED,
    S.PRESUMED,
    S.IDENTIFIED,
    S.IDENTIFIED,
    S.DECLINED_FORMAL_IDENTIFICATION,
    S.NOT_IDENTIFIED,
    S.WITHDRAWN,
)


@dataclass(frozen=True)
class Spec:
    """One generated case, as the naive count reads it."""

    country: str
    status: str
    registered_on: date | None
    opened_at: datetime
    sex: str
    age_status: str
    birth_year: int | None
    estimated_age_min: int | None
    citizenships: tuple[str, ...]
    forms: tuple[str, ...]
    lead: int  # index into the organisations


def generate(
    rng: random.Random, count: int, *, years: Sequence[int] = (2023, 2024, 2025)
) -> list[Spec]:
    specs = []
    for _ in range(count):
        status = rng.choice(STATUSES)
        opened = datetime(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
        # a withdrawal or a negative decision may come before or after a registration
        registered = (
            status not in (S.POTENTIAL, S.NOT_IDENTIFIED, S.WITHDRAWN) or rng.random() < 0.5
        )
        registered_on = (
            (opened + timedelta(days=rng.randint(0, 500))).date() if registered else None
        )
        age_status = rng.choice(list(AgeStatus.values))
        known = rng.random()
        birth_year = rng.randint(1950, 2020) if known < 0.5 else None
        estimate = rng.randint(8, 60) if 0.5 <= known < 0.8 else None
        citizenships = tuple(sorted(set(rng.sample(CITIZENSHIPS, rng.choice((0, 1, 1, 1, 2))))))
        forms = tuple(
            sorted(rng.sample(list(ExploitationForm.values), rng.choice((0, 1, 1, 2, 3))))
        )
        specs.append(
            Spec(
                country=rng.choice(("FI", "FI", "FI", "EE")),
                status=status,
                registered_on=registered_on,
                opened_at=opened,
                sex=rng.choice(list(Sex.values)),
                age_status=age_status,
                birth_year=birth_year,
                estimated_age_min=estimate,
                citizenships=citizenships,
                forms=forms,
                lead=rng.randrange(len(LEAD_TYPES)),
            )
        )
    return specs


def organisations() -> list[Organisation]:
    """One organisation of each lead type (in Finland)."""
    return [
        Organisation.objects.get_or_create(
            name=f"Statistics lead {org_type}", country="FI", defaults={"org_type": org_type}
        )[0]
        for org_type in LEAD_TYPES
    ]


@dataclass
class Rows:
    """The rows of one batch of cases, built in memory (ids set), not yet written."""

    data_keys: list[Any]
    persons: list[Person]
    cases: list[Case]
    memberships: list[TeamMembership]


def build(
    specs: Sequence[Spec],
    *,
    opener: User,
    leads: Sequence[Organisation],
    master_id: str,
    first: int,
) -> Rows:
    """The rows of ``specs``, numbered from ``first``; each case led by its organisation."""
    from haven.vault.models import DataKey

    data_keys = [DataKey(subject="person", master_key_id=master_id, wrapped=b"-") for _ in specs]
    persons = [
        Person(
            data_key=key,
            sex=spec.sex,
            age_status=spec.age_status,
            birth_year=spec.birth_year,
            estimated_age_min=spec.estimated_age_min,
            estimated_age_max=spec.estimated_age_min,
            citizenships=list(spec.citizenships),
        )
        for key, spec in zip(data_keys, specs, strict=True)
    ]
    cases = []
    for n, (person, spec) in enumerate(zip(persons, specs, strict=True)):
        case = Case(
            reference=f"{spec.country}-S{first + n:08d}",
            person=person,
            country=spec.country,
            identification_status=spec.status,
            status_changed_at=spec.opened_at,
            registered_on=spec.registered_on,
            forms_of_exploitation=list(spec.forms),
            opened_at=spec.opened_at,
            opened_by=opener,
        )
        case.reference_keys()
        cases.append(case)
    memberships = [
        TeamMembership(
            case=case, organisation=leads[spec.lead], is_lead=True, joined_at=spec.opened_at
        )
        for case, spec in zip(cases, specs, strict=True)
    ]
    return Rows(data_keys, persons, cases, memberships)


def write(specs: Sequence[Spec], *, opener: User, batch_size: int = 5000) -> None:
    """The cases of ``specs`` in bulk, each led by its organisation."""
    from haven.vault import keys
    from haven.vault.models import DataKey

    leads = organisations()
    master = keys.current_master_key()
    first = Case.objects.count()
    for start in range(0, len(specs), batch_size):
        rows = build(
            specs[start : start + batch_size],
            opener=opener,
            leads=leads,
            master_id=master.id,
            first=first + start,
        )
        DataKey.objects.bulk_create(rows.data_keys)
        Person.objects.bulk_create(rows.persons)
        Case.objects.bulk_create(rows.cases)
        TeamMembership.objects.bulk_create(rows.memberships)
