"""Set-up for the protected-release tests: users of the statistics bodies, and
registered cases written in bulk with their dated status history."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.models import Case, StatusTransition
from haven.cases.status import REGISTERED, IdentificationStatus
from haven.cases.tests.factories import bulk_cases
from haven.statistics.services import releases as services

TABLE = "registered_victims/year_exploitation"


def rapporteur(country: str = "FI") -> User:
    org = OrganisationFactory.create(org_type=OrgType.RAPPORTEUR, country=country)
    return make_user(role=Role.RAPPORTEUR, organisation=org)


def coordinator(country: str = "FI") -> User:
    org = OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    return make_user(role=Role.SUPERVISOR, organisation=org)


def caseworker(country: str = "FI") -> User:
    org = OrganisationFactory.create(org_type=OrgType.NGO, country=country)
    return make_user(role=Role.CASEWORKER, organisation=org)


def registered_cases(
    *,
    lead: Organisation,
    opener: User,
    count: int,
    on: date,
    forms: list[str],
    status: str = IdentificationStatus.PRESUMED,
) -> list[Case]:
    """``count`` cases of ``lead``'s country that reached ``status`` on ``on``."""
    cases = bulk_cases(lead=lead, opener=opener, count=count, status=status)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        forms_of_exploitation=forms,
        # As the cases app sets it with the status change that first registers the victim.
        registered_on=on if status in REGISTERED else None,
    )
    moment = timezone.make_aware(datetime.combine(on, time(12)))
    StatusTransition.objects.bulk_create(
        StatusTransition(
            case=case,
            from_status=IdentificationStatus.POTENTIAL,
            to_status=status,
            decided_on=on,
            recorded_at=moment,
            decided_by=opener,
            decided_by_organisation=lead,
        )
        for case in cases
    )
    return cases


def release_input(
    *, year_from: int = 2024, year_to: int = 2025, epsilon: str = "0.5", table: str = TABLE
) -> services.ReleaseInput:
    dataset, name = table.split("/", 1)
    return services.ReleaseInput(
        dataset=dataset,
        table=name,
        year_from=year_from,
        year_to=year_to,
        epsilon=Decimal(epsilon),
    )
