"""The authorisation matrix: organisation type x relationship to the case x the
person's consent x the cooperation agreement x purpose x field group.

Every cell of one organisation type and agreement uses the same world: a case
led by an organisation of that type, a member organisation and an outsider of
the same type, and a fourth organisation of the type that is on no team. The
agreement axis differs between worlds of a type only in the agreement; the
consent axis only in the consent recorded on the case. So a "denied" cell
differs from an "allowed" one only in the axis under test.

Two parts keep the product tractable (about 50,000 decisions in a few seconds):

- the sharing part: the full product for police, NGO and shelter organisations;
- the default part: every organisation type x every role x lead, member (under
  the test factory's default legal-basis agreement for the type's default
  groups), outsider and inactive user, for every purpose and group.

The expected answers come from the explicit tables below, written out by hand,
never from ``policy.ORG_TYPE_GROUPS`` or from the dates: the tables are the
specification. Each parametrised case asserts a whole purpose x group block.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django import DjangoAssertNumQueries, DjangoDbBlocker

from haven.access import policy
from haven.access import services as access_services
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    BreakGlass,
    Consent,
    FieldGroup,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.web.tests.factories import sign_in

G = FieldGroup
P = Purpose
EVERYTHING = frozenset(FieldGroup)

# A Monday morning in Helsinki; the matrix's world is built and read at this time.
NOW = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 16)
TOMORROW = date(2026, 3, 17)
A_YEAR_AGO = date(2025, 3, 16)

# Which field groups each organisation type sees by default (as case lead, under
# break-glass, and what the test factory's default agreement lets flow to a
# member). Police never see location or health; the rapporteur only statistics.
EXPECTED_GROUPS: dict[str, frozenset[FieldGroup]] = {
    OrgType.NGO: EVERYTHING,
    OrgType.SOCIAL_SERVICES: EVERYTHING,
    OrgType.GUARDIAN_SERVICE: EVERYTHING,
    OrgType.SHELTER: frozenset({
        G.IDENTITY, G.CONTACT, G.LOCATION, G.HEALTH, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    }),
    OrgType.HEALTH: frozenset({G.IDENTITY, G.CONTACT, G.HEALTH, G.SERVICES, G.STATISTICAL}),
    OrgType.POLICE: frozenset({
        G.IDENTITY, G.CONTACT, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.STATISTICAL
    }),
    OrgType.BORDER_GUARD: frozenset({G.IDENTITY, G.LEGAL, G.ASSESSMENT, G.STATISTICAL}),
    OrgType.LABOUR_INSPECTORATE: frozenset({
        G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.STATISTICAL
    }),
    OrgType.PROSECUTOR: frozenset({G.IDENTITY, G.NARRATIVE, G.LEGAL, G.STATISTICAL}),
    OrgType.MIGRATION_AUTHORITY: frozenset({G.IDENTITY, G.LEGAL, G.STATISTICAL}),
    OrgType.NATIONAL_COORDINATOR: frozenset({
        G.IDENTITY, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    }),
    OrgType.INTERNATIONAL_ORGANISATION: frozenset({
        G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    }),
    OrgType.RAPPORTEUR: frozenset({G.STATISTICAL}),
    OrgType.OTHER: frozenset({G.IDENTITY, G.STATISTICAL}),
}  # fmt: skip

CASE_DATA_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})

# --- the sharing axes -----------------------------------------------------------------------

SHARING_ORG_TYPES = (OrgType.POLICE, OrgType.NGO, OrgType.SHELTER)

# What the agreements in force let flow from the case lead to the member. Location
# is in the clause on purpose: an explicit agreement plus consent can share what an
# organisation type does not see by default (even with the police).
AGREED_PURPOSES = frozenset({P.INVESTIGATION, P.ASSISTANCE})
AGREED_GROUPS = frozenset({G.IDENTITY, G.CONTACT, G.NARRATIVE, G.LOCATION, G.LEGAL, G.STATISTICAL})
CONSENTED_GROUPS = frozenset({G.IDENTITY, G.NARRATIVE, G.LOCATION, G.HEALTH, G.STATISTICAL})
OTHER_GROUPS = frozenset({G.CONTACT, G.LEGAL})


@dataclass(frozen=True)
class ConsentSpec:
    recipient: str  # "member" (the organisation), "org_type" (its type), "other" (someone else)
    purpose: Purpose
    groups: frozenset[FieldGroup]
    withdrawn: bool = False

    def covers(self, purpose: Purpose, group: FieldGroup) -> bool:
        """Whether this consent speaks for the member, for this purpose and group."""
        return (
            not self.withdrawn
            and self.recipient in ("member", "org_type")
            and purpose == self.purpose
            and group in self.groups
        )


CONSENTS: dict[str, ConsentSpec | None] = {
    "no_consent": None,
    "live_consent": ConsentSpec("member", P.INVESTIGATION, CONSENTED_GROUPS),
    "withdrawn_consent": ConsentSpec("member", P.INVESTIGATION, CONSENTED_GROUPS, withdrawn=True),
    "consent_for_another_purpose": ConsentSpec("member", P.ASSISTANCE, CONSENTED_GROUPS),
    "consent_for_other_groups": ConsentSpec("member", P.INVESTIGATION, OTHER_GROUPS),
    "consent_for_another_organisation": ConsentSpec("other", P.INVESTIGATION, CONSENTED_GROUPS),
    "consent_for_the_org_type": ConsentSpec("org_type", P.INVESTIGATION, CONSENTED_GROUPS),
}


@dataclass(frozen=True)
class AgreementSpec:
    # Written by hand, not derived from the dates: does a clause let data flow
    # from the case lead to the member today?
    flows_today: bool
    valid_from: date = A_YEAR_AGO
    ends_on: date | None = None
    consent_required: bool = True
    lead_is_party: bool = True
    by_org_type: bool = False  # parties and recipient named by organisation type and country
    # only an agreement every party approved is in effect; a proposal approved
    # by one side alone, and a refused one, open nothing, even without consent.
    state: str = AgreementState.IN_EFFECT


AGREEMENTS: dict[str, AgreementSpec | None] = {
    "no_agreement": None,
    # in force from today (valid_from is its first day) through today (ends_on: first day without)
    "active_agreement": AgreementSpec(flows_today=True, valid_from=TODAY, ends_on=TOMORROW),
    "agreement_ending_today": AgreementSpec(flows_today=False, ends_on=TODAY),
    "ended_agreement": AgreementSpec(flows_today=False, ends_on=TODAY - timedelta(days=30)),
    "agreement_not_yet_valid": AgreementSpec(flows_today=False, valid_from=TOMORROW),
    "legal_basis_agreement": AgreementSpec(flows_today=True, consent_required=False),
    "agreement_without_the_lead": AgreementSpec(flows_today=False, lead_is_party=False),
    "agreement_between_org_types": AgreementSpec(flows_today=True, by_org_type=True),
    "proposed_agreement": AgreementSpec(
        flows_today=False, consent_required=False, state=AgreementState.PROPOSED
    ),
    "refused_agreement": AgreementSpec(
        flows_today=False, consent_required=False, state=AgreementState.REFUSED
    ),
}
LEGAL_BASIS = "Test Victims Act s. 7"
# The org-type agreement's country: no other organisation of the matrix is there.
TYPE_COUNTRY = "SE"

# --- the cells ------------------------------------------------------------------------------

DEFAULT = "default_agreement"  # add_to_team's legal-basis agreement for the type's default groups
RELATIONSHIPS = ("lead", "member", "outsider", "inactive", "non_case_role")


@dataclass(frozen=True)
class Cell:
    org_type: str
    relationship: str
    role: str = Role.CASEWORKER
    consent: str = "no_consent"
    agreement: str = DEFAULT


def _sharing_cells() -> list[Cell]:
    return [
        Cell(
            org_type,
            relationship,
            Role.ORG_ADMIN if relationship == "non_case_role" else Role.CASEWORKER,
            consent,
            agreement,
        )
        for org_type in SHARING_ORG_TYPES
        for agreement in AGREEMENTS
        for consent in CONSENTS
        for relationship in RELATIONSHIPS
    ]


def _default_cells() -> list[Cell]:
    return [
        Cell(org_type, relationship, role)
        for org_type in OrgType
        for relationship in ("lead", "member", "outsider", "inactive")
        for role in Role
    ]


CELLS = _sharing_cells() + _default_cells()


def _blocks() -> dict[str, list[Cell]]:
    """The cells that share one case (one world), run as one parametrised test each."""
    blocks: dict[str, list[Cell]] = {}
    for cell in CELLS:
        blocks.setdefault(f"{cell.org_type}-{cell.agreement}-{cell.consent}", []).append(cell)
    return blocks


BLOCKS = _blocks()


def expected(cell: Cell, purpose: Purpose, group: FieldGroup) -> tuple[bool, str]:
    """The specification of one decision, rule by rule in the order they apply."""
    if cell.relationship == "inactive":
        return False, "inactive_user"
    if cell.role not in CASE_DATA_ROLES:
        return False, "role_without_case_access"
    if cell.relationship == "outsider":
        return False, "not_on_case_team"
    if cell.relationship == "lead":
        if group in EXPECTED_GROUPS[cell.org_type]:
            return True, "case_lead"
        return False, "group_not_for_org_type"
    return _expected_for_member(cell, purpose, group)


def _expected_for_member(cell: Cell, purpose: Purpose, group: FieldGroup) -> tuple[bool, str]:
    if cell.agreement == DEFAULT:
        if group in EXPECTED_GROUPS[cell.org_type]:
            return True, "legal_basis"
        return False, "no_agreement"
    agreement = AGREEMENTS[cell.agreement]
    if (
        agreement is None
        or not agreement.flows_today
        or purpose not in AGREED_PURPOSES
        or group not in AGREED_GROUPS
    ):
        return False, "no_agreement"
    if not agreement.consent_required:
        return True, "legal_basis"
    consent = CONSENTS[cell.consent]
    if consent is None or not consent.covers(purpose, group):
        return False, "no_consent"
    return True, "consent_and_agreement"


def test_it_has_an_expectation_for_every_organisation_type() -> None:
    assert set(EXPECTED_GROUPS) == set(OrgType)


def test_the_matrix_allows_and_denies_in_every_part_of_it() -> None:
    # then: no code is unreachable in the table (so no half of the matrix is trivially denied)
    codes = {expected(cell, p, g) for cell in CELLS for p in Purpose for g in FieldGroup}
    assert codes == {
        (False, "inactive_user"),
        (False, "role_without_case_access"),
        (False, "not_on_case_team"),
        (True, "case_lead"),
        (False, "group_not_for_org_type"),
        (True, "legal_basis"),
        (False, "no_agreement"),
        (False, "no_consent"),
        (True, "consent_and_agreement"),
    }
    assert len(CELLS) * len(Purpose) * len(FieldGroup) == 59_850
    assert sum(len(cells) for cells in BLOCKS.values()) == len(CELLS)


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    case_ids: dict[tuple[str, str, str], uuid.UUID] = field(default_factory=dict)
    users: dict[tuple[str, str, str, str], User] = field(default_factory=dict)

    def cell(self, cell: Cell) -> tuple[User, uuid.UUID]:
        user = self.users[cell.org_type, cell.agreement, cell.relationship, cell.role]
        return user, self.case_ids[cell.org_type, cell.agreement, cell.consent]


def _agreement(spec: AgreementSpec, orgs: dict[str, Organisation], name: str) -> None:
    """Written directly: the policy is under test here, not the services."""
    agreement = Agreement.objects.create(
        name=name,
        document_reference="test",
        legal_basis="" if spec.consent_required else LEGAL_BASIS,
        consent_required=spec.consent_required,
        valid_from=spec.valid_from,
        ends_on=spec.ends_on,
        state=spec.state,
        created_at=timezone.now(),
    )
    member = orgs["member"]
    # The member's side always approved; the other side only once it is in effect.
    other_side = timezone.now() if spec.state == AgreementState.IN_EFFECT else None
    if spec.by_org_type:
        AgreementParty.objects.create(
            agreement=agreement,
            org_type=member.org_type,
            country=TYPE_COUNTRY,
            approved_at=other_side,
        )
        AgreementParty.objects.create(
            agreement=agreement, organisation=member, approved_at=timezone.now()
        )
    else:
        lead_or_not = orgs["lead"] if spec.lead_is_party else orgs["other"]
        AgreementParty.objects.create(
            agreement=agreement, organisation=lead_or_not, approved_at=other_side
        )
        AgreementParty.objects.create(
            agreement=agreement, organisation=member, approved_at=timezone.now()
        )
    AgreementFlow.objects.create(
        agreement=agreement,
        recipient_organisation=None if spec.by_org_type else member,
        recipient_org_type=member.org_type if spec.by_org_type else "",
        recipient_country=TYPE_COUNTRY if spec.by_org_type else "",
        purposes=sorted(AGREED_PURPOSES),
        field_groups=sorted(AGREED_GROUPS),
    )


def _consent(spec: ConsentSpec, *, case: Case, orgs: dict[str, Organisation], by: User) -> None:
    Consent.objects.create(
        case=case,
        recipient_organisation={"member": orgs["member"], "other": orgs["other"]}.get(
            spec.recipient
        ),
        recipient_org_type=orgs["member"].org_type if spec.recipient == "org_type" else "",
        purpose=spec.purpose,
        field_groups=sorted(spec.groups),
        given_on=TODAY - timedelta(days=3),
        language="fi",
        information_given="What is shared, with whom, and that refusing changes no help.",
        recorded_at=timezone.now(),
        recorded_by=by,
        withdrawn_at=timezone.now() if spec.withdrawn else None,
        withdrawn_by=by if spec.withdrawn else None,
    )


def _build_sharing_world(world: World, org_type: str, agreement: str) -> None:
    spec = AGREEMENTS[agreement]
    country = TYPE_COUNTRY if spec is not None and spec.by_org_type else "FI"
    orgs = {
        name: OrganisationFactory.create(org_type=org_type, country=country)
        for name in ("lead", "member", "outsider", "other")
    }
    lead = UserFactory.create(organisation=orgs["lead"], role=Role.CASEWORKER)
    users = {
        ("lead", Role.CASEWORKER): lead,
        ("member", Role.CASEWORKER): UserFactory.create(organisation=orgs["member"]),
        ("outsider", Role.CASEWORKER): UserFactory.create(organisation=orgs["outsider"]),
        ("inactive", Role.CASEWORKER): UserFactory.create(
            organisation=orgs["member"], is_active=False
        ),
        ("non_case_role", Role.ORG_ADMIN): UserFactory.create(
            organisation=orgs["member"], role=Role.ORG_ADMIN
        ),
    }
    for (relationship, role), user in users.items():
        world.users[org_type, agreement, relationship, role] = user
    if spec is not None:
        _agreement(spec, orgs, name=f"{agreement} ({org_type})")
    for consent, consent_spec in CONSENTS.items():
        case = open_case(actor=lead)
        add_to_team(case=case, organisation=orgs["member"], share=False)
        if consent_spec is not None:
            _consent(consent_spec, case=case, orgs=orgs, by=lead)
        world.case_ids[org_type, agreement, consent] = case.id


def _build_default_world(world: World, org_type: str) -> None:
    orgs = {name: OrganisationFactory.create(org_type=org_type) for name in ("lead", "member")}
    orgs["outsider"] = OrganisationFactory.create(org_type=org_type)
    orgs["inactive"] = orgs["lead"]
    case = open_case(actor=make_user(organisation=orgs["lead"]))
    add_to_team(case=case, organisation=orgs["member"])
    world.case_ids[org_type, DEFAULT, "no_consent"] = case.id
    for role in Role:
        for relationship, org in orgs.items():
            world.users[org_type, DEFAULT, relationship, role] = UserFactory.create(
                organisation=org, role=role, is_active=relationship != "inactive"
            )


def build_world() -> World:
    world = World()
    for org_type in SHARING_ORG_TYPES:
        for agreement in AGREEMENTS:
            _build_sharing_world(world, org_type, agreement)
    for org_type in OrgType:
        _build_default_world(world, org_type)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    # Built once for the module's cells, at a fixed time, rolled back at the end.
    with (
        time_machine.travel(NOW, tick=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


# --- the matrix -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("block", list(BLOCKS))
def test_it_decides_each_cell_of_the_authorisation_matrix(world: World, block: str) -> None:
    # given: each user of one case (same world) in their own request, whose
    # view of the case (the context) is reused by that request's decisions
    requests = [(cell, *world.cell(cell)) for cell in BLOCKS[block]]

    # when
    decisions = {
        (cell.relationship, cell.role, purpose, group): policy.decide(
            user=user, case_id=case_id, field_group=group, purpose=purpose, context=context
        )
        for cell, user, case_id in requests
        for context in [policy.case_context(case_id=case_id)]
        for purpose in Purpose
        for group in FieldGroup
    }

    # then: allowed or denied, and the reason code, for every cell
    assert {key: (d.allowed, d.code) for key, d in decisions.items()} == {
        (cell.relationship, cell.role, purpose, group): expected(cell, purpose, group)
        for cell in BLOCKS[block]
        for purpose in Purpose
        for group in FieldGroup
    }
    assert all(str(d.reason) for d in decisions.values())


@pytest.mark.django_db
def test_it_never_shows_police_the_location_or_health_even_as_case_lead(world: World) -> None:
    # given
    police, case_id = world.cell(Cell(OrgType.POLICE, "lead"))

    # when
    decisions = policy.decide_all(user=police, case_id=case_id)

    # then
    assert decisions[G.IDENTITY].allowed
    assert decisions[G.LEGAL].allowed
    for hidden in (G.LOCATION, G.HEALTH):
        assert not decisions[hidden].allowed
        assert decisions[hidden].code == "group_not_for_org_type"


@pytest.mark.django_db
def test_it_denies_outsiders_with_the_same_code_for_every_group(world: World) -> None:
    # given: a caseworker of another NGO, and the lead's own caseworker
    outsider, case_id = world.cell(Cell(OrgType.NGO, "outsider"))
    lead, _ = world.cell(Cell(OrgType.NGO, "lead"))

    # when
    denied = policy.decide_all(user=outsider, case_id=case_id)
    allowed = policy.decide_all(user=lead, case_id=case_id)

    # then
    assert {d.code for d in denied.values()} == {"not_on_case_team"}
    assert all(d.allowed for d in allowed.values())


@pytest.mark.django_db
def test_it_denies_an_outsider_even_with_consent_for_its_organisation_type(world: World) -> None:
    # given: consent for every police organisation, an agreement between police types
    cell = Cell(
        OrgType.POLICE,
        "outsider",
        consent="consent_for_the_org_type",
        agreement="agreement_between_org_types",
    )
    outsider, case_id = world.cell(cell)
    member, _ = world.cell(dataclasses.replace(cell, relationship="member"))

    # when
    denied = policy.decide(
        user=outsider, case_id=case_id, field_group=G.NARRATIVE, purpose=P.INVESTIGATION
    )
    allowed = policy.decide(
        user=member, case_id=case_id, field_group=G.NARRATIVE, purpose=P.INVESTIGATION
    )

    # then
    assert (denied.allowed, denied.code) == (False, "not_on_case_team")
    assert (allowed.allowed, allowed.code) == (True, "consent_and_agreement")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_denies_case_data_to_administrators_and_the_rapporteur(world: World, role: str) -> None:
    # given: even in the case lead's own organisation
    user, case_id = world.cell(Cell(OrgType.NGO, "lead", role))
    caseworker, _ = world.cell(Cell(OrgType.NGO, "lead"))

    # when
    denied = policy.decide_all(user=user, case_id=case_id)

    # then
    assert {d.code for d in denied.values()} == {"role_without_case_access"}
    assert policy.decide(user=caseworker, case_id=case_id, field_group=G.IDENTITY).allowed


# --- the reasons: plain words that say why, and whom to ask ----------------------------------


@pytest.mark.django_db
def test_it_names_the_consent_day_and_the_agreement_when_it_shares_by_consent(
    world: World,
) -> None:
    # given
    cell = Cell(OrgType.POLICE, "member", consent="live_consent", agreement="active_agreement")
    member, case_id = world.cell(cell)

    # when
    shared = policy.decide(
        user=member, case_id=case_id, field_group=G.NARRATIVE, purpose=P.INVESTIGATION
    )
    hidden = policy.decide(
        user=member, case_id=case_id, field_group=G.NARRATIVE, purpose=P.ASSISTANCE
    )

    # then
    assert (shared.allowed, hidden.allowed) == (True, False)
    assert "active_agreement (police)" in str(shared.reason)
    assert date_format(TODAY - timedelta(days=3)) in str(shared.reason)
    assert hidden.code == "no_consent"
    # the agreement ends tomorrow, and the reason says when this access stops
    assert f"This access stops on {date_format(TOMORROW)}" in str(shared.reason)


@pytest.mark.django_db
def test_it_names_the_legal_basis_when_it_shares_without_consent(world: World) -> None:
    # given: no consent at all, an agreement on a legal basis
    cell = Cell(OrgType.NGO, "member", agreement="legal_basis_agreement")
    member, case_id = world.cell(cell)

    # when
    shared = policy.decide(user=member, case_id=case_id, field_group=G.LEGAL)
    hidden = policy.decide(user=member, case_id=case_id, field_group=G.HEALTH)

    # then
    assert (shared.allowed, shared.code) == (True, "legal_basis")
    assert LEGAL_BASIS in str(shared.reason)
    assert "legal_basis_agreement (ngo)" in str(shared.reason)
    assert "This access stops" not in str(shared.reason)  # no end within 30 days
    assert (hidden.allowed, hidden.code) == (False, "no_agreement")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("consent", "agreement", "code"),
    [
        ("no_consent", "active_agreement", "no_consent"),
        ("live_consent", "ended_agreement", "no_agreement"),
    ],
)
def test_a_hidden_group_says_whom_to_ask(
    world: World, consent: str, agreement: str, code: str
) -> None:
    # given
    member, case_id = world.cell(
        Cell(OrgType.SHELTER, "member", consent=consent, agreement=agreement)
    )
    lead = TeamMembership.objects.select_related("organisation").get(case_id=case_id, is_lead=True)

    # when
    decision = policy.decide(
        user=member, case_id=case_id, field_group=G.IDENTITY, purpose=P.INVESTIGATION
    )

    # then
    assert (decision.allowed, decision.code) == (False, code)
    assert lead.organisation.name in str(decision.reason)


# --- loading the sharing facts once per request -----------------------------------------------


@pytest.mark.django_db
def test_it_decides_all_groups_of_the_lead_in_two_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    user, case_id = world.cell(Cell(OrgType.SHELTER, "lead", Role.SUPERVISOR))

    # when: the team, the user's live break-glass grants
    with django_assert_num_queries(2):
        decisions = policy.decide_all(user=user, case_id=case_id, purpose=P.ASSISTANCE)

    # then
    assert {g for g, d in decisions.items() if d.allowed} == EXPECTED_GROUPS[OrgType.SHELTER]


@pytest.mark.django_db
def test_it_decides_all_groups_of_a_member_in_five_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    cell = Cell(OrgType.POLICE, "member", consent="live_consent", agreement="active_agreement")
    user, case_id = world.cell(cell)

    # when: the team, break-glass grants, live consents, the flows in force with their
    # agreements, and the agreements' parties: the same for every purpose and group
    with django_assert_num_queries(5):
        decisions = policy.decide_all(user=user, case_id=case_id, purpose=P.INVESTIGATION)

    # then
    assert {g for g, d in decisions.items() if d.allowed} == CONSENTED_GROUPS & AGREED_GROUPS


# --- whether a case exists for the user at all -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relationship", "role", "visible"),
    [
        ("lead", Role.CASEWORKER, True),
        ("member", Role.SUPERVISOR, True),
        ("outsider", Role.CASEWORKER, False),
        ("inactive", Role.CASEWORKER, False),
        ("lead", Role.ORG_ADMIN, False),
        ("lead", Role.RAPPORTEUR, False),
    ],
)
def test_it_says_whether_a_case_exists_for_the_user(
    world: World, relationship: str, role: str, visible: bool
) -> None:
    # given: police members too, although they see only some groups
    user, case_id = world.cell(Cell(OrgType.POLICE, relationship, role))

    # then
    assert policy.may_see_case(user=user, case_id=case_id) is visible


@pytest.mark.django_db
def test_a_member_without_any_agreement_still_knows_the_case_exists(world: World) -> None:
    # given: on the team, but nothing may flow to it
    member, case_id = world.cell(Cell(OrgType.NGO, "member", agreement="no_agreement"))

    # when
    decisions = policy.decide_all(user=member, case_id=case_id)

    # then
    assert {d.code for d in decisions.values()} == {"no_agreement"}
    assert policy.may_see_case(user=member, case_id=case_id)


@pytest.mark.django_db
def test_it_does_not_know_a_case_that_does_not_exist(world: World) -> None:
    # given
    user, case_id = world.cell(Cell(OrgType.NGO, "lead"))

    # then
    assert policy.may_see_case(user=user, case_id=case_id)
    assert not policy.may_see_case(user=user, case_id=uuid.uuid4())


# --- deny by default ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_denies_by_default_when_no_rule_decides(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a cell that is allowed under the real rules
    user, case_id = world.cell(Cell(OrgType.NGO, "lead"))
    assert policy.decide(user=user, case_id=case_id, field_group=G.IDENTITY).allowed

    # when
    monkeypatch.setattr(policy, "RULES", ())
    decision = policy.decide(user=user, case_id=case_id, field_group=G.IDENTITY)

    # then
    assert decision == policy.DEFAULT_DENY
    assert not decision.allowed
    assert decision.code == "no_rule_allows"


@pytest.mark.django_db
def test_it_denies_by_default_when_every_rule_passes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: only rules that never decide
    user, case_id = world.cell(Cell(OrgType.NGO, "lead"))
    monkeypatch.setattr(policy, "RULES", (policy.rule_active_user, policy.rule_case_team))

    # when
    decision = policy.decide(user=user, case_id=case_id, field_group=G.IDENTITY)

    # then
    assert decision.code == "no_rule_allows"


# --- rules on their own ------------------------------------------------------------------------


def test_it_treats_a_user_without_an_organisation_as_inactive() -> None:
    # given: no database needed, the first rule decides
    user = UserFactory.build(organisation=None, role=Role.CASEWORKER)
    context = policy.CaseContext(case_id=uuid.uuid4(), memberships=[])

    # when
    decision = policy.decide(
        user=user, case_id=context.case_id, field_group=G.IDENTITY, context=context
    )

    # then
    assert (decision.allowed, decision.code) == (False, "inactive_user")
    assert not policy.may_see_case(user=user, case_id=context.case_id, context=context)


@pytest.mark.django_db
def test_it_explains_a_hidden_group_even_when_the_team_has_no_lead() -> None:
    # given: a team loaded without its lead (the reason must still be given)
    member = make_user(org_type=OrgType.POLICE)
    membership = TeamMembership(organisation=member.organisation, is_lead=False)
    context = policy.CaseContext(case_id=uuid.uuid4(), memberships=[membership])

    # when
    hidden = policy.decide(
        user=member, case_id=context.case_id, field_group=G.LEGAL, context=context
    )

    # then
    assert (hidden.allowed, hidden.code) == (False, "no_agreement")
    assert "the case lead" in str(hidden.reason)


# --- withdrawal, the end of an agreement, break-glass: over time -------------------------------


def _police_member_with_consent(
    *, valid_from: date = A_YEAR_AGO, ends_on: date | None = None
) -> tuple[Case, User, User]:
    """An NGO-led case, a police member, an agreement and the person's live consent
    for the narrative, for investigation."""
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None and lead.organisation is not None
    case = open_case(actor=lead, narrative="Told once, at the border.")
    add_to_team(case=case, organisation=police.organisation, share=False)
    orgs = {"lead": lead.organisation, "member": police.organisation}
    spec = AgreementSpec(flows_today=True, valid_from=valid_from, ends_on=ends_on)
    _agreement(spec, {**orgs, "other": lead.organisation}, name="Police and NGO 2026")
    _consent(
        ConsentSpec("member", P.INVESTIGATION, frozenset({G.NARRATIVE})),
        case=case,
        orgs={**orgs, "other": lead.organisation},
        by=lead,
    )
    return case, lead, police


def _narrative_for(user: User, case: Case, context: policy.CaseContext | None = None) -> str:
    return policy.decide(
        user=user,
        case_id=case.id,
        field_group=G.NARRATIVE,
        purpose=P.INVESTIGATION,
        context=context,
    ).code


@pytest.mark.django_db
def test_a_withdrawal_takes_effect_on_the_very_next_request() -> None:
    # given: the police read the narrative in one request
    with time_machine.travel(NOW, tick=True):
        case, lead, police = _police_member_with_consent()
        first_request = policy.case_context(case_id=case.id)
        assert _narrative_for(police, case, first_request) == "consent_and_agreement"

        # when: the person withdraws
        access_services.consent_withdraw(
            actor=lead, consent_id=Consent.objects.get(case=case).id, person_id=case.person_id
        )

        # then: the next request (a fresh context) is refused
        assert _narrative_for(police, case, policy.case_context(case_id=case.id)) == "no_consent"
        assert _narrative_for(police, case) == "no_consent"
        # A context caches the sharing facts: it must live for one request only.
        assert _narrative_for(police, case, first_request) == "consent_and_agreement"


@pytest.mark.django_db
def test_an_agreement_stops_giving_access_the_day_it_ends() -> None:
    # given: an agreement whose first day without effect is 1 April
    ends_on = date(2026, 4, 1)
    with time_machine.travel(NOW, tick=True):
        case, _lead, police = _police_member_with_consent(ends_on=ends_on)
    helsinki = timezone.get_default_timezone()

    # when
    with time_machine.travel(datetime(2026, 3, 31, 23, 59, tzinfo=helsinki), tick=False):
        last_day = _narrative_for(police, case)
    with time_machine.travel(datetime(2026, 4, 1, 0, 0, tzinfo=helsinki), tick=False):
        first_day_without = _narrative_for(police, case)

    # then
    assert last_day == "consent_and_agreement"
    assert first_day_without == "no_agreement"


@pytest.mark.django_db
def test_an_agreement_starts_giving_access_on_its_first_day() -> None:
    # given: the same case and consent, an agreement valid from 1 April
    with time_machine.travel(NOW, tick=True):
        case, _lead, police = _police_member_with_consent(valid_from=date(2026, 4, 1))
    helsinki = timezone.get_default_timezone()

    # when
    with time_machine.travel(datetime(2026, 3, 31, 23, 59, tzinfo=helsinki), tick=False):
        before = _narrative_for(police, case)
    with time_machine.travel(datetime(2026, 4, 1, 0, 0, tzinfo=helsinki), tick=False):
        first_day = _narrative_for(police, case)

    # then
    assert (before, first_day) == ("no_agreement", "consent_and_agreement")


def _grant(user: User, case: Case, *, minutes: int = 60) -> BreakGlass:
    assert user.organisation is not None
    return BreakGlass.objects.create(
        case=case,
        user=user,
        organisation=user.organisation,
        started_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("org_type", [OrgType.POLICE, OrgType.NGO, OrgType.HEALTH])
def test_a_live_break_glass_grant_shows_an_outsider_the_org_type_defaults(org_type: str) -> None:
    # given: an outsider with a live grant, and a colleague without one
    with time_machine.travel(NOW, tick=False):
        case = open_case(actor=make_user(org_type=OrgType.NGO))
        outsider = make_user(org_type=org_type)
        colleague = UserFactory.create(organisation=outsider.organisation)
        _grant(outsider, case)

        # when
        decisions = policy.decide_all(user=outsider, case_id=case.id)
        colleague_decisions = policy.decide_all(user=colleague, case_id=case.id)

        # then
        assert policy.may_see_case(user=outsider, case_id=case.id)
        assert not policy.may_see_case(user=colleague, case_id=case.id)
    assert {g: (d.allowed, d.code) for g, d in decisions.items()} == {
        g: (True, "break_glass")
        if g in EXPECTED_GROUPS[org_type]
        else (False, "group_not_for_org_type")
        for g in FieldGroup
    }
    assert {d.code for d in colleague_decisions.values()} == {"not_on_case_team"}


@pytest.mark.django_db
def test_break_glass_never_shows_the_police_the_location() -> None:
    # given
    with time_machine.travel(NOW, tick=False):
        case = open_case(actor=make_user(org_type=OrgType.NGO))
        police = make_user(org_type=OrgType.POLICE)
        _grant(police, case)

        # when
        location = policy.decide(
            user=police, case_id=case.id, field_group=G.LOCATION, purpose=P.INVESTIGATION
        )
        identity = policy.decide(
            user=police, case_id=case.id, field_group=G.IDENTITY, purpose=P.INVESTIGATION
        )

    # then
    assert (location.allowed, location.code) == (False, "group_not_for_org_type")
    assert "emergency" in str(location.reason)
    assert (identity.allowed, identity.code) == (True, "break_glass")


@pytest.mark.django_db
def test_break_glass_ends_when_the_grant_expires() -> None:
    # given: a grant for 60 minutes
    with time_machine.travel(NOW, tick=False):
        case = open_case(actor=make_user(org_type=OrgType.NGO))
        outsider = make_user(org_type=OrgType.NGO)
        grant = _grant(outsider, case, minutes=60)

    # when
    with time_machine.travel(grant.expires_at - timedelta(seconds=1), tick=False):
        during = _identity_and_visibility(outsider, case)
    with time_machine.travel(grant.expires_at, tick=False):
        after = _identity_and_visibility(outsider, case)

    # then
    assert during == ("break_glass", True)
    assert after == ("not_on_case_team", False)


def _identity_and_visibility(user: User, case: Case) -> tuple[str, bool]:
    decision = policy.decide(user=user, case_id=case.id, field_group=G.IDENTITY)
    return decision.code, policy.may_see_case(user=user, case_id=case.id)


@pytest.mark.django_db
def test_a_break_glass_grant_opens_only_its_own_case_and_not_for_inactive_users() -> None:
    # given: a live grant on one case, a second case of the same lead
    with time_machine.travel(NOW, tick=False):
        lead = make_user(org_type=OrgType.NGO)
        case, other_case = open_case(actor=lead), open_case(actor=lead)
        outsider = make_user(org_type=OrgType.NGO)
        _grant(outsider, case)

        # when
        granted = policy.decide(user=outsider, case_id=case.id, field_group=G.IDENTITY)
        other = policy.decide(user=outsider, case_id=other_case.id, field_group=G.IDENTITY)
        outsider.is_active = False
        inactive = policy.decide(user=outsider, case_id=case.id, field_group=G.IDENTITY)

    # then
    assert (granted.code, other.code, inactive.code) == (
        "break_glass",
        "not_on_case_team",
        "inactive_user",
    )


@pytest.mark.django_db
def test_break_glass_gives_a_team_member_the_org_type_defaults_without_an_agreement() -> None:
    # given: a police member with nothing flowing to it, then a live grant
    with time_machine.travel(NOW, tick=False):
        lead = make_user(org_type=OrgType.NGO)
        police = make_user(org_type=OrgType.POLICE)
        assert police.organisation is not None
        case = open_case(actor=lead)
        add_to_team(case=case, organisation=police.organisation, share=False)
        before = policy.decide(user=police, case_id=case.id, field_group=G.NARRATIVE)

        # when
        _grant(police, case)
        during = policy.decide(user=police, case_id=case.id, field_group=G.NARRATIVE)

    # then
    assert (before.code, during.code) == ("no_agreement", "break_glass")


@pytest.mark.django_db
def test_break_glass_never_takes_away_what_the_team_rules_give_a_member() -> None:
    # given: a police member to whom an agreement and the person's consent let the
    # location flow (beyond what police see by default), and the narrative not
    with time_machine.travel(NOW, tick=False):
        lead = make_user(org_type=OrgType.NGO)
        police = make_user(org_type=OrgType.POLICE)
        assert police.organisation is not None and lead.organisation is not None
        case = open_case(actor=lead)
        add_to_team(case=case, organisation=police.organisation, share=False)
        orgs = {
            "lead": lead.organisation,
            "member": police.organisation,
            "other": lead.organisation,
        }
        _agreement(AgreementSpec(flows_today=True), orgs, name="Police and NGO 2026")
        _consent(
            ConsentSpec("member", P.INVESTIGATION, frozenset({G.LOCATION})),
            case=case,
            orgs=orgs,
            by=lead,
        )

        def codes() -> tuple[str, str]:
            decisions = policy.decide_all(user=police, case_id=case.id, purpose=P.INVESTIGATION)
            return decisions[G.LOCATION].code, decisions[G.NARRATIVE].code

        before = codes()

        # when
        _grant(police, case)
        during = codes()

    # then: the emergency adds the narrative and keeps the location
    assert before == ("consent_and_agreement", "no_consent")
    assert during == ("consent_and_agreement", "break_glass")


@pytest.mark.django_db
def test_r47_the_case_page_says_when_access_that_rests_on_an_ending_agreement_stops() -> None:
    # given: the police read the narrative by consent under an agreement ending 1 April
    ends_on = date(2026, 4, 1)
    with time_machine.travel(NOW, tick=True):
        case, _lead, police = _police_member_with_consent(ends_on=ends_on)
    helsinki = timezone.get_default_timezone()
    page = f"/cases/{case.id}/?purpose=investigation"
    notice = f"This access stops on {date_format(ends_on)}"

    def read_on(day: int) -> str:
        with time_machine.travel(datetime(2026, 3, day, 12, tzinfo=helsinki), tick=False):
            response = sign_in(Client(), police).get(page)
        assert response.status_code == 200
        return response.content.decode()

    # when: 31 days before the end, then 30
    early, near = read_on(1), read_on(2)

    # then
    assert notice not in early
    assert notice in near
