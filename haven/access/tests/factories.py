"""Agreements for tests: legal bases from the coordinator's list, and approval
by every party through the services (an administrator of each organisation
named, the national coordinator of the country for a type of organisation)."""

from __future__ import annotations

from django.utils import timezone

from haven.access import services
from haven.access.models import Agreement, AgreementParty, LegalBasis
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory


def legal_basis(
    *,
    country: str = "FI",
    title: str = "Test act",
    citation: str = "Test act, s. 2",
    allows_location_health_to_enforcement: bool = False,
    active: bool = True,
) -> LegalBasis:
    """A basis on the coordinator's list of ``country`` (written directly: setup)."""
    basis: LegalBasis = LegalBasis.objects.create(
        country=country,
        title=title,
        citation=citation,
        allows_location_health_to_enforcement=allows_location_health_to_enforcement,
        active=active,
        created_at=timezone.now(),
    )
    return basis


def coordinator_admin(country: str) -> User:
    """An administrator of the national coordinator of ``country`` (the one there is)."""
    organisation = Organisation.objects.filter(
        org_type=OrgType.NATIONAL_COORDINATOR, country=country
    ).first() or OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    user: User = UserFactory.create(organisation=organisation, role=Role.ORG_ADMIN)
    return user


def approver_of(party: AgreementParty) -> User:
    """Someone who approves for ``party``: an administrator of the organisation,
    or of the national coordinator of the party's country."""
    if party.organisation is not None:
        admin = party.organisation.users.filter(role=Role.ORG_ADMIN, is_active=True).first()
        return admin or UserFactory.create(organisation=party.organisation, role=Role.ORG_ADMIN)
    return coordinator_admin(party.country)


def approve_by_every_party(agreement: Agreement) -> Agreement:
    """Every party still waiting approves, through the service: it takes effect."""
    for party in agreement.parties.select_related("organisation").order_by("pk"):
        party.refresh_from_db()
        if party.approved_at is None:
            services.agreement_approve(actor=approver_of(party), agreement_id=agreement.id)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.IN_EFFECT
    return agreement
