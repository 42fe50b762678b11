"""Cases for tests, opened through the real intake service (so they are encrypted)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import Agreement, AgreementFlow, AgreementParty, Purpose, TeamMembership
from haven.access.policy import ORG_TYPE_GROUPS
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, User
from haven.cases import services
from haven.cases.models import Case, ExploitationForm


def open_case(
    *, actor: User, narrative: str = "", forms: list[str] | None = None, **person: Any
) -> Case:
    defaults: dict[str, Any] = {
        "given_name": "Aino",
        "family_name": "Testinen",
        "age_status": "verified_adult",
        "contact": "+358 40 000 0000",
        "current_location": "Safe house 7, Testikatu 1",
        "health_notes": "Needs follow-up for an injured wrist.",
    }
    defaults.update(person)
    return services.case_open(
        actor=actor,
        person=services.PersonInput(**defaults),
        forms_of_exploitation=forms if forms is not None else [ExploitationForm.LABOUR],
        narrative=narrative,
    )


def add_to_team(
    *,
    case: Case,
    organisation: Organisation,
    by: User | None = None,
    share: bool = True,
) -> None:
    """Bring ``organisation`` onto the team. With ``share`` (the default), also a
    cooperation agreement on a legal basis that needs no consent, letting the
    organisation type's default groups flow from the case lead for every purpose,
    so that the member sees what it would see as lead. Tests of consent and
    agreements pass ``share=False`` and set up their own."""
    access_services.team_member_add(case_id=case.id, organisation=organisation, by=by)
    if share:
        share_by_law(case=case, organisation=organisation)


def share_by_law(
    *, case: Case, organisation: Organisation, groups: Iterable[str] | None = None
) -> Agreement:
    """An agreement in force since 2000 between the case lead and ``organisation``,
    approved by both, on a legal basis that needs no consent (test set-up,
    written directly)."""
    lead = TeamMembership.objects.get(case=case, is_lead=True).organisation
    now = timezone.now()
    agreement = Agreement.objects.create(
        name=f"Test referral law: {lead.name} to {organisation.name}",
        document_reference="test",
        legal_basis="Test National Referral Act s. 1",
        consent_required=False,
        valid_from=date(2000, 1, 1),
        state=AgreementState.IN_EFFECT,
        created_at=now,
    )
    AgreementParty.objects.create(agreement=agreement, organisation=lead, approved_at=now)
    AgreementParty.objects.create(agreement=agreement, organisation=organisation, approved_at=now)
    AgreementFlow.objects.create(
        agreement=agreement,
        recipient_organisation=organisation,
        purposes=list(Purpose.values),
        field_groups=sorted(
            groups if groups is not None else ORG_TYPE_GROUPS[organisation.org_type]
        ),
    )
    return agreement


def bulk_cases(
    *,
    lead: Organisation,
    opener: User,
    count: int,
    status: str = "potential",
    start: datetime | None = None,
) -> list[Case]:
    """``count`` cases led by ``lead``, written in bulk (for query-count pins with
    many cases): one opened every hour back from ``start``, persons with no
    personal data (no field is encrypted; list pages read none)."""
    from haven.cases.models import AgeStatus, Person
    from haven.vault import keys
    from haven.vault.models import DataKey

    start = start or timezone.now()
    master = keys.current_master_key()
    data_keys = DataKey.objects.bulk_create(
        DataKey(subject="person", master_key_id=master.id, wrapped=b"-") for _ in range(count)
    )
    persons = Person.objects.bulk_create(
        Person(data_key=key, age_status=AgeStatus.VERIFIED_ADULT) for key in data_keys
    )
    cases, first = [], Case.objects.count()
    for n, person in enumerate(persons):
        opened_at = start - timedelta(hours=n + 1)
        case = Case(
            reference=f"{lead.country}-{opened_at.year}-B{first + n:05d}",
            person=person,
            country=lead.country,
            identification_status=status,
            status_changed_at=opened_at,
            opened_at=opened_at,
            opened_by=opener,
        )
        case.reference_keys()
        cases.append(case)
    Case.objects.bulk_create(cases)
    TeamMembership.objects.bulk_create(
        TeamMembership(case=c, organisation=lead, is_lead=True, joined_at=c.opened_at)
        for c in cases
    )
    return cases
