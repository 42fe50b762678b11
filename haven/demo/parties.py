"""The demo's parties (R-38): one employer shared by two cases, so that the police
see on each case the link to the other (issue 17). Through the justice services."""

from __future__ import annotations

from haven.access.models import FieldGroup, TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.cases import selectors as case_selectors
from haven.justice import selectors_parties as party_selectors
from haven.justice import services_parties as party_services
from haven.justice.models import IsicSection, PartyKind, PartyRole
from haven.lib.errors import HavenError

UserKey = tuple[str, str, str]  # (country, org_type, role)

SHARED_EMPLOYER = party_services.PartyInput(
    kind=PartyKind.COMPANY,
    name="Marjatila Pohjola Oy",
    registration_number="2840013-9",
    address="Metsätie 12, 77600 Suonenjoki",
    sector=IsicSection.A,
    country="FI",
)
RECRUITER = party_services.PartyInput(kind=PartyKind.PERSON, name="V. Petrenko", country="UA")


def seed_shared_employer(*, users: dict[UserKey, User]) -> int:
    """The Finnish police link one berry farm as employer to the first two cases
    they may record the legal group on, and a recruiter (a suspect) to the first.
    Returns the links made (0 when fewer than two such cases exist)."""
    police = users[("FI", OrgType.POLICE, Role.CASEWORKER)]
    memberships = TeamMembership.objects.filter(organisation=police.organisation).order_by(
        "case__opened_at", "case_id"
    )
    cases = []
    for membership in memberships:
        try:  # the write's own questions, without locking the row
            case_selectors.case_for(
                user=police,
                case_id=membership.case_id,
                group=FieldGroup.LEGAL,
                purpose=party_selectors.PURPOSE,
                write=True,
                lock=False,
            )
        except HavenError:
            continue
        cases.append(membership.case_id)
        if len(cases) == 2:
            break
    if len(cases) < 2:
        return 0
    employer = party_services.party_link_create(
        actor=police,
        case_id=cases[0],
        link=party_services.LinkInput(roles=[PartyRole.EMPLOYER, PartyRole.SUSPECT]),
        new_party=SHARED_EMPLOYER,
    )
    party_services.party_link_create(
        actor=police,
        case_id=cases[1],
        link=party_services.LinkInput(roles=[PartyRole.EMPLOYER]),
        party_id=employer.party_id,
    )
    party_services.party_link_create(
        actor=police,
        case_id=cases[0],
        link=party_services.LinkInput(
            roles=[PartyRole.RECRUITER, PartyRole.SUSPECT],
            sex="male",
            age_group="30_49",
            citizenship="UA",
        ),
        new_party=RECRUITER,
    )
    return 3
