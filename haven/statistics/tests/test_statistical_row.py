"""The case's statistical row (``Case.stat_*``, issue 15) stays equal to the joined truth
(the person's fields and the lead organisation's type and region, read through the
joins) after every way of writing them: intake, raw updates of the person, the
membership and the organisation (its type and its region), age assessments, status
decisions, lead transfers, merges and unmerges, erasure, a stale save of the case, and a
backup's restore. The database's triggers keep it (``haven.cases.statistical_row``);
each test fails without them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db.models import OuterRef, Subquery

from haven.access import services as access_services
from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.backup.tests.helpers import back_up, fresh_database, restore
from haven.cases import services as case_services
from haven.cases.models import STATISTICAL_ROW, AgeStatus, Case, Person, Sex
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.linkage.services import review
from haven.linkage.tests.test_review import World
from haven.statistics import cube

pytestmark = pytest.mark.django_db

TRUTH = (
    "person__sex",
    "person__age_status",
    "person__birth_year",
    "person__estimated_age_min",
    "person__citizenships",
)


def truth() -> dict[Any, tuple[Any, ...]]:
    """Every case's statistical facts read the naive way: through the joins."""
    lead = TeamMembership.objects.filter(case=OuterRef("pk"), is_lead=True)
    rows = Case.objects.values_list(
        *TRUTH,
        Subquery(lead.values("organisation__org_type")),
        Subquery(lead.values("organisation__region")),
        "id",
    )
    return {row[-1]: row[:-1] for row in rows}


def stored() -> dict[Any, tuple[Any, ...]]:
    return {row[-1]: row[:-1] for row in Case.objects.values_list(*STATISTICAL_ROW, "id")}


def assert_true(case: Case, expected: tuple[Any, ...]) -> None:
    """The case's row is the joined truth, which is ``expected``, and so is every other."""
    assert truth()[case.pk] == expected
    assert stored() == truth()


@pytest.fixture
def ngo_worker() -> User:
    return make_user(org_type=OrgType.NGO)


def opened(actor: User) -> Case:
    return open_case(
        actor=actor,
        sex=Sex.FEMALE,
        citizenships=["FI", "NG"],
        date_of_birth=date(1999, 5, 1),
        age_status=AgeStatus.VERIFIED_ADULT,
    )


