"""Persons recorded through the real intake service, named for the linkage tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.hooks import IntakeIdentity
from haven.cases.models import Case, Sex
from haven.cases.tests.factories import open_case

BORN = date(1990, 5, 17)


def anna(actor: User, **person: Any) -> Case:
    """Anna Ivanova, recorded in Cyrillic."""
    values: dict[str, Any] = {
        "given_name": "Анна",
        "family_name": "Иванова",
        "sex": Sex.FEMALE,
        "date_of_birth": BORN,
        "citizenships": ["UA"],
    }
    values.update(person)
    return open_case(actor=actor, **values)


def anna_typed(**overrides: Any) -> IntakeIdentity:
    """What a caseworker elsewhere types for the same woman, in Latin letters."""
    values: dict[str, Any] = {
        "given_name": "Anna",
        "family_name": "Ivanova",
        "sex": Sex.FEMALE,
        "date_of_birth": BORN,
        "citizenships": ("UA",),
    }
    values.update(overrides)
    return IntakeIdentity(**values)


def someone_else(actor: User, number: int) -> Case:
    """A person sharing no name fragment with Anna Ivanova."""
    letters = "bcdfghjklmnpqrstvwxz"
    code = letters[number % 20] + letters[(number // 20) % 20]
    return open_case(
        actor=actor,
        given_name=f"Tuu{code}li",
        family_name=f"Kesk{code}nen",
        sex=Sex.MALE,
        date_of_birth=date(1970, 1, 2),
    )


def coordinator(country: str = "FI") -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)


def caseworker_of(organisation: Organisation) -> User:
    return make_user(organisation=organisation)
