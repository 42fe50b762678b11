"""The authorisation matrix: role, organisation type, relationship to the case, field group.

Every cell uses the same world: for each organisation type, one case led by an
organisation of that type, with a member organisation and an outsider of the
same type, and users of every role in each (plus an inactive user in the lead).
So a "denied" cell differs from an "allowed" one only in the axis under test.

The expected answers come from the explicit table below, written out by hand,
never from ``ORG_TYPE_GROUPS``: the table is the specification.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from pytest_django import DjangoAssertNumQueries, DjangoDbBlocker

from haven.access import policy
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.tests.factories import add_to_team, open_case

G = FieldGroup
EVERYTHING = set(FieldGroup)

# Which field groups a team member of each organisation type sees. Police never see
# location or health; the rapporteur only statistics.
EXPECTED_GROUPS: dict[str, set[FieldGroup]] = {
    OrgType.NGO: EVERYTHING,
    OrgType.SOCIAL_SERVICES: EVERYTHING,
    OrgType.GUARDIAN_SERVICE: EVERYTHING,
    OrgType.SHELTER: {
        G.IDENTITY, G.CONTACT, G.LOCATION, G.HEALTH, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    },
    OrgType.HEALTH: {G.IDENTITY, G.CONTACT, G.HEALTH, G.SERVICES, G.STATISTICAL},
    OrgType.POLICE: {G.IDENTITY, G.CONTACT, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.STATISTICAL},
    OrgType.BORDER_GUARD: {G.IDENTITY, G.LEGAL, G.ASSESSMENT, G.STATISTICAL},
    OrgType.LABOUR_INSPECTORATE: {G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.STATISTICAL},
    OrgType.PROSECUTOR: {G.IDENTITY, G.NARRATIVE, G.LEGAL, G.STATISTICAL},
    OrgType.MIGRATION_AUTHORITY: {G.IDENTITY, G.LEGAL, G.STATISTICAL},
    OrgType.NATIONAL_COORDINATOR: {
        G.IDENTITY, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    },
    OrgType.INTERNATIONAL_ORGANISATION: {
        G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.SERVICES, G.STATISTICAL
    },
    OrgType.RAPPORTEUR: {G.STATISTICAL},
    OrgType.OTHER: {G.IDENTITY, G.STATISTICAL},
}  # fmt: skip

CASE_DATA_ROLES = {Role.CASEWORKER, Role.SUPERVISOR}
RELATIONSHIPS = ["lead", "member", "outsider", "inactive"]


def expected(role: str, org_type: str, relationship: str, group: FieldGroup) -> tuple[bool, str]:
    """The specification of one cell, rule by rule in the order they apply."""
    if relationship == "inactive":
        return False, "inactive_user"
    if role not in CASE_DATA_ROLES:
        return False, "role_without_case_access"
    if relationship == "outsider":
        return False, "not_on_case_team"
    if group not in EXPECTED_GROUPS[org_type]:
        return False, "group_not_for_org_type"
    return True, "team_org_type"


@dataclass
class World:
    case_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    users: dict[tuple[str, str, str], User] = field(default_factory=dict)

    def cell(self, role: str, org_type: str, relationship: str) -> tuple[User, uuid.UUID]:
        return self.users[role, org_type, relationship], self.case_ids[org_type]


def build_world() -> World:
    world = World()
    for org_type in OrgType:
        orgs: dict[str, Organisation] = {
            "lead": OrganisationFactory.create(org_type=org_type),
            "member": OrganisationFactory.create(org_type=org_type),
            "outsider": OrganisationFactory.create(org_type=org_type),
        }
        orgs["inactive"] = orgs["lead"]
        case = open_case(actor=make_user(organisation=orgs["lead"]))
        add_to_team(case=case, organisation=orgs["member"])
        world.case_ids[org_type] = case.id
        for role in Role:
            for relationship, org in orgs.items():
                world.users[role, org_type, relationship] = UserFactory.create(
                    organisation=org, role=role, is_active=relationship != "inactive"
                )
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    # Built once for the module's 2,520 cells, rolled back at the end.
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def test_it_has_an_expectation_for_every_organisation_type() -> None:
    assert set(EXPECTED_GROUPS) == set(OrgType)


@pytest.mark.django_db
@pytest.mark.parametrize("group", list(FieldGroup))
@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("org_type", list(OrgType))
@pytest.mark.parametrize("role", list(Role))
def test_it_decides_each_cell_of_the_authorisation_matrix(
    world: World, role: str, org_type: str, relationship: str, group: FieldGroup
) -> None:
    # given
    user, case_id = world.cell(role, org_type, relationship)

    # when
    decision = policy.decide(user=user, case_id=case_id, field_group=group)

    # then
    assert (decision.allowed, decision.code) == expected(role, org_type, relationship, group)
    assert str(decision.reason)


@pytest.mark.django_db
def test_it_never_shows_police_the_location_or_health_even_as_case_lead(world: World) -> None:
    # given
    police, case_id = world.cell(Role.CASEWORKER, OrgType.POLICE, "lead")

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
    outsider, case_id = world.cell(Role.CASEWORKER, OrgType.NGO, "outsider")
    lead, _ = world.cell(Role.CASEWORKER, OrgType.NGO, "lead")

    # when
    denied = policy.decide_all(user=outsider, case_id=case_id)
    allowed = policy.decide_all(user=lead, case_id=case_id)

    # then
    assert {d.code for d in denied.values()} == {"not_on_case_team"}
    assert all(d.allowed for d in allowed.values())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_denies_case_data_to_administrators_and_the_rapporteur(world: World, role: str) -> None:
    # given: even in the case lead's own organisation
    user, case_id = world.cell(role, OrgType.NGO, "lead")
    caseworker, _ = world.cell(Role.CASEWORKER, OrgType.NGO, "lead")

    # when
    denied = policy.decide_all(user=user, case_id=case_id)

    # then
    assert {d.code for d in denied.values()} == {"role_without_case_access"}
    assert policy.decide(user=caseworker, case_id=case_id, field_group=G.IDENTITY).allowed


@pytest.mark.django_db
def test_it_decides_all_groups_with_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    user, case_id = world.cell(Role.SUPERVISOR, OrgType.SHELTER, "member")

    # when
    with django_assert_num_queries(1):
        decisions = policy.decide_all(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE)

    # then
    assert set(decisions) == set(FieldGroup)
    assert {g for g, d in decisions.items() if d.allowed} == EXPECTED_GROUPS[OrgType.SHELTER]


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
    user, case_id = world.cell(role, OrgType.POLICE, relationship)

    # then
    assert policy.may_see_case(user=user, case_id=case_id) is visible


@pytest.mark.django_db
def test_it_does_not_know_a_case_that_does_not_exist(world: World) -> None:
    # given
    user, case_id = world.cell(Role.CASEWORKER, OrgType.NGO, "lead")

    # then
    assert policy.may_see_case(user=user, case_id=case_id)
    assert not policy.may_see_case(user=user, case_id=uuid.uuid4())


@pytest.mark.django_db
def test_it_denies_by_default_when_no_rule_decides(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a cell that is allowed under the real rules
    user, case_id = world.cell(Role.CASEWORKER, OrgType.NGO, "lead")
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
    user, case_id = world.cell(Role.CASEWORKER, OrgType.NGO, "lead")
    monkeypatch.setattr(policy, "RULES", (policy.rule_active_user, policy.rule_case_team))

    # when
    decision = policy.decide(user=user, case_id=case_id, field_group=G.IDENTITY)

    # then
    assert decision.code == "no_rule_allows"


# --- rules on their own, without the database -------------------------------------------


def test_it_treats_a_user_without_an_organisation_as_inactive() -> None:
    # given
    user = UserFactory.build(organisation=None, role=Role.CASEWORKER)

    # when
    decision = policy.decide(
        user=user, case_id=uuid.uuid4(), field_group=G.IDENTITY, memberships=[]
    )

    # then
    assert (decision.allowed, decision.code) == (False, "inactive_user")


def test_it_explains_a_hidden_group_even_when_the_team_has_no_lead() -> None:
    # given: a team loaded without its lead (the reason must still be given)
    org = OrganisationFactory.build(org_type=OrgType.POLICE)
    user = UserFactory.build(organisation=org, role=Role.CASEWORKER)
    membership = TeamMembership(organisation=org, is_lead=False)

    # when
    hidden = policy.decide(
        user=user, case_id=uuid.uuid4(), field_group=G.LOCATION, memberships=[membership]
    )
    shown = policy.decide(
        user=user, case_id=uuid.uuid4(), field_group=G.LEGAL, memberships=[membership]
    )

    # then
    assert (hidden.allowed, hidden.code) == (False, "group_not_for_org_type")
    assert str(hidden.reason)
    assert (shown.allowed, shown.code) == (True, "team_org_type")
