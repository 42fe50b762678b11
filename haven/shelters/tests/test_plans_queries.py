"""What solving, moving and sending a group plan reads, for plans of 6 and 12
people (issue 16). Each person whose identity facts an action needs is read once
through the gate, and each read is audited; nothing else grows with the plan:

- solving reads every person (the solver needs all), through the gate for all
  of them together (``cases_for``: the cases, their teams, the break-glass check,
  each one query) and their audit rows appended in one statement: the same
  queries for 6 people as for 12;
- moving reads the family moving and the plan's people already at the target
  place, the same way, and that one place: the same queries whatever the plan's size;
- sending passes the gate once a person, as the proposal's write asks it (no
  second read of the same facts): a fixed number a person, nearly all of them the
  proposal itself (the referral to the shelter, its event, the placement, their
  audit rows).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Incident
from haven.cases.tests.factories import share_by_law
from haven.shelters import rules
from haven.shelters.models import GroupPlan, Place
from haven.shelters.services import plans
from haven.shelters.tests.test_plans import _rows, coordinator, open_case, shelter

pytestmark = pytest.mark.django_db

A = rules.Accepts
SOLVE_QUERIES = 16
MOVE_QUERIES = 18


@pytest.fixture
def desk() -> User:
    return coordinator()


@pytest.fixture
def incident(desk: User) -> Incident:
    from haven.cases import services as case_services

    return case_services.incident_open(actor=desk)


def _plan(desk: User, incident: Incident, people: int) -> tuple[GroupPlan, Place]:
    """``people`` women found together, each agreed; a women's house with a bed for
    everyone, and a second one of two beds, each sharing by law."""
    cases = [open_case(desk, incident) for _ in range(people)]
    first = shelter("First house", people, {A.WOMEN})
    second = shelter("Second house", 2, {A.WOMEN})
    for place in (first, second):
        share_by_law(case=cases[0], organisation=place.organisation)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    plan.people.update(person_agreed_on=timezone.localdate())
    return plan, second


def _queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def _identity_reads(plan: GroupPlan) -> int:
    return AuditEvent.objects.filter(
        action=Action.READ, field_groups="identity", detail__plan=str(plan.pk)
    ).count()


def _counts(desk: User, incident: Incident, people: int) -> dict[str, int]:
    plan, second = _plan(desk, incident, people)
    counts = {"solve": _queries(lambda: plans.plan_solve(actor=desk, plan_id=plan.pk))}
    counts["solve_reads"] = _identity_reads(plan)
    row = next(iter(_rows(plan).values()))
    counts["move"] = _queries(
        lambda: plans.plan_move(actor=desk, plan_id=plan.pk, person_id=row.pk, place_id=second.pk)
    )
    counts["move_reads"] = _identity_reads(plan) - counts["solve_reads"]
    counts["send"] = _queries(lambda: plans.plan_send(actor=desk, plan_id=plan.pk))
    counts["send_reads"] = _identity_reads(plan) - counts["solve_reads"] - counts["move_reads"]
    return counts


@pytest.fixture
def six_and_twelve(desk: User, incident: Incident) -> tuple[dict[str, int], dict[str, int]]:
    from haven.cases import services as case_services

    other = case_services.incident_open(actor=desk)
    return _counts(desk, incident, 6), _counts(desk, other, 12)


def test_solving_reads_each_person_once_for_a_fixed_number_of_queries(
    six_and_twelve: tuple[dict[str, int], dict[str, int]],
) -> None:
    six, twelve = six_and_twelve
    assert (six["solve_reads"], twelve["solve_reads"]) == (6, 12)
    assert six["solve"] == twelve["solve"] == SOLVE_QUERIES


def test_moving_reads_only_the_family_moving_and_those_at_the_place(
    six_and_twelve: tuple[dict[str, int], dict[str, int]],
) -> None:
    # the second house is empty: the one person moving is the one read
    six, twelve = six_and_twelve
    assert (six["move_reads"], twelve["move_reads"]) == (1, 1)
    assert six["move"] == twelve["move"] == MOVE_QUERIES


def test_sending_passes_the_gate_once_a_person(
    six_and_twelve: tuple[dict[str, int], dict[str, int]],
) -> None:
    six, twelve = six_and_twelve
    assert (six["send_reads"], twelve["send_reads"]) == (6, 12)
    per_person = (twelve["send"] - six["send"]) / 6
    # what does not depend on the people: the same on both sides
    assert six["send"] - 6 * per_person == twelve["send"] - 12 * per_person
    # the gate (3) and its audit row (1) once, and the proposal (23): no second read
    assert per_person == 27


def test_moving_reads_the_people_already_at_the_target_place(
    desk: User, incident: Incident
) -> None:
    # given: three women, two placed together in the second house, one moved there
    plan, second = _plan(desk, incident, 3)
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    rows = sorted(_rows(plan).values(), key=lambda r: r.pk)
    plans.plan_move(actor=desk, plan_id=plan.pk, person_id=rows[0].pk, place_id=second.pk)
    before = _identity_reads(plan)
    # when: the third woman to the second house, where one bed is left
    plans.plan_move(actor=desk, plan_id=plan.pk, person_id=rows[1].pk, place_id=second.pk)
    # then: she and the woman already there were read, no one else
    assert _identity_reads(plan) - before == 2
