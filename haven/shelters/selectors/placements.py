"""Reads of placements: the rules of who may place and who answers, the
placements of a case (for its page), the placement requests to the user's
organisation's places, and one placement with the moves the user may make.

A placement says where a person lives: its place is ``location`` data for the
case. Only the place's own staff and the case lead's staff open a placement;
anyone else gets the 404 of a missing one. The case page shows a place's name
only to a reader of the ``location`` group (``case_placements``). Never an address
or coordinates here.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases.models import Case
from haven.lib import ids, paging
from haven.referrals import targets
from haven.shelters.errors import PlacementNotFound
from haven.shelters.models import (
    Bed,
    EndReason,
    GroupPlan,
    GroupPlanPerson,
    Occupant,
    Placement,
    PlacementState,
)
from haven.shelters.selectors import availability
from haven.shelters.states import PLACEMENT_TRANSITIONS, PlacementAction

# The requests to a shelter come a page at a time, counted up to the limit ("more than").
PAGE_SIZE = 25
REQUEST_COUNT_LIMIT = 1_000

# Placements still waiting for, or living on, an answer of the shelter.
CURRENT = (PlacementState.PROPOSED, PlacementState.ACCEPTED, PlacementState.STARTED)


# --- the rules ------------------------------------------------------------------------------


def may_place(user: User, lead_id: object) -> bool:
    """Only the case lead's caseworkers and supervisors look for a place and propose,
    withdraw or end a placement (the link and the refusal ask this same rule)."""
    return (
        lead_id is not None
        and user.organisation_id == lead_id
        and user.role in account_policy.CASE_ROLES
    )


def may_answer(user: User, place_organisation_id: object) -> bool:
    """Only the place's own caseworkers and supervisors answer, start and end."""
    return user.organisation_id == place_organisation_id and user.role in account_policy.CASE_ROLES


def lead_of(case_id: uuid.UUID) -> uuid.UUID | None:
    """The case lead's organisation (one query)."""
    return (
        TeamMembership.objects.filter(case_id=case_id, is_lead=True)
        .values_list("organisation_id", flat=True)
        .first()
    )


def actions_for(*, placement: Placement, lead_id: object, user: User) -> list[str]:
    """The moves this user may make on the placement now (the table and the rules)."""
    allowed = PLACEMENT_TRANSITIONS.actions(placement.state)
    shelter = may_answer(user, placement.place.organisation_id)
    lead = may_place(user, lead_id)
    mine = {
        PlacementAction.ACCEPT: shelter,
        PlacementAction.DECLINE: shelter,
        PlacementAction.START: shelter,
        PlacementAction.END: shelter or lead,
        PlacementAction.WITHDRAW: lead,
    }
    return [str(a) for a in allowed if mine[a]]


# --- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    place_id: uuid.UUID
    place_name: str
    region: str
    state: str
    state_label: str
    occupant_label: str
    service: str  # what was asked: the referral's type
    urgent: bool
    person_agreed_on: object
    proposed_at: datetime
    due_at: datetime | None  # the shelter's answer is due (the referral's target)
    answered_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    end_reason_label: str
    bed_label: str


def _service(placement: Placement) -> str:
    referral = placement.referral
    kind = targets.referral_type(referral.referral_type if referral else "accommodation")
    return str(kind.label) if kind else ""


def _row(p: Placement) -> PlacementRow:
    referral = p.referral
    return PlacementRow(
        id=p.pk,
        case_id=p.case_id,
        case_reference=p.case.reference,
        place_id=p.place_id,
        place_name=p.place.name,
        region=p.place.region,
        state=p.state,
        state_label=str(PlacementState(p.state).label),
        occupant_label=str(Occupant(p.occupant).label),
        service=_service(p),
        urgent=bool(referral and referral.urgent),
        person_agreed_on=p.person_agreed_on,
        proposed_at=p.proposed_at,
        due_at=referral.due_at if referral else None,
        answered_at=p.answered_at,
        started_at=p.started_at,
        ended_at=p.ended_at,
        end_reason_label=str(EndReason(p.end_reason).label) if p.end_reason else "",
        bed_label=f"{p.bed.room.name} / {p.bed.label}" if p.bed else "",
    )


def _base() -> QuerySet[Placement]:
    return Placement.objects.select_related("case", "place", "referral", "bed__room")


def placement_requests(
    *, user: User, state: str | None = None, number: int = 1, per_page: int = PAGE_SIZE
) -> paging.Page[PlacementRow]:
    """One page of the placement requests to the places of the user's organisation
    (its case staff only; others see none), newest first: what was asked, the
    dates, the state (two queries: the count up to ``REQUEST_COUNT_LIMIT``, the page)."""
    if user.role not in account_policy.CASE_ROLES or user.organisation_id is None:
        rows = Placement.objects.none()
    else:
        rows = _base().filter(place__organisation_id=user.organisation_id)
    if state:
        rows = rows.filter(state=state)
    count = paging.capped_count(rows.order_by().values("id"), limit=REQUEST_COUNT_LIMIT)
    page = paging.page_of(
        rows.order_by("-proposed_at", "id"), number=number, per_page=per_page, count=count
    )
    return dataclasses.replace(page, object_list=[_row(p) for p in page.object_list])


