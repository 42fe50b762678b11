"""The group placement plan of an incident, draft stage (issue 16): the national
coordinator makes a plan for the people found together, sets each person's family,
risk level and needs, solves it on the places free now, and moves people by hand.
Sending the plan (``plan_send``) makes each assignment a placement request through
the one-person lifecycle (``placements.proposal_make``), after the whole plan is
checked again against the places as they are now.

Only the coordinator of the country the incident's cases are in works a plan
(``access.policy.rule_desk_coordinator``); a plan holds the cases the coordinator
may read through the case gate. What the hard rules need of a person (sex, gender
identity, R-10's presumption of minority, languages) is read through the gate
(identity group, for assistance) each time it is needed, once a person, and the
read is audited: the people an action reads pass the gate together
(``cases.selectors.cases_for``, the same rule for each, in a constant number of
queries) and their audit events are appended together; an action reads only the
people it needs: solving, everyone;
a move, the family moving and the plan's people already at the place; sending,
each placed person in the same pass of the gate as their proposal. The plan
stores only what the coordinator entered, where the plan puts each person and
their soft cost there. The place of danger is a region's centre, never an address.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, Incident
from haven.lib import ids, locking
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound
from haven.shelters import regions, rules, solver
from haven.shelters.days import day_checked
from haven.shelters.errors import ErrorCode
from haven.shelters.models import GroupPlan, GroupPlanPerson, Occupant, Place
from haven.shelters.selectors import availability, search
from haven.shelters.selectors.plans import coordinator_require, plan_get, send_blockers
from haven.shelters.services import placements as placement_services

PLAN = "shelters.GroupPlan"
PLAN_PERSON = "shelters.GroupPlanPerson"
FAMILY_MAX = 20
REASON_MAX = 300
SOLVE_SECONDS = 5.0


def _readable(actor: User, cases: Sequence[Case]) -> list[Case]:
    """The cases whose identity the actor may read for assistance (their person's
    data not erased), passed through the gate together."""
    gates = case_selectors.cases_for(
        user=actor,
        case_ids=[case.pk for case in cases],
        group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
    ).allowed
    return [case for case in cases if case.pk in gates and not gates[case.pk].erased]


@transaction.atomic
def plan_create(*, actor: User, incident_id: object, danger_region: str = "") -> GroupPlan:
    """A draft plan for the people of an incident: every case of it in the
    coordinator's country whose identity the coordinator may read for assistance.
    An incident with none of those is as good as missing."""
    organisation = coordinator_require(actor)
    region = danger_region.strip()
    if region and regions.centre(organisation.country, region) is None:
        raise InvalidInput(
            _("Choose one of the regions in the list."),
            code=ErrorCode.UNKNOWN_REGION,
            field="danger_region",
        )
    pk = ids.parse_uuid(incident_id)
    incident = Incident.objects.filter(pk=pk).first() if pk is not None else None
    cases = (
        Case.objects.filter(
            incident=incident, country=organisation.country, merged_into__isnull=True
        ).order_by("reference")
        if incident is not None
        else Case.objects.none()
    )
    readable = _readable(actor, list(cases))
    if incident is None or not readable:
        raise NotFound(
            _("No incident with people you may place is available to you."),
            code=ErrorCode.NO_CASES,
        )
    plan = GroupPlan.objects.create(
        incident=incident,
        country=organisation.country,
        danger_region=region,
        created_at=timezone.now(),
        created_by=actor,
    )
    GroupPlanPerson.objects.bulk_create(GroupPlanPerson(plan=plan, case=case) for case in readable)
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type=PLAN,
        object_id=plan.pk,
        detail={"incident": str(incident.pk), "people": len(readable)},
    )
    return plan


def _save(plan: GroupPlan, fields: list[str]) -> None:
    """Save a plan the caller locked, moving its version on (a page showing the
    plan before the change knows it is out of date)."""
    plan.version += 1
    plan.save(update_fields=[*fields, "version"])


def _clear(plan: GroupPlan) -> None:
    """What the plan said no longer holds once a person's facts change: solve again."""
    plan.people.update(place=None, unplaced_reason="", soft_cost=0)
    plan.solved_at = None
    plan.optimal = False
    plan.soft_cost = 0
    _save(plan, ["solved_at", "optimal", "soft_cost"])


