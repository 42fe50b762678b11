"""Reads of group placement plans (issue 16): who may work a plan, and a plan as its
page shows it — people grouped by family with their place, those not placed with
why. A plan's page shows case references (pseudonymous), never a name, and places
by name (never an address or coordinates): the coordinator reads no personal data
here, so nothing is audited; the solve and moves read identity through the gate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, User
from haven.cases.models import Incident
from haven.lib import ids
from haven.lib.errors import Conflict, NotAllowed, NotFound
from haven.shelters.errors import ErrorCode
from haven.shelters.models import GroupPlan, GroupPlanPerson, Place, Placement
from haven.shelters.selectors import placements as placement_selectors


def coordinator_require(user: User) -> Organisation:
    """The coordinator organisation of the user, or 403 (``rule_desk_coordinator``)."""
    decision = access_policy.rule_desk_coordinator(user=user)
    if not decision.allowed:
        raise NotAllowed(str(decision.reason), code=decision.code)
    assert user.organisation is not None  # noqa: S101 - checked by the rule
    return user.organisation


def plan_get(*, actor: User, plan_id: object, write: bool = False) -> GroupPlan:
    """A plan of the coordinator's own country (another country's is as good as
    missing); a write locks it and is refused once the plan was sent."""
    organisation = coordinator_require(actor)
    plans = GroupPlan.objects.filter(country=organisation.country).select_related("incident")
    if write:
        plans = plans.select_for_update(of=("self",))
    pk = ids.parse_uuid(plan_id)
    plan = plans.filter(pk=pk).first() if pk is not None else None
    if plan is None:
        raise NotFound(_("No placement plan with this id is available to you."))
    if write and plan.state != GroupPlan.State.DRAFT:
        raise Conflict(
            _("This plan was sent to the shelters: it is not changed any more."),
            code=ErrorCode.PLAN_NOT_DRAFT,
        )
    return plan


def may_plan(user: User) -> bool:
    """Whether the user works placement plans (the page offers them only then)."""
    return access_policy.rule_desk_coordinator(user=user).allowed


@dataclass(frozen=True)
class PlanPersonView:
    id: int
    case_id: str
    case_reference: str
    family: str
    risk_level: int
    needs_wheelchair_access: bool
    needs_disability_access: bool
    place_id: str | None
    place_name: str
    unplaced_reason: str
    person_agreed_on: date | None = None
    placement_id: str | None = None  # once the plan is sent: the placement proposed
    placement_state: str = ""  # its state, in words


@dataclass(frozen=True)
class FamilyView:
    label: str  # blank: a person on their own
    people: list[PlanPersonView]

    @property
    def place_name(self) -> str:
        return self.people[0].place_name


@dataclass(frozen=True)
class PlanView:
    plan: GroupPlan
    incident_reference: str
    groups: list[FamilyView]  # families, then people on their own, each with its place
    unplaced: list[PlanPersonView]
    places: list[tuple[str, str]]  # (id, name) of the country's active places: the move form

    @property
    def placed(self) -> int:
        return sum(1 for g in self.groups for p in g.people if p.place_id is not None)


def _person(row: GroupPlanPerson, placement: Placement | None = None) -> PlanPersonView:
    return PlanPersonView(
        id=row.pk,
        case_id=str(row.case_id),
        case_reference=row.case.reference,
        family=row.family,
        risk_level=row.risk_level,
        needs_wheelchair_access=row.needs_wheelchair_access,
        needs_disability_access=row.needs_disability_access,
        place_id=str(row.place_id) if row.place_id is not None else None,
        place_name=row.place.name if row.place is not None else "",
        unplaced_reason=row.unplaced_reason,
        person_agreed_on=row.person_agreed_on,
        placement_id=str(placement.pk) if placement is not None else None,
        placement_state=placement.get_state_display() if placement is not None else "",
    )


def plan_detail(*, actor: User, plan_id: object) -> PlanView:
    """The plan as its page shows it (four queries whatever its size, after the
    user's organisation); once sent, each person's placement and its state."""
    plan = plan_get(actor=actor, plan_id=plan_id)
    rows = list(
        GroupPlanPerson.objects.filter(plan=plan)
        .select_related("case", "place")
        .order_by("family", "case__reference", "id")
    )
    placements = {p.case_id: p for p in Placement.objects.filter(plan=plan).order_by("proposed_at")}
    families: dict[str, list[PlanPersonView]] = {}
    alone: list[FamilyView] = []
    for row in rows:
        view = _person(row, placements.get(row.case_id))
        if row.family:
            families.setdefault(row.family, []).append(view)
        else:
            alone.append(FamilyView(label="", people=[view]))
    groups = [FamilyView(label=label, people=people) for label, people in families.items()]
    groups += alone
    places = Place.objects.filter(active=True, organisation__country=plan.country).order_by(
        "region", "name", "id"
    )
    return PlanView(
        plan=plan,
        incident_reference=plan.incident.reference,
        groups=groups,
        unplaced=[p for g in groups for p in g.people if p.place_id is None],
        places=[(str(pk), name) for pk, name in places.values_list("pk", "name")],
    )


def plans_of_incident(*, actor: User, incident_id: object) -> list[GroupPlan]:
    """The plans of an incident in the coordinator's country, newest first."""
    organisation = coordinator_require(actor)
    pk = ids.parse_uuid(incident_id)
    if pk is None:
        return []
    return list(
        GroupPlan.objects.filter(incident_id=pk, country=organisation.country).order_by(
            "-created_at", "id"
        )
    )


def incident_id_of(reference: str) -> uuid.UUID | None:
    """The incident with this (pseudonymous) reference, if any: whether the
    coordinator may plan for it is the plan service's question."""
    pk: uuid.UUID | None = (
        Incident.objects.filter(reference=reference.strip().upper())
        .values_list("pk", flat=True)
        .first()
    )
    return pk


def plan_person(*, actor: User, plan_id: object, person_id: object) -> PlanPersonView:
    """One person of a plan, for the form that sets their facts."""
    detail = plan_detail(actor=actor, plan_id=plan_id)
    found = next((p for g in detail.groups for p in g.people if str(p.id) == str(person_id)), None)
    if found is None:
        raise NotFound(_("No such person in this plan."))
    return found


@dataclass(frozen=True)
class Blocker:
    """Why a plan cannot be sent yet (the page says it; the service refuses with it)."""

    code: ErrorCode
    message: str


def send_blockers(*, actor: User, plan: GroupPlan) -> list[Blocker]:
    """What stops this actor sending the draft plan: not solved, nobody placed, a
    placed person's agreement not recorded, cases another organisation leads (each
    person named by their case's reference). Empty: the plan may be sent."""
    if plan.solved_at is None:
        return [Blocker(ErrorCode.PLAN_NOT_SOLVED, _("Solve the plan before sending it."))]
    placed = list(
        GroupPlanPerson.objects.filter(plan=plan, place__isnull=False)
        .select_related("case")
        .order_by("case__reference")
    )
    if not placed:
        return [
            Blocker(
                ErrorCode.NOTHING_TO_SEND,
                _("Nobody in this plan has a place: there is nothing to send."),
            )
        ]
    out = []
    unagreed = [row.case.reference for row in placed if row.person_agreed_on is None]
    if unagreed:
        out.append(
            Blocker(
                ErrorCode.AGREEMENT_MISSING,
                _("Record the day each placed person agreed to be placed, first for: %(cases)s.")
                % {"cases": ", ".join(unagreed)},
            )
        )
    leads = {
        case_id: name
        for case_id, organisation_id, name in TeamMembership.objects.filter(
            case_id__in=[row.case_id for row in placed], is_lead=True
        ).values_list("case_id", "organisation_id", "organisation__name")
        if not placement_selectors.may_place(actor, organisation_id)
    }
    elsewhere = [
        f"{row.case.reference} ({leads[row.case_id]})" for row in placed if row.case_id in leads
    ]
    if elsewhere:
        out.append(
            Blocker(
                ErrorCode.CASES_LED_ELSEWHERE,
                _(
                    "Another organisation leads these cases: %(cases)s. Ask them to send, or "
                    "take the person off the plan."
                )
                % {"cases": ", ".join(elsewhere)},
            )
        )
    return out