@dataclass(frozen=True)
class BedChoice:
    id: int
    name: str  # the room and the bed


@dataclass(frozen=True)
class PlacementDetail:
    row: PlacementRow
    actions: list[str]
    beds: list[BedChoice]  # beds the person may move into now (for "start")
    is_place_staff: bool
    is_lead_staff: bool


def beds_to_start(place_id: uuid.UUID) -> list[BedChoice]:
    """The place's beds that exist now, are in service, and nobody lives in."""
    now = timezone.now()
    beds = (
        Bed.objects.filter(room__place_id=place_id, created_at__lte=now)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=now))
        .exclude(pk__in=availability.out_of_service(now).values("bed_id"))
        .exclude(placements__state=PlacementState.STARTED)
        .select_related("room")
        .order_by("room__name", "label", "id")
    )
    return [BedChoice(b.pk, f"{b.room.name} / {b.label}") for b in beds]


@transaction.atomic
def placement_get(*, user: User, placement_id: object) -> PlacementDetail:
    """One placement, for the place's staff and the case lead's staff only (anyone
    else: the 404 of a missing one). The read of where the person lives is audited
    as the location group's."""
    parsed = ids.parse_uuid(placement_id)
    placement = _base().filter(pk=parsed).first() if parsed else None
    lead_id = lead_of(placement.case_id) if placement else None
    if placement is None or not (
        may_answer(user, placement.place.organisation_id) or may_place(user, lead_id)
    ):
        raise PlacementNotFound(_("No placement with this reference is available to you."))
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="shelters.Placement",
        object_id=placement.pk,
        person_id=placement.case.person_id,
        field_groups=[FieldGroup.LOCATION],
        purpose=Purpose.ASSISTANCE,
    )
    actions = actions_for(placement=placement, lead_id=lead_id, user=user)
    return PlacementDetail(
        row=_row(placement),
        actions=actions,
        beds=beds_to_start(placement.place_id) if PlacementAction.START in actions else [],
        is_place_staff=may_answer(user, placement.place.organisation_id),
        is_lead_staff=may_place(user, lead_id),
    )


# --- the case page --------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePlacement:
    """A placement as the case page shows it: the place's name only with ``location``."""

    id: uuid.UUID
    place_name: str  # empty without the location group
    state: str
    state_label: str
    proposed_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    ours: bool  # the user may open it (the place's or the lead's staff)


def case_placements(
    *, user: User, case_id: uuid.UUID, lead_id: object, location: bool
) -> list[CasePlacement]:
    """The placements of a case whose page ``case_read`` already showed this user;
    ``location``: the reader may read the location group (then the place is named)."""
    rows = Placement.objects.filter(case_id=case_id).select_related("place")
    return [
        CasePlacement(
            id=p.pk,
            place_name=p.place.name if location else "",
            state=p.state,
            state_label=str(PlacementState(p.state).label),
            proposed_at=p.proposed_at,
            started_at=p.started_at,
            ended_at=p.ended_at,
            ours=may_answer(user, p.place.organisation_id) or may_place(user, lead_id),
        )
        for p in rows.order_by("-proposed_at", "id")
    ]


# --- the report for the person --------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    """The person in an incident's group placement plan (the plan's draft or sent)."""

    created_at: datetime
    state_label: str
    place_name: str
    unplaced_reason: str
    person_agreed_on: object


@dataclass(frozen=True)
class ReportPlacements:
    placements: list[PlacementRow]
    plans: list[PlanEntry]


def placements_for_report(
    *, user: User, case: Case, context: access_policy.CaseContext
) -> ReportPlacements:
    """Where the person was placed or asked to be, for the report to the person (its
    gate already passed, ``context`` loaded): the location group decided (refused
    with its reason), the read audited when there is anything to read."""
    case_id = case.pk
    decision = access_policy.decide(
        user=user,
        case_id=case_id,
        field_group=FieldGroup.LOCATION,
        purpose=Purpose.ASSISTANCE,
        context=context,
    )
    if not decision.allowed:
        raise case_errors.GroupNotAllowed(str(decision.reason))
    rows = [_row(p) for p in _base().filter(case_id=case_id).order_by("proposed_at")]
    people = GroupPlanPerson.objects.filter(case_id=case_id).select_related("plan", "place")
    found = ReportPlacements(
        placements=rows,
        plans=[
            PlanEntry(
                created_at=p.plan.created_at,
                state_label=str(GroupPlan.State(p.plan.state).label),
                place_name=p.place.name if p.place else "",
                unplaced_reason=p.unplaced_reason,
                person_agreed_on=p.person_agreed_on,
            )
            for p in people.order_by("plan__created_at", "id")
        ],
    )
    if found.placements or found.plans:
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="shelters.Placement",
            object_id=case_id,
            person_id=case.person_id,
            field_groups=[FieldGroup.LOCATION],
            purpose=Purpose.ASSISTANCE,
            detail={"report": "placements"},
        )
    return found
