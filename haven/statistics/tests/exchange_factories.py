"""Registered victims for the exchange tests, written directly (test set-up): persons
with statistical fields only, their case, the lead and the registering decision."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.models import AgeStatus, Case, Person, StatusTransition
from haven.vault import keys
from haven.vault.models import DataKey


def rapporteur(country: str = "EE") -> User:
    org = OrganisationFactory.create(org_type=OrgType.RAPPORTEUR, country=country)
    return make_user(organisation=org, role=Role.RAPPORTEUR)


def coordinator(country: str = "EE") -> User:
    org = OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    return make_user(organisation=org, role=Role.SUPERVISOR)


def registered_case(
    *,
    lead: Organisation,
    decider: User,
    status: str = "identified",
    registered_on: date | None = date(2024, 3, 1),
    forms: list[str] | None = None,
    **person: Any,
) -> Case:
    key = DataKey.objects.create(
        subject="person", master_key_id=keys.current_master_key().id, wrapped=b"-"
    )
    values: dict[str, Any] = {"sex": "female", "age_status": AgeStatus.VERIFIED_ADULT}
    values.update(person)
    born = Person.objects.create(data_key=key, **values)
    changed = datetime(2025, 6, 1, tzinfo=UTC)
    case = Case(
        reference=f"{lead.country}-T-{born.id.hex[:10]}",
        person=born,
        country=lead.country,
        identification_status=status,
        status_changed_at=changed,
        forms_of_exploitation=forms if forms is not None else ["forced_labour"],
        opened_at=changed,
        opened_by=decider,
        # As the cases app sets it with the status change that first registers the victim.
        registered_on=registered_on,
    )
    case.save()
    TeamMembership.objects.create(case=case, organisation=lead, is_lead=True, joined_at=changed)
    if registered_on is not None:
        StatusTransition.objects.create(
            case=case,
            from_status="potential",
            to_status=status,
            decided_on=registered_on,
            recorded_at=changed,
            decided_by=decider,
            decided_by_organisation=lead,
        )
    return case