def test_issue15_intake_writes_the_row(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    assert_true(
        case,
        (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"], OrgType.NGO, "Uusimaa"),
    )
    estimated = open_case(
        actor=ngo_worker, age_status=AgeStatus.UNCERTAIN, estimated_age_min=15, estimated_age_max=17
    )
    assert_true(
        estimated,
        (Sex.UNKNOWN, AgeStatus.UNCERTAIN_PRESUMED_CHILD, None, 15, [], OrgType.NGO, "Uusimaa"),
    )


@pytest.mark.parametrize(
    ("column", "value", "at"),
    [
        ("sex", Sex.MALE, 0),
        ("age_status", AgeStatus.VERIFIED_CHILD, 1),
        ("birth_year", 2001, 2),
        ("estimated_age_min", 30, 3),
        ("citizenships", ["UA"], 4),
    ],
)
def test_issue15_a_raw_update_of_the_person_rewrites_the_row(
    ngo_worker: User, column: str, value: object, at: int
) -> None:
    case = opened(ngo_worker)
    other = opened(ngo_worker)
    before = truth()[other.pk]

    Person.objects.filter(pk=case.person_id).update(**{column: value})

    expected = list(truth()[other.pk])
    expected[at] = value
    assert_true(case, tuple(expected))
    assert stored()[other.pk] == before  # the other case is untouched


def test_issue15_a_saved_person_rewrites_the_row(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    person = Person.objects.get(pk=case.person_id)
    person.sex, person.citizenships = Sex.INTERSEX, []
    person.save()
    assert_true(
        case, (Sex.INTERSEX, AgeStatus.VERIFIED_ADULT, 1999, None, [], OrgType.NGO, "Uusimaa")
    )


def test_issue15_an_age_status_change_rewrites_the_row(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    case_services.person_age_status_set(
        actor=ngo_worker, case_id=case.id, to_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD
    )
    assert_true(
        case,
        (
            Sex.FEMALE,
            AgeStatus.UNCERTAIN_PRESUMED_CHILD,
            1999,
            None,
            ["FI", "NG"],
            OrgType.NGO,
            "Uusimaa",
        ),
    )


def test_issue15_a_status_decision_and_a_stale_save_keep_the_truth(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    stale = Case.objects.get(pk=case.pk)
    case_services.case_transition(
        pathway_decision=True,
        actor=ngo_worker,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="Credible account and two strong indicators.",
        legal_basis="CETS Art. 10(2)",
    )
    Person.objects.filter(pk=case.person_id).update(sex=Sex.MALE)
    expected = (
        Sex.MALE,
        AgeStatus.VERIFIED_ADULT,
        1999,
        None,
        ["FI", "NG"],
        OrgType.NGO,
        "Uusimaa",
    )
    assert_true(case, expected)

    # a save of every column of an instance read before: its old copies are not kept
    stale.save()
    assert_true(case, expected)
    Case.objects.filter(pk=case.pk).update(stat_sex="forged", stat_lead_org_type=None)
    assert_true(case, expected)
    Case.objects.filter(pk=case.pk).update(stat_lead_region="forged")
    assert_true(case, expected)


def test_issue15_a_lead_transfer_rewrites_the_row(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    police = OrganisationFactory.create(org_type=OrgType.POLICE, region="Pirkanmaa")
    add_to_team(case=case, organisation=police, share=False)
    access_services.team_lead_move(case_id=case.id, to_organisation=police, by=None)
    assert_true(
        case,
        (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"], "police", "Pirkanmaa"),
    )


def test_issue15_raw_writes_of_the_memberships_rewrite_the_row(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    police = OrganisationFactory.create(org_type=OrgType.POLICE, region="Pirkanmaa")
    add_to_team(case=case, organisation=police, share=False)
    facts = (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"])

    TeamMembership.objects.filter(case=case).update(is_lead=False)
    assert_true(case, (*facts, None, None))  # no lead: not counted
    TeamMembership.objects.filter(case=case, organisation=police).update(is_lead=True)
    assert_true(case, (*facts, OrgType.POLICE, "Pirkanmaa"))
    labour = OrganisationFactory.create(org_type=OrgType.LABOUR_INSPECTORATE, region="")
    TeamMembership.objects.filter(case=case, is_lead=True).update(organisation=labour)
    assert_true(case, (*facts, OrgType.LABOUR_INSPECTORATE, ""))  # a lead without a region

    # a lead membership moved to another case leaves the first without a lead
    other = opened(make_user(org_type=OrgType.SOCIAL_SERVICES))
    TeamMembership.objects.filter(case=other).delete()
    assert truth()[other.pk][-2:] == (None, None) and stored() == truth()
    TeamMembership.objects.filter(case=case, is_lead=True).update(case=other)
    assert_true(case, (*facts, None, None))
    assert truth()[other.pk][-2:] == (OrgType.LABOUR_INSPECTORATE, "")


def test_issue15_a_change_of_an_organisations_type_rewrites_the_rows(ngo_worker: User) -> None:
    organisation = ngo_worker.organisation
    assert organisation is not None
    cases = [opened(ngo_worker), opened(ngo_worker)]
    led_elsewhere = opened(make_user(org_type=OrgType.POLICE))
    add_to_team(case=led_elsewhere, organisation=organisation, share=False)
    facts = (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"])

    Organisation.objects.filter(pk=organisation.pk).update(org_type=OrgType.SOCIAL_SERVICES)
    for case in cases:
        assert_true(case, (*facts, OrgType.SOCIAL_SERVICES, "Uusimaa"))
    assert stored()[led_elsewhere.pk][-2] == OrgType.POLICE  # a member, not the lead

    organisation.refresh_from_db()
    organisation.org_type = OrgType.HEALTH
    organisation.save()
    assert_true(cases[0], (*facts, OrgType.HEALTH, "Uusimaa"))


def test_issue15_a_change_of_an_organisations_region_rewrites_the_rows(
    ngo_worker: User,
) -> None:
    organisation = ngo_worker.organisation
    assert organisation is not None
    cases = [opened(ngo_worker), opened(ngo_worker)]
    led_elsewhere = opened(make_user(org_type=OrgType.POLICE))
    Organisation.objects.filter(pk=led_elsewhere.team.get(is_lead=True).organisation_id).update(
        region="Lappi"
    )
    add_to_team(case=led_elsewhere, organisation=organisation, share=False)
    facts = (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"], OrgType.NGO)

    Organisation.objects.filter(pk=organisation.pk).update(region="Pirkanmaa")
    for case in cases:
        assert_true(case, (*facts, "Pirkanmaa"))
    assert stored()[led_elsewhere.pk][-1] == "Lappi"  # a member, not the lead

    organisation.refresh_from_db()
    organisation.region = ""
    organisation.save()
    assert_true(cases[0], (*facts, ""))  # the region is no longer recorded


def test_issue15_erasure_keeps_the_statistical_facts(ngo_worker: User) -> None:
    case = opened(ngo_worker)
    supervisor = make_user(organisation=ngo_worker.organisation, role="supervisor")
    case_services.person_erase(actor=supervisor, case_id=case.id)
    assert Person.objects.get(pk=case.person_id).erased_at is not None
    assert_true(
        case,
        (Sex.FEMALE, AgeStatus.VERIFIED_ADULT, 1999, None, ["FI", "NG"], OrgType.NGO, "Uusimaa"),
    )


def test_issue15_a_merge_and_its_unmerge_keep_the_rows_true() -> None:
    world = World()
    before = stored()
    assert before and all(row[-2] == OrgType.NGO for row in before.values())
    merge = world.merged()
    assert Case.objects.filter(merged_into__isnull=False).exists()
    assert stored() == truth() == before
    review.unmerge(actor=world.second, merge_id=merge.id, reason="not her")
    assert stored() == truth() == before


def test_issue15_a_restored_backup_holds_the_same_rows_and_cube(
    ngo_worker: User, tmp_path: Path
) -> None:
    # given registered victims, one of them erased
    cases = [opened(ngo_worker), open_case(actor=ngo_worker, sex=Sex.MALE, citizenships=["UA"])]
    for case in cases:
        Case.objects.filter(pk=case.pk).update(
            identification_status=S.IDENTIFIED, registered_on=date(2025, 3, 1)
        )
    supervisor = make_user(organisation=ngo_worker.organisation, role="supervisor")
    case_services.person_erase(actor=supervisor, case_id=cases[1].id)
    country = Case.objects.get(pk=cases[0].pk).country
    cells = cube.registered_cube(country=country, years=[2025])
    assert sum(cell.count for cell in cells) == 2
    rows = stored()
    backup = tmp_path / "haven.backup"
    back_up(backup)

    # when it is restored into a fresh database
    fresh_database()
    assert not Case.objects.exists()
    restore(backup)

    # then the rows and the cube are as they were
    assert stored() == rows == truth()
    assert cube.registered_cube(country=country, years=[2025]) == cells