@transaction.atomic
def plan_person_update(
    *,
    actor: User,
    plan_id: object,
    person_id: object,
    family: str,
    risk_level: int,
    needs_wheelchair_access: bool,
    needs_disability_access: bool,
    person_agreed_on: date | None = None,
) -> GroupPlanPerson:
    """A person's family label (the same label: one family, placed together), risk
    level (1-3) and needs, as the coordinator enters them, and the day the person
    agreed to be placed (not in the future). When a fact the rules use changed, the
    plan's solution is cleared: it is solved again with the new facts."""
    plan = plan_get(actor=actor, plan_id=plan_id, write=True)
    pk = _int_id(person_id)
    row = plan.people.select_related("case").filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise NotFound(_("No such person in this plan."))
    label = family.strip()
    if len(label) > FAMILY_MAX:
        raise InvalidInput(
            _("At most %(n)d characters.") % {"n": FAMILY_MAX},
            code=ErrorCode.INVALID,
            field="family",
        )
    if risk_level not in rules.LEVELS:
        raise InvalidInput(_("Choose 1, 2 or 3."), code=ErrorCode.INVALID, field="risk_level")
    if person_agreed_on is not None:
        day_checked(person_agreed_on, field="person_agreed_on")
    facts = (label, risk_level, needs_wheelchair_access, needs_disability_access)
    changed = facts != (
        row.family,
        row.risk_level,
        row.needs_wheelchair_access,
        row.needs_disability_access,
    )
    row.family = label
    row.risk_level = risk_level
    row.needs_wheelchair_access = needs_wheelchair_access
    row.needs_disability_access = needs_disability_access
    row.person_agreed_on = person_agreed_on
    row.save(
        update_fields=[
            "family",
            "risk_level",
            "needs_wheelchair_access",
            "needs_disability_access",
            "person_agreed_on",
        ]
    )
    if changed:
        _clear(plan)
        row.place = None
        row.unplaced_reason = ""
    else:
        _save(plan, [])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=PLAN_PERSON,
        object_id=row.pk,
        person_id=row.case.person_id,
        detail={"plan": str(plan.pk), "cleared": changed},
    )
    return row


@transaction.atomic
def plan_person_remove(*, actor: User, plan_id: object, person_id: object) -> GroupPlan:
    """Take a person off the plan (e.g. their case is led by another organisation,
    which places them itself). The others keep their places; a family member left
    behind stays with the family's place."""
    plan = plan_get(actor=actor, plan_id=plan_id, write=True)
    pk = _int_id(person_id)
    row = plan.people.select_related("case").filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise NotFound(_("No such person in this plan."))
    row.delete()
    _save(plan, [])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=PLAN,
        object_id=plan.pk,
        person_id=row.case.person_id,
        detail={"removed": str(row.case_id)},
    )
    return plan


def _int_id(value: object) -> int | None:
    """A plan person's id, or None for anything that cannot be one (never an error
    from the database for a number out of its range)."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _rule_person(
    plan: GroupPlan, row: GroupPlanPerson, gated: case_selectors.GatedCase
) -> rules.Person:
    """A person of the plan as the hard rules see them: their case's identity facts,
    from a gate the caller passed and audited, and the plan's own fields."""
    centre = regions.centre(plan.country, plan.danger_region) if plan.danger_region else None
    person = gated.case.person
    return rules.Person(
        id=str(row.pk),
        family=row.family or None,
        sex=person.sex,
        gender_identity=person.gender_identity,
        # the age status already carries the presumption of minority.
        presumed_child=person.treat_as_child,
        risk_level=row.risk_level,
        languages=frozenset(person.languages),
        danger_lat=centre[0] if centre else None,
        danger_lon=centre[1] if centre else None,
        needs_wheelchair_access=row.needs_wheelchair_access,
        needs_disability_access=row.needs_disability_access,
    )


def rule_people(
    *, actor: User, plan: GroupPlan, rows: Iterable[GroupPlanPerson] | None = None
) -> list[tuple[GroupPlanPerson, rules.Person]]:
    """The plan's people (or only ``rows`` of it) as the hard rules see them: each
    case's identity facts read through the gate, each read audited, and the plan's
    own fields. An action reads only the people whose facts it needs. The gate is
    passed for all of them together (``cases_for``: the same rule for each case, a
    constant number of queries) and their reads are appended together."""
    chosen = list(plan.people.order_by("family", "id") if rows is None else rows)
    out = []
    with audit.audit_batch():  # one event a person, appended together
        gates = case_selectors.cases_for(
            user=actor,
            case_ids=[row.case_id for row in chosen],
            group=FieldGroup.IDENTITY,
            purpose=Purpose.ASSISTANCE,
        )
        for row in chosen:
            gated = gates.get(row.case_id)  # a case refused: the gate's refusal, as alone
            gated.audit_record(detail={"plan": str(plan.pk)})
            out.append((row, _rule_person(plan, row, gated)))
    return out


