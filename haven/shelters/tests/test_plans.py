"""Group placement plans, draft stage (issue 16): the coordinator of the incident's
country makes a plan of the cases it may read, solves it on the places free now,
and moves people by hand within the hard rules."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case, Incident
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.shelters import rules
from haven.shelters.errors import ErrorCode
from haven.shelters.models import Bed, GroupPlan, GroupPlanPerson, Place, Room
from haven.shelters.selectors import plans as plan_selectors
from haven.shelters.services import plans

pytestmark = pytest.mark.django_db

A = rules.Accepts


def coordinator(country: str = "FI") -> User:
    organisation = Organisation.objects.filter(
        org_type=OrgType.NATIONAL_COORDINATOR, country=country
    ).first() or OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    user: User = UserFactory.create(organisation=organisation, role=Role.CASEWORKER)
    return user


def open_case(actor: User, incident: Incident, **person: Any) -> Case:
    fields: dict[str, Any] = {
        "age_status": "verified_adult",
        "sex": "female",
        "gender_identity": "woman",
        "given_name": "Test",
        **person,
    }
    return case_services.case_open(
        actor=actor,
        person=case_services.PersonInput(**fields),
        forms_of_exploitation=["forced_labour"],
        incident=incident,
    )


def shelter(
    name: str, beds: int, accepts: set[str], *, security: int = 3, country: str = "FI", **kw: Any
) -> Place:
    now = timezone.now() - timedelta(days=1)
    organisation = OrganisationFactory.create(org_type=OrgType.SHELTER, country=country)
    place = Place.objects.create(
        organisation=organisation,
        name=name,
        region="Uusimaa",
        accepts=sorted(accepts),
        security_level=security,
        latitude=60.17,
        longitude=24.94,
        created_at=now,
        updated_at=now,
        **kw,
    )
    room = Room.objects.create(place=place, name="A")
    for n in range(beds):
        Bed.objects.create(room=room, label=str(n), created_at=now)
    return place


@pytest.fixture
def desk() -> User:
    return coordinator()


@pytest.fixture
def incident(desk: User) -> Incident:
    return case_services.incident_open(actor=desk)


def _rows(plan: GroupPlan) -> dict[str, GroupPlanPerson]:
    return {row.case.reference: row for row in plan.people.select_related("case", "place")}


# --- create ----------------------------------------------------------------------------------


def test_a_plan_holds_every_case_of_the_incident_the_coordinator_may_read(
    desk: User, incident: Incident
) -> None:
    # given: two cases the coordinator leads, one an NGO leads and did not share
    mine = [open_case(desk, incident), open_case(desk, incident)]
    ngo = UserFactory.create(role=Role.CASEWORKER)
    open_case(ngo, incident)

    # when
    plan = plans.plan_create(actor=desk, incident_id=incident.pk, danger_region="Varsinais-Suomi")

    # then
    assert set(_rows(plan)) == {case.reference for case in mine}
    assert (plan.state, plan.country, plan.danger_region) == ("draft", "FI", "Varsinais-Suomi")
    event = AuditEvent.objects.get(object_type=plans.PLAN, action=Action.CREATE)
    assert event.object_id == str(plan.pk)
    assert event.detail == {"incident": str(incident.pk), "people": 2}


def test_only_a_national_coordinator_makes_a_plan(desk: User, incident: Incident) -> None:
    # given: the same incident, asked by the coordinator and by an NGO caseworker on the team
    open_case(desk, incident)
    ngo = UserFactory.create(role=Role.CASEWORKER)

    # when / then
    with pytest.raises(NotAllowed):
        plans.plan_create(actor=ngo, incident_id=incident.pk)
    assert plans.plan_create(actor=desk, incident_id=incident.pk).people.count() == 1


@pytest.mark.parametrize("incident_id", ["nonsense", "5db57f5b-55c3-47c6-9b3b-c6dfb668fab7"])
def test_an_incident_missing_or_without_a_case_to_place_is_not_found(
    desk: User, incident: Incident, incident_id: str
) -> None:
    ngo = UserFactory.create(role=Role.CASEWORKER)
    open_case(ngo, incident)  # not shared with the coordinator

    for asked in (incident_id, incident.pk):
        with pytest.raises(NotFound) as error:
            plans.plan_create(actor=desk, incident_id=asked)
        assert error.value.code == ErrorCode.NO_CASES


def test_the_place_of_danger_must_be_a_known_region(desk: User, incident: Incident) -> None:
    open_case(desk, incident)
    with pytest.raises(InvalidInput) as error:
        plans.plan_create(actor=desk, incident_id=incident.pk, danger_region="Narnia")
    assert (error.value.code, error.value.field) == (ErrorCode.UNKNOWN_REGION, "danger_region")


def test_another_countrys_coordinator_does_not_see_the_plan(desk: User, incident: Incident) -> None:
    # given
    open_case(desk, incident)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)

    # when / then: one plan, two coordinators
    assert plan_selectors.plan_detail(actor=desk, plan_id=plan.pk).plan == plan
    with pytest.raises(NotFound):
        plan_selectors.plan_detail(actor=coordinator("EE"), plan_id=plan.pk)
    with pytest.raises(NotFound):
        plan_selectors.plan_detail(actor=desk, plan_id="nonsense")
    assert plan_selectors.may_plan(desk)
    assert not plan_selectors.may_plan(UserFactory.create(role=Role.CASEWORKER))


# --- solve -----------------------------------------------------------------------------------


def test_r10_solving_places_families_whole_and_a_presumed_child_apart_from_adults(
    desk: User, incident: Incident
) -> None:
    # given: a mother and her son, a 16-year-old on his own (presumed a child, R-10),
    # a man; a family place, a children's unit, a men's place
    mother = open_case(desk, incident, languages=["ru"])
    son = open_case(desk, incident, age_status="verified_child", sex="male", gender_identity="man")
    boy = open_case(
        desk,
        incident,
        age_status="uncertain",
        estimated_age_min=15,
        estimated_age_max=17,
        sex="male",
    )
    man = open_case(desk, incident, sex="male", gender_identity="man")
    families = shelter("Family house", 3, {A.FAMILIES, A.WOMEN}, languages=["ru"])
    children = shelter("Children's unit", 2, {A.CHILDREN})
    men = shelter("Men's place", 1, {A.MEN}, security=1)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk, danger_region="Uusimaa")
    rows = _rows(plan)
    for case in (mother, son):
        plans.plan_person_update(
            actor=desk,
            plan_id=plan.pk,
            person_id=rows[case.reference].pk,
            family="F1",
            risk_level=1,
            needs_wheelchair_access=False,
            needs_disability_access=False,
        )

    # when
    solved = plans.plan_solve(actor=desk, plan_id=plan.pk)

    # then
    rows = _rows(solved)
    assert rows[mother.reference].place == families
    assert rows[son.reference].place == families
    assert rows[boy.reference].place == children
    assert rows[man.reference].place == men
    assert solved.optimal and solved.solved_at is not None
    assert solved.soft_cost > 0  # Uusimaa is the place of danger: every place is near it
    assert sum(row.soft_cost for row in rows.values()) == solved.soft_cost
    reads = AuditEvent.objects.filter(action=Action.READ, object_type="cases.Case")
    assert reads.filter(field_groups="identity", detail__plan=str(plan.pk)).count() == 4


@pytest.mark.parametrize("agreement_ended", [False, True])
def test_solving_reads_everyone_together_and_is_refused_for_a_case_no_longer_readable(
    desk: User, incident: Incident, agreement_ended: bool
) -> None:
    # given: a woman's case the coordinator leads, and one an NGO leads and shares
    # with the coordinator by an agreement, then (on one side) the agreement ended
    from haven.access.models import Agreement
    from haven.cases.tests.factories import add_to_team

    open_case(desk, incident)
    ngo = UserFactory.create(role=Role.CASEWORKER)
    shared = open_case(ngo, incident)
    assert desk.organisation is not None
    add_to_team(case=shared, organisation=desk.organisation)
    shelter("Women's house", 2, {A.WOMEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    if agreement_ended:
        Agreement.objects.update(ends_on=timezone.localdate())
    reads = AuditEvent.objects.filter(action=Action.READ, detail__plan=str(plan.pk))

    # when
    if agreement_ended:
        with pytest.raises(NotAllowed) as refused:
            plans.plan_solve(actor=desk, plan_id=plan.pk)
    else:
        plans.plan_solve(actor=desk, plan_id=plan.pk)

    # then: both read and placed; or refused, as the gate refuses that case alone,
    # with nothing stored and no read recorded
    plan.refresh_from_db()
    if agreement_ended:
        assert refused.value.code == "field_group_not_allowed"
        assert (plan.solved_at, reads.count()) == (None, 0)
        assert not plan.people.filter(place__isnull=False).exists()
    else:
        assert (plan.solved_at is not None, reads.count()) == (True, 2)
        assert plan.people.filter(place__isnull=False).count() == 2


def test_solving_says_why_a_person_is_not_placed(desk: User, incident: Incident) -> None:
    # given: a person at the highest risk, and only a place of the lowest security
    case = open_case(desk, incident)
    shelter("Basic", 2, {A.WOMEN}, security=1)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    row = _rows(plan)[case.reference]
    plans.plan_person_update(
        actor=desk,
        plan_id=plan.pk,
        person_id=row.pk,
        family="",
        risk_level=3,
        needs_wheelchair_access=False,
        needs_disability_access=False,
    )

    # when
    plans.plan_solve(actor=desk, plan_id=plan.pk)

    # then
    detail = plan_selectors.plan_detail(actor=desk, plan_id=plan.pk)
    assert detail.placed == 0
    (unplaced,) = detail.unplaced
    assert "security level is below" in unplaced.unplaced_reason


# --- person facts ----------------------------------------------------------------------------


def test_changing_a_persons_facts_clears_the_solution(desk: User, incident: Incident) -> None:
    # given: a solved plan
    case = open_case(desk, incident)
    shelter("Women", 2, {A.WOMEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    row = _rows(plan)[case.reference]
    assert row.place is not None

    # when
    updated = plans.plan_person_update(
        actor=desk,
        plan_id=plan.pk,
        person_id=row.pk,
        family=" F2 ",
        risk_level=2,
        needs_wheelchair_access=True,
        needs_disability_access=True,
    )

    # then
    saved = GroupPlanPerson.objects.get(pk=row.pk)
    cleared = GroupPlan.objects.get(pk=plan.pk)
    assert (saved.family, saved.risk_level, saved.needs_wheelchair_access) == ("F2", 2, True)
    assert saved.place is None and updated.place is None
    assert cleared.solved_at is None and not cleared.optimal
    event = AuditEvent.objects.get(object_type=plans.PLAN_PERSON)
    assert event.person_id == str(case.person_id)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"risk_level": 4}, "risk_level"), ({"family": "x" * 21}, "family")],
)
def test_a_persons_facts_are_checked(
    desk: User, incident: Incident, change: dict[str, Any], field: str
) -> None:
    case = open_case(desk, incident)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    facts: dict[str, Any] = {
        "family": "",
        "risk_level": 1,
        "needs_wheelchair_access": False,
        "needs_disability_access": False,
        **change,
    }
    with pytest.raises(InvalidInput) as error:
        plans.plan_person_update(
            actor=desk, plan_id=plan.pk, person_id=_rows(plan)[case.reference].pk, **facts
        )
    assert error.value.field == field


def test_a_sent_plan_or_a_person_not_in_it_is_not_changed(desk: User, incident: Incident) -> None:
    # given
    open_case(desk, incident)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    facts: dict[str, Any] = {
        "family": "",
        "risk_level": 1,
        "needs_wheelchair_access": False,
        "needs_disability_access": False,
    }

    # when / then
    for person_id in ("nonsense", 10**9, 2**63):
        with pytest.raises(NotFound):
            plans.plan_person_update(actor=desk, plan_id=plan.pk, person_id=person_id, **facts)
    GroupPlan.objects.filter(pk=plan.pk).update(state=GroupPlan.State.SENT)
    with pytest.raises(Conflict) as error:
        plans.plan_solve(actor=desk, plan_id=plan.pk)
    assert error.value.code == ErrorCode.PLAN_NOT_DRAFT


# --- moves by hand ---------------------------------------------------------------------------


@pytest.fixture
def family_plan(desk: User, incident: Incident) -> tuple[GroupPlan, dict[str, Case]]:
    """A mother and son (family F1) and a woman on her own, solved."""
    cases = {
        "mother": open_case(desk, incident),
        "son": open_case(desk, incident, age_status="verified_child", sex="male"),
        "woman": open_case(desk, incident),
    }
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    rows = _rows(plan)
    for name in ("mother", "son"):
        plans.plan_person_update(
            actor=desk,
            plan_id=plan.pk,
            person_id=rows[cases[name].reference].pk,
            family="F1",
            risk_level=1,
            needs_wheelchair_access=False,
            needs_disability_access=False,
        )
    return plan, cases


def test_moving_a_person_moves_their_whole_family(
    desk: User, family_plan: tuple[GroupPlan, dict[str, Case]]
) -> None:
    # given
    plan, cases = family_plan
    first = shelter("First", 3, {A.FAMILIES, A.WOMEN}, languages=["fi"])
    second = shelter("Second", 2, {A.FAMILIES})
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    rows = _rows(plan)
    assert rows[cases["son"].reference].place == first

    # when
    moved = plans.plan_move(
        actor=desk, plan_id=plan.pk, person_id=rows[cases["son"].reference].pk, place_id=second.pk
    )

    # then
    rows = _rows(plan)
    assert {r.pk for r in moved} == {rows[cases[n].reference].pk for n in ("mother", "son")}
    assert rows[cases["mother"].reference].place == second
    assert rows[cases["woman"].reference].place == first
    plan.refresh_from_db()
    assert not plan.optimal
    assert plan.soft_cost == 0  # no language and no place of danger: nothing costs
    event = AuditEvent.objects.filter(object_type=plans.PLAN, action=Action.UPDATE).last()
    assert event is not None and event.detail == {"moved": 2, "place": str(second.pk)}


def test_a_move_keeps_the_plans_soft_cost_as_the_sum_of_each_persons(
    desk: User, incident: Incident
) -> None:
    # given: danger in Uusimaa; two women solved into a house in Lapland (nothing
    # costs there), then one moved by hand to a house in Helsinki, near the danger
    for _ in range(2):
        open_case(desk, incident)
    far = shelter("Far", 2, {A.WOMEN})
    Place.objects.filter(pk=far.pk).update(latitude=67.5, longitude=26.0)
    near = shelter("Near", 2, {A.WOMEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk, danger_region="Uusimaa")
    solved = plans.plan_solve(actor=desk, plan_id=plan.pk)
    rows = list(_rows(plan).values())
    assert solved.soft_cost == 0 and {r.place for r in rows} == {far}

    # when
    plans.plan_move(actor=desk, plan_id=plan.pk, person_id=rows[0].pk, place_id=near.pk)

    # then: the mover's cost at the near house, the other's unchanged
    near_cost = rules.cost(
        rules.Person(id="x", danger_lat=60.25, danger_lon=24.90),
        rules.Place(
            id="p", capacity=1, accepts=frozenset(), security_level=3, lat=60.17, lon=24.94
        ),
    ).total
    moved = {r.pk: r.soft_cost for r in plan.people.all()}
    plan.refresh_from_db()
    assert near_cost > 0
    assert moved == {rows[0].pk: near_cost, rows[1].pk: 0}
    assert plan.soft_cost == near_cost


def test_a_move_that_breaks_a_hard_rule_is_refused_with_the_reason(
    desk: User, family_plan: tuple[GroupPlan, dict[str, Case]]
) -> None:
    # given: the woman alone in "Women"; the family's place has one bed left after them
    plan, cases = family_plan
    shelter("Families", 3, {A.FAMILIES})
    women = shelter("Women", 1, {A.WOMEN})
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    rows = _rows(plan)
    families_place = rows[cases["mother"].reference].place
    assert families_place is not None and rows[cases["woman"].reference].place == women

    # when: the family to the women's place; the woman to the family place
    with pytest.raises(InvalidInput) as refused:
        plans.plan_move(
            actor=desk,
            plan_id=plan.pk,
            person_id=rows[cases["mother"].reference].pk,
            place_id=women.pk,
        )
    with pytest.raises(InvalidInput) as refused_too:
        plans.plan_move(
            actor=desk,
            plan_id=plan.pk,
            person_id=rows[cases["woman"].reference].pk,
            place_id=families_place.pk,
        )

    # then
    assert refused.value.code == ErrorCode.PLACE_EXCLUDED
    assert str(refused.value.message) == (
        "does not take in families; too few free beds for the whole group"
    )
    assert refused_too.value.message == "does not take in people of this gender"
    assert _rows(plan)[cases["mother"].reference].place == families_place


def test_a_move_counts_the_plans_other_people_at_the_place(desk: User, incident: Incident) -> None:
    # given: an adult and an unaccompanied child placed apart; then the child moved to
    # the adult's place (free for the child by itself, not with the adult there)
    adult = open_case(desk, incident)
    child = open_case(desk, incident, age_status="verified_child")
    both = shelter("Both", 4, {A.WOMEN, A.CHILDREN})
    shelter("Children", 1, {A.CHILDREN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    rows = _rows(plan)
    assert rows[adult.reference].place == both

    # when
    with pytest.raises(InvalidInput) as refused:
        plans.plan_move(
            actor=desk, plan_id=plan.pk, person_id=rows[child.reference].pk, place_id=both.pk
        )

    # then
    assert "adults live there" in refused.value.message


def test_a_move_to_an_unknown_place_or_of_an_unknown_person_is_not_found(
    desk: User, family_plan: tuple[GroupPlan, dict[str, Case]]
) -> None:
    plan, cases = family_plan
    place = shelter("Any", 3, {A.WOMEN})
    row = _rows(plan)[cases["woman"].reference]
    with pytest.raises(NotFound):
        plans.plan_move(actor=desk, plan_id=plan.pk, person_id=row.pk, place_id=uuid.uuid4())
    with pytest.raises(NotFound):
        plans.plan_move(actor=desk, plan_id=plan.pk, person_id="x", place_id=place.pk)
    moved = plans.plan_move(actor=desk, plan_id=plan.pk, person_id=row.pk, place_id=place.pk)
    assert [r.place for r in moved] == [place]


# --- the plan as its page shows it -------------------------------------------------------------


def test_the_plan_shows_families_together_and_the_unplaced_with_why(
    desk: User,
    family_plan: tuple[GroupPlan, dict[str, Case]],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: room for the family only
    plan, cases = family_plan
    place = shelter("Families", 2, {A.FAMILIES})
    plans.plan_solve(actor=desk, plan_id=plan.pk)

    # when: the plan, its people, their placements once sent, the places
    with django_assert_num_queries(4):
        detail = plan_selectors.plan_detail(actor=desk, plan_id=str(plan.pk))

    # then
    family, alone = detail.groups
    assert family.label == "F1" and len(family.people) == 2
    assert family.place_name == place.name
    assert alone.label == "" and alone.people[0].case_reference == cases["woman"].reference
    (unplaced,) = detail.unplaced
    assert unplaced.unplaced_reason.startswith("no suitable place:")
    assert detail.placed == 2
    assert detail.places == [(str(place.pk), place.name)]
    assert detail.incident_reference == plan.incident.reference


def test_the_plans_of_an_incident_are_listed_for_its_countrys_coordinator(
    desk: User, incident: Incident
) -> None:
    open_case(desk, incident)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    assert plan_selectors.plans_of_incident(actor=desk, incident_id=incident.pk) == [plan]
    assert plan_selectors.plans_of_incident(actor=coordinator("EE"), incident_id=incident.pk) == []
    assert plan_selectors.plans_of_incident(actor=desk, incident_id="nonsense") == []
