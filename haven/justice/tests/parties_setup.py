"""Two cases that share one employer, for the tests of parties (R-38): the same
set-up for the side that is allowed and the side that is refused."""

from __future__ import annotations

from dataclasses import dataclass

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.justice import services_parties as services
from haven.justice.models import IsicSection, PartyKind, PartyLink, PartyRole

EMPLOYER = services.PartyInput(
    kind=PartyKind.COMPANY,
    name="Berry Farm Oy",
    registration_number="1234567-8",
    address="Marjatie 1, Suonenjoki",
    sector=IsicSection.A,
    country="FI",
)


@dataclass
class SharedEmployer:
    first: Case  # the police, a second police unit and a shelter are on its team
    second: Case  # only the police (of the first unit) are on its team
    lead: User  # NGO caseworker, lead of both cases
    police: User  # on both cases: sees the legal group on both
    other_police: User  # on the first case only
    shelter: User  # on the first case; a shelter never sees the legal group
    outsider: User  # police, on no case
    link: PartyLink  # the employer on the first case
    other_link: PartyLink  # the same employer on the second case


def shared_employer() -> SharedEmployer:
    lead = make_user(org_type=OrgType.NGO)
    first = open_case(actor=lead)
    second = open_case(actor=lead, given_name="Mira", family_name="Esimerkki")
    police = make_user(org_type=OrgType.POLICE)
    other_police = make_user(org_type=OrgType.POLICE)
    shelter = make_user(org_type=OrgType.SHELTER)
    for case, user in (
        (first, police),
        (second, police),
        (first, other_police),
        (first, shelter),
    ):
        assert user.organisation is not None
        add_to_team(case=case, organisation=user.organisation)
    link = services.party_link_create(
        actor=police,
        case_id=first.id,
        link=services.LinkInput(roles=[PartyRole.EMPLOYER, PartyRole.SUSPECT]),
        new_party=EMPLOYER,
    )
    other_link = services.party_link_create(
        actor=lead,
        case_id=second.id,
        link=services.LinkInput(roles=[PartyRole.EMPLOYER]),
        party_id=link.party_id,
    )
    return SharedEmployer(
        first=first,
        second=second,
        lead=lead,
        police=police,
        other_police=other_police,
        shelter=shelter,
        outsider=make_user(org_type=OrgType.POLICE),
        link=link,
        other_link=other_link,
    )
