"""The demo's cooperation agreements (R-47), as data: the same in each country.

An agreement lets field groups flow from the case lead (a party) to a team
member, for some purposes (``access.policy.rule_agreement_and_consent``). Most
of them need the person's consent as well; the referral law and the child's
representation do not, and the reason then names their legal basis (R-40).

Parties are organisation types in the country, so every lead type of the demo
(``HOLDERS``) is a party of each agreement it shares under; the health referral
MoU names its health centre instead, to show both kinds. One agreement ended on
the first of January: it shows that access stops the day an agreement ends.

Every agreement is proposed by one party and approved by every other one: the
national coordinator of the country for each type of organisation, the health
centre's administrator for the health centre. Sharing without consent rests on
a legal basis the coordinator put on its list (``LEGAL_BASES``). One proposal
per country still waits for the coordinator (``PROPOSALS``): nothing flows under
it, and the coordinator's administrator finds it among their pending approvals.

Names and legal references are synthetic, like the rest of the demo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from haven.access import services as access_services
from haven.access.models import Agreement, FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, User

T = OrgType
G = FieldGroup
P = Purpose

# The organisation types that lead demo cases (``synthetic.ADULT_LEADS``, ``CHILD_LEADS``).
HOLDERS = (T.NGO, T.SOCIAL_SERVICES, T.GUARDIAN_SERVICE, T.POLICE)
# Those that may take an identification decision under the pathway, and so
# grant, extend or end the reflection period.
DECIDERS = (
    T.POLICE,
    T.BORDER_GUARD,
    T.MIGRATION_AUTHORITY,
    T.SOCIAL_SERVICES,
    T.NATIONAL_COORDINATOR,
)
INVESTIGATORS = (T.POLICE, T.PROSECUTOR)


@dataclass(frozen=True)
class FlowSpec:
    """A clause: these groups may flow to these organisation types, for these purposes."""

    to: tuple[str, ...]
    purposes: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class AgreementSpec:
    name: str  # "{start}", "{end}": the first and the last year it is in force
    reference: str  # where the signed document (or the statute) is
    parties: tuple[str, ...]  # organisation types in the country
    flows: tuple[FlowSpec, ...]
    years_back: int  # in force from 1 February, this many years before this one
    legal_basis: str = ""  # the citation of a basis on the coordinator's list
    consent_required: bool = True
    named: tuple[str, ...] = ()  # types whose one demo organisation is the party and recipient
    ended: bool = False  # ended on 1 January this year
    admin: str = ""  # the type whose organisation admin records it; "" is the system admin

    def valid_from(self, today: date) -> date:
        return date(today.year - self.years_back, 2, 1)

    def ends_on(self, today: date) -> date | None:
        return date(today.year, 1, 1) if self.ended else None

    def title(self, *, country: str, today: date) -> str:
        years = {"start": self.valid_from(today).year, "end": today.year - 1}
        return f"{self.name.format(**years)} ({country})"


def _parties(*types: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(types))


AGREEMENTS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        name="National Referral Mechanism Act — identification",
        reference="Statute book: National Referral Mechanism Act, in force since {start}",
        legal_basis="National Referral Mechanism Act, ss. 6-9 (identification by the "
        "competent authorities); CETS No. 197, Art. 10",
        consent_required=False,
        parties=_parties(*HOLDERS, *DECIDERS, T.LABOUR_INSPECTORATE, T.SHELTER, T.PROSECUTOR),
        flows=(
            FlowSpec(DECIDERS, (P.IDENTIFICATION,), (G.IDENTITY, G.LEGAL, G.ASSESSMENT)),
            # The deciders grant the reflection period, extend it or end it early.
            FlowSpec(DECIDERS, (P.ASSISTANCE,), (G.LEGAL,)),
            # First-line actors who screen for indicators.
            FlowSpec((T.LABOUR_INSPECTORATE, T.SHELTER), (P.IDENTIFICATION,), (G.ASSESSMENT,)),
            # The decisions, so that a victim is not prosecuted for what they were made to do.
            FlowSpec((T.PROSECUTOR,), (P.INVESTIGATION,), (G.LEGAL,)),
        ),
        years_back=10,
    ),
    AgreementSpec(
        name="Safe accommodation of presumed victims — placements by the coordinator",
        reference="Statute book: National Referral Mechanism Act, in force since {start}",
        legal_basis="National Referral Mechanism Act, s. 11 (safe accommodation for "
        "presumed victims the national coordinator places); CETS No. 197, Art. 12(1)(a)",
        consent_required=False,
        parties=(T.NATIONAL_COORDINATOR, T.SHELTER),
        flows=(
            FlowSpec((T.SHELTER,), (P.ASSISTANCE,), (G.IDENTITY, G.CONTACT, G.HEALTH, G.LOCATION)),
        ),
        years_back=10,
    ),
    AgreementSpec(
        name="Representation of child victims — guardian service",
        reference="Statute book: Child Welfare Act, ch. 4, in force since {start}",
        legal_basis="Child Welfare Act, s. 22 (the representative acts for the child); "
        "Directive 2011/36/EU, Art. 14(2) and 16(3)",
        consent_required=False,
        parties=HOLDERS,
        flows=(
            FlowSpec(
                (T.GUARDIAN_SERVICE,),
                (P.ASSISTANCE, P.IDENTIFICATION),
                tuple(g for g in G if g != G.STATISTICAL),
            ),
        ),
        years_back=8,
    ),
    AgreementSpec(
        name="NGO \u2013 police cooperation {start}",
        reference="Signed copy: NGO register, agreement {start}/14",
        parties=(T.NGO, *INVESTIGATORS),
        flows=(
            FlowSpec((T.POLICE,), (P.INVESTIGATION,), (G.NARRATIVE, G.IDENTITY, G.CONTACT)),
            FlowSpec((T.PROSECUTOR,), (P.INVESTIGATION,), (G.NARRATIVE, G.IDENTITY)),
        ),
        years_back=1,
        admin=T.NGO,
    ),
    AgreementSpec(
        name="Social services \u2013 police protocol {start}",
        reference="Signed copy: social services registry, protocol {start}-07",
        parties=(T.SOCIAL_SERVICES, T.GUARDIAN_SERVICE, *INVESTIGATORS),
        flows=(
            FlowSpec((T.POLICE,), (P.INVESTIGATION,), (G.NARRATIVE, G.IDENTITY, G.CONTACT)),
            FlowSpec((T.PROSECUTOR,), (P.INVESTIGATION,), (G.NARRATIVE, G.IDENTITY)),
        ),
        years_back=2,
        admin=T.SOCIAL_SERVICES,
    ),
    AgreementSpec(
        name="Shelter placement MoU",
        reference="Signed copy: NGO register, agreement {start}/03",
        parties=(*HOLDERS, T.SHELTER),
        flows=(
            FlowSpec(
                (T.SHELTER,),
                (P.ASSISTANCE,),
                (G.IDENTITY, G.CONTACT, G.LOCATION, G.HEALTH, G.SERVICES),
            ),
        ),
        years_back=3,
        admin=T.NGO,
    ),
    AgreementSpec(
        name="Health referral MoU",
        reference="Signed copy: NGO register, agreement {start}/09",
        parties=(*HOLDERS, T.SHELTER, T.HEALTH),
        named=(T.HEALTH,),
        flows=(
            FlowSpec((T.HEALTH,), (P.ASSISTANCE,), (G.IDENTITY, G.CONTACT, G.HEALTH, G.SERVICES)),
        ),
        years_back=2,
        admin=T.NGO,
    ),
    AgreementSpec(
        name="Safe return and reintegration MoU",
        reference="Signed copy: NGO register, agreement {start}/21",
        parties=(*HOLDERS, T.INTERNATIONAL_ORGANISATION),
        flows=(
            FlowSpec(
                (T.INTERNATIONAL_ORGANISATION,),
                (P.RETURN,),
                (G.IDENTITY, G.ASSESSMENT, G.SERVICES),
            ),
        ),
        years_back=1,
        admin=T.NGO,
    ),
    AgreementSpec(
        name="Labour exploitation pilot {start}\u2013{end}",
        reference="Signed copy: NGO register, agreement {start}/05 (not renewed)",
        parties=(T.NGO, T.SOCIAL_SERVICES, T.LABOUR_INSPECTORATE),
        flows=(FlowSpec((T.LABOUR_INSPECTORATE,), (P.INVESTIGATION,), (G.IDENTITY, G.NARRATIVE)),),
        years_back=4,
        ended=True,
        admin=T.NGO,
    ),
)


# The national coordinator's list in each country (title, citation, whether it
# lets location and health reach police, border guards and migration authorities).
LEGAL_BASES: tuple[tuple[str, str, bool], ...] = tuple(
    (spec.name.split(" \u2014 ")[0], spec.legal_basis, False)
    for spec in AGREEMENTS
    if spec.legal_basis
)

# Proposals waiting for the other parties: the police propose, and their own
# organisation approves at once; the national coordinator has yet to approve for
# the shelters. Nothing flows under them.
PROPOSALS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        name="Shelter \u2013 police cooperation (proposed)",
        reference="Draft: police registry, proposal {start}/2",
        parties=(T.POLICE, T.SHELTER),
        named=(T.POLICE,),
        flows=(FlowSpec((T.POLICE,), (P.INVESTIGATION,), (G.IDENTITY, G.NARRATIVE)),),
        years_back=0,
        admin=T.POLICE,
    ),
)


def routes(lead: str, member: str) -> list[tuple[AgreementSpec, FlowSpec]]:
    """The clauses in force that let data flow from a lead of this type to a member of that one."""
    return [
        (spec, flow)
        for spec in AGREEMENTS
        if not spec.ended and lead in spec.parties
        for flow in spec.flows
        if member in flow.to
    ]


def shared_by_law(lead: str, member: str) -> bool:
    """Whether the member reads something without the person's consent."""
    return any(not spec.consent_required for spec, _flow in routes(lead, member))