@transaction.atomic
def plan_solve(*, actor: User, plan_id: object, time_limit: float = SOLVE_SECONDS) -> GroupPlan:
    """Solve the plan on the places free now (``solver.solve``: the most people
    placed, families whole, every hard rule kept, then the least soft cost); each
    person's place, or why they are not placed, is stored."""
    plan = plan_get(actor=actor, plan_id=plan_id, write=True)
    people = rule_people(actor=actor, plan=plan)
    places = availability.rule_places(country=plan.country)
    solution = solver.solve(
        [view for _place, view in places],
        [person for _row, person in people],
        time_limit=time_limit,
    )
    by_id = {view.id: (place, view) for place, view in places}
    for row, person in people:
        assigned = solution.assignments.get(person.id)
        row.place = by_id[assigned][0] if assigned is not None else None
        row.soft_cost = rules.cost(person, by_id[assigned][1]).total if assigned else 0
        row.unplaced_reason = solution.unplaced.get(person.id, "")[:REASON_MAX]
    GroupPlanPerson.objects.bulk_update(
        [row for row, _p in people], ["place", "unplaced_reason", "soft_cost"]
    )
    plan.solved_at = timezone.now()
    plan.optimal = solution.optimal
    plan.soft_cost = solution.soft_cost
    _save(plan, ["solved_at", "optimal", "soft_cost"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=PLAN,
        object_id=plan.pk,
        detail={
            "solved": True,
            "placed": solution.placed,
            "unplaced": len(solution.unplaced),
            "optimal": solution.optimal,
        },
    )
    return plan


def _with_others(view: rules.Place, others: Sequence[rules.Person]) -> rules.Place:
    """A place as the plan stands: its free beds less the plan's ``others`` there,
    and who they are (adults, an unaccompanied child)."""
    there = rules.groups_of(others)
    return dataclasses.replace(
        view,
        capacity=max(0, view.capacity - len(others)),
        hosts_adults=view.hosts_adults or any(g.has_adults for g in there),
        hosts_unaccompanied_children=view.hosts_unaccompanied_children
        or any(g.unaccompanied_child for g in there),
    )


@transaction.atomic
def plan_move(
    *, actor: User, plan_id: object, person_id: object, place_id: object
) -> list[GroupPlanPerson]:
    """Put one person, with their whole family, in another place by hand. Refused,
    with the reason, when the place breaks a hard rule for them as the plan now
    stands: free beds less the plan's other people there, and no unaccompanied child
    with adults (``rules.exclusions``).

    Only the people the rules need are read through the gate (each read audited):
    the family moving, and the plan's other people already at that place; the one
    place is read with its beds (``availability.rule_place_of``). The plan's soft
    cost is the sum of each person's stored cost, the movers' computed anew."""
    plan = plan_get(actor=actor, plan_id=plan_id, write=True)
    pk = _int_id(person_id)
    row = plan.people.filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise NotFound(_("No such person in this plan."))
    target = availability.rule_place_of(place_id, country=plan.country)
    if target is None:
        raise NotFound(_("No such place is available."))
    place, view = target
    moving_rows = (
        list(plan.people.filter(family=row.family).order_by("id")) if row.family else [row]
    )
    moving_ids = {r.pk for r in moving_rows}
    there = plan.people.filter(place=place).exclude(pk__in=moving_ids).order_by("family", "id")
    people = rule_people(actor=actor, plan=plan, rows=[*moving_rows, *there])
    moving = [(r, p) for r, p in people if r.pk in moving_ids]
    others = [p for r, p in people if r.pk not in moving_ids]
    (group,) = rules.groups_of([p for _r, p in moving])
    reasons = rules.exclusions(group, _with_others(view, others))
    if reasons:
        raise InvalidInput(rules.explain(reasons), code=ErrorCode.PLACE_EXCLUDED, field="place")
    for moved, person in moving:
        moved.place = place
        moved.unplaced_reason = ""
        moved.soft_cost = rules.cost(person, view).total
    GroupPlanPerson.objects.bulk_update(moving_rows, ["place", "unplaced_reason", "soft_cost"])
    plan.optimal = False  # moved by hand: no longer the solver's proven best
    placed = plan.people.filter(place__isnull=False)
    plan.soft_cost = placed.aggregate(total=Sum("soft_cost"))["total"] or 0
    _save(plan, ["optimal", "soft_cost"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=PLAN,
        object_id=plan.pk,
        detail={"moved": len(moving), "place": str(place.pk)},
    )
    return moving_rows


# --- sending ---------------------------------------------------------------------------------


def _occupant(group: rules.Group, person: rules.Person) -> Occupant:
    if group.unaccompanied_child:
        return Occupant.UNACCOMPANIED_CHILD
    return Occupant.CHILD_WITH_FAMILY if person.is_child else Occupant.ADULT


# A refusal of ``send_blockers``, as the error it is.
_REFUSAL: dict[str, type[HavenError]] = {
    ErrorCode.PLAN_NOT_SOLVED: Conflict,
    ErrorCode.NOTHING_TO_SEND: InvalidInput,
    ErrorCode.AGREEMENT_MISSING: InvalidInput,
    ErrorCode.CASES_LED_ELSEWHERE: NotAllowed,
}


def _send_checked(*, actor: User, plan: GroupPlan, version: int | None) -> list[GroupPlanPerson]:
    """The placed people of a plan this actor may send, or the refusal saying what
    is missing (``send_blockers``, the rule the page's button asks)."""
    if version is not None:
        locking.version_expect(current=plan.version, expected=version)
    blockers = send_blockers(actor=actor, plan=plan)
    if blockers:
        raise _REFUSAL[blockers[0].code](blockers[0].message, code=blockers[0].code)
    return list(
        plan.people.filter(place__isnull=False).select_related("case").order_by("family", "id")
    )


def _plan_fits_now(
    *,
    placed: Sequence[tuple[GroupPlanPerson, rules.Person]],
    places: dict[uuid.UUID, tuple[Place, rules.Place]],
) -> list[str]:
    """Every way the plan no longer fits the places as they are now: each family or
    person in turn against its place, the plan's earlier groups there counted."""
    rows = {person.id: row for row, person in placed}
    taken: dict[uuid.UUID, list[rules.Person]] = {}
    problems = []
    for group in rules.groups_of(person for _row, person in placed):
        where = {rows[p.id].place_id for p in group.people}
        cases = ", ".join(rows[p.id].case.reference for p in group.people)
        place_id = rows[group.people[0].id].place_id
        assert place_id is not None  # noqa: S101 - only placed people are checked
        seen = places.get(place_id)
        if len(where) > 1:
            problems.append(_("%(cases)s: a family split over places") % {"cases": cases})
        elif seen is None:
            problems.append(_("%(cases)s: the place is no longer active") % {"cases": cases})
        else:
            reasons = rules.exclusions(group, _with_others(seen[1], taken.get(place_id, [])))
            if reasons:
                problems.append(f"{cases}: {seen[0].name}: {rules.explain(reasons)}")
        taken.setdefault(place_id, []).extend(group.people)
    return problems


@transaction.atomic
def plan_send(*, actor: User, plan_id: object, version: int | None = None) -> GroupPlan:
    """Send a solved draft plan to the shelters: each placed person's placement is
    proposed (a referral to the place's organisation, as for one person), once the
    whole plan was checked again against the places as they are now; all or
    nothing. People not placed stay on the plan with why. The plan is then sent and
    no longer changed."""
    plan = plan_get(actor=actor, plan_id=plan_id, write=True)
    placed_rows = _send_checked(actor=actor, plan=plan, version=version)
    places = availability.rule_places_of(
        {row.place_id for row in placed_rows},
        country=plan.country,
        lock=True,
    )
    # One pass of the gate per placed person, as the proposal's write asks it (the
    # case lead's staff, the case locked): its identity facts are read there once,
    # audited once, and the same pass makes the proposal.
    gates = {}
    for row in placed_rows:
        gated = search.placing_case(user=actor, case_id=row.case_id, lock=True)
        gated.audit_record(detail={"plan": str(plan.pk)})
        gates[row.pk] = gated
    placed = [(row, _rule_person(plan, row, gates[row.pk])) for row in placed_rows]
    problems = _plan_fits_now(placed=placed, places=places)
    if problems:
        raise InvalidInput(
            _(
                "The places changed since the plan was solved; nothing was sent. Solve the "
                "plan again. %(problems)s."
            )
            % {"problems": "; ".join(problems)},
            code=ErrorCode.PLAN_NO_LONGER_FITS,
        )
    groups = {p.id: g for g in rules.groups_of(p for _r, p in placed) for p in g.people}
    message = _(
        "A place in safe accommodation, asked for by the national coordinator's placement "
        "plan for incident %(reference)s."
    ) % {"reference": plan.incident.reference}
    for row, person in placed:
        assert row.person_agreed_on is not None  # noqa: S101 - checked by _send_checked
        assert row.place_id is not None  # noqa: S101 - only placed people are sent
        try:
            placement_services.proposal_make(
                actor=actor,
                gated=gates[row.pk],
                place=places[row.place_id][0],
                occupant=_occupant(groups[person.id], person),
                person_agreed_on=row.person_agreed_on,
                message=message,
                plan=plan,
            )
        except InvalidInput as exc:  # e.g. no agreement lets the case's data flow there
            raise InvalidInput(
                _("Nothing was sent. %(case)s: %(reason)s")
                % {"case": row.case.reference, "reason": exc.message},
                code=exc.code,
            ) from exc
    plan.state = GroupPlan.State.SENT
    plan.sent_at = timezone.now()
    _save(plan, ["state", "sent_at"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=PLAN,
        object_id=plan.pk,
        detail={"sent": True, "placements": len(placed)},
    )
    return plan