def consent_routes(lead: str, member: str) -> dict[str, tuple[str, ...]]:
    """By purpose: the groups that may flow to the member once the person consents."""
    groups: dict[str, set[str]] = {}
    for spec, flow in routes(lead, member):
        if spec.consent_required:
            for purpose in flow.purposes:
                groups.setdefault(purpose, set()).update(flow.groups)
    return {purpose: tuple(g.value for g in G if g in chosen) for purpose, chosen in groups.items()}


def service_inputs(
    spec: AgreementSpec, *, country: str, organisations: Mapping[str, Organisation]
) -> tuple[list[access_services.Party], list[access_services.Flow]]:
    """Parties and flows for ``agreement_propose``; ``organisations`` by type, in the country."""
    parties = [
        access_services.Party(organisation=organisations[t])
        if t in spec.named
        else access_services.Party(org_type=t, country=country)
        for t in spec.parties
    ]
    flows = [
        access_services.Flow(
            purposes=flow.purposes, field_groups=flow.groups, organisation=organisations[t]
        )
        if t in spec.named
        else access_services.Flow(
            purposes=flow.purposes, field_groups=flow.groups, org_type=t, country=country
        )
        for flow in spec.flows
        for t in flow.to
    ]
    return parties, flows


def approve_by_every_party(
    agreement: Agreement, *, country: str, admins: Mapping[str, User]
) -> None:
    """The national coordinator approves for every type of organisation, and
    each organisation named approves through its administrator (``admins`` by
    type, in the country), through the access services."""
    parties = list(agreement.parties.select_related("organisation"))
    if any(p.organisation_id is None and p.approved_at is None for p in parties):
        access_services.agreement_approve(
            actor=admins[T.NATIONAL_COORDINATOR], agreement_id=agreement.id
        )
    for party in parties:
        if party.organisation is not None and party.approved_at is None:
            access_services.agreement_approve(
                actor=admins[party.organisation.org_type], agreement_id=agreement.id
            )
