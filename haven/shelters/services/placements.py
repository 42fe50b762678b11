"""The lifecycle of one placement: proposed → accepted by the shelter → started
(the person moved in) → ended; declined by the shelter, or withdrawn by the case
lead while it waits. Each move is one transaction, audited inside it, and checked
against ``states.PLACEMENT_TRANSITIONS``.

A proposal is a referral of type ``accommodation`` to the place's organisation
(``referral_send``), so the person's consent and the cooperation agreements decide
what the shelter reads once it accepts, exactly as for any referral, and the
shelter joins the case team through it, for those field groups only. The shelter
answers the referral (here, or on the generic referral pages): the referrals'
hook (``placement_follow_answer``) moves the placement with it. When the shelter's
organisation is already on the case team (an earlier placement there), no
referral is needed: the proposal waits for the shelter's answer here alone.
A placement ending changes nothing in access: the shelter stays on the case team
as any organisation that accepted a referral does, until the case lead changes it.

Every proposal re-checks the hard rules for this person now (``rules.exclusions``
over ``availability.rule_place_of``: the one place, locked, its beds and who lives
there), whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.lib import ids
from haven.lib.errors import InvalidInput, NotAllowed
from haven.referrals import hooks as referral_hooks
from haven.referrals.models import OPEN_REFERRAL_STATES
from haven.referrals.services import referrals as referral_services
from haven.shelters import rules
from haven.shelters.days import day_checked
from haven.shelters.errors import (
    ErrorCode,
    PlaceExcluded,
    PlacementNotFound,
)
from haven.shelters.models import (
    Bed,
    EndReason,
    GroupPlan,
    Occupant,
    Place,
    Placement,
    PlacementState,
)
from haven.shelters.selectors import availability, search
from haven.shelters.selectors import placements as placement_selectors
from haven.shelters.states import PlacementAction, placement_next

REFERRAL_TYPE = "accommodation"
# What a shelter needs by default, and why: identity (who arrives), contact (to
# reach them on the way), health (care needed on arrival) and location (where the
# person lives becomes the shelter). The case lead may choose others; each must
# flow to the shelter under an agreement and the person's consent.
DEFAULT_FIELD_GROUPS = (
    FieldGroup.IDENTITY,
    FieldGroup.CONTACT,
    FieldGroup.HEALTH,
    FieldGroup.LOCATION,
)

A = PlacementAction


def _audit(*, actor: User, placement: Placement, action: str, detail: dict[str, str]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="shelters.Placement",
        object_id=placement.pk,
        person_id=placement.case.person_id,
        field_groups=[FieldGroup.LOCATION],
        purpose=Purpose.ASSISTANCE,
        detail=detail,
    )


def _moment(day: date) -> datetime:
    """A day as the moment stored: now for today, else the start of that day."""
    if day == timezone.localdate():
        return timezone.now()
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _occupant(person: rules.Person) -> Occupant:
    """A single placement puts an adult or an unaccompanied child (R-10's presumed
    child included); a child with their family is placed by a group plan."""
    return Occupant.UNACCOMPANIED_CHILD if person.is_child else Occupant.ADULT


def _place_checked(*, place_id: object, country: str, group: rules.Group) -> Place:
    """The place, locked, if active in the case's country and breaking no hard rule
    for this group as it is now (free beds, who lives there): the one place read
    (``availability.rule_place_of``), never the whole country."""
    seen = availability.rule_place_of(place_id, country=country, lock=True)
    if seen is None:
        raise InvalidInput(
            _("Choose an active place in the case's country."),
            code=ErrorCode.INVALID,
            field="place",
        )
    reasons = rules.exclusions(group, seen[1])
    if reasons:
        raise PlaceExcluded(
            _("This place cannot take the person now: %(reasons)s.")
            % {"reasons": rules.explain(reasons)},
            field="place",
        )
    return seen[0]


@transaction.atomic
def placement_propose(
    *,
    actor: User,
    case_id: object,
    place_id: object,
    person_agreed_on: date | None,
    message: str,
    field_groups: Iterable[str] = DEFAULT_FIELD_GROUPS,
    inputs: search.SearchInput | None = None,
    urgent: bool = False,
) -> Placement:
    """Ask a place to take the person in (the case lead's staff, with the person's
    agreement): the hard rules are checked again now, and the request goes as a
    referral so that consent and agreements decide what the shelter reads."""
    gated = search.placing_case(user=actor, case_id=case_id, lock=True)
    case = gated.case
    agreed = day_checked(person_agreed_on, field="person_agreed_on")
    given = search.inputs_checked(inputs or search.SearchInput(), country=case.country)
    facts = search.person_facts(user=actor, gated=gated, inputs=given)
    group = rules.Group(key=f"person:{case.pk}", people=(facts.person,))
    place = _place_checked(place_id=place_id, country=case.country, group=group)
    return proposal_make(
        actor=actor,
        gated=gated,
        place=place,
        occupant=_occupant(facts.person),
        person_agreed_on=agreed,
        message=message,
        field_groups=field_groups,
        urgent=urgent,
    )


def proposal_make(
    *,
    actor: User,
    gated: case_selectors.GatedCase,
    place: Place,
    occupant: Occupant,
    person_agreed_on: date,
    message: str,
    field_groups: Iterable[str] = DEFAULT_FIELD_GROUPS,
    urgent: bool = False,
    plan: GroupPlan | None = None,
) -> Placement:
    """The proposal itself, once the caller checked the case lead's staff
    (``search.placing_case``), the agreement and the hard rules: the same referral
    and the same record for one person and for a group plan (inside the caller's
    transaction)."""
    case = gated.case
    referral = None
    if not TeamMembership.objects.filter(case=case, organisation=place.organisation_id).exists():
        referral = referral_services.referral_send(
            actor=actor,
            case_id=case.pk,
            to_organisation_id=place.organisation_id,
            referral_type=REFERRAL_TYPE,
            purpose=Purpose.ASSISTANCE,
            field_groups=field_groups,
            message=message,
            urgent=urgent,
        )
    placement = Placement(
        case=case,
        place=place,
        referral=referral,
        plan=plan,
        state=PlacementState.PROPOSED,
        occupant=occupant,
        person_agreed_on=person_agreed_on,
        proposed_at=timezone.now(),
        proposed_by=actor,
    )
    placement.full_clean(exclude=["case", "place", "referral", "plan", "proposed_by"])
    placement.save()
    detail = {"state": "proposed"} if plan is None else {"state": "proposed", "plan": str(plan.pk)}
    _audit(actor=actor, placement=placement, action=Action.CREATE, detail=detail)
    return placement


# --- moving a placement ---------------------------------------------------------------------


def _for_update(placement_id: object) -> Placement:
    parsed = ids.parse_uuid(placement_id)
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("case", "place", "referral")
        .filter(pk=parsed)
        .first()
        if parsed
        else None
    )
    if placement is None:
        raise PlacementNotFound(_("No placement with this reference is available to you."))
    return placement


def _placement_for(actor: User, placement_id: object, action: str) -> Placement:
    """The placement, locked, if this actor may make this move on it; a placement the
    actor's organisation has nothing to do with is the 404 of a missing one."""
    placement = _for_update(placement_id)
    lead_id = placement_selectors.lead_of(placement.case_id)
    shelter = placement_selectors.may_answer(actor, placement.place.organisation_id)
    lead = placement_selectors.may_place(actor, lead_id)
    if not (shelter or lead):
        raise PlacementNotFound(_("No placement with this reference is available to you."))
    if action not in placement_selectors.actions_for(
        placement=placement, lead_id=lead_id, user=actor
    ):
        placement_next(placement.state, action)  # a move the table refuses: a conflict
        raise NotAllowed(
            _("Your organisation cannot do this on this placement."),
            code=ErrorCode.NOT_PLACE_STAFF if lead else ErrorCode.NOT_CASE_LEAD,
        )
    return placement


def _move(
    *, actor: User, placement: Placement, action: str, fields: dict[str, object]
) -> Placement:
    placement.state = placement_next(placement.state, action)
    placement.version += 1  # transitions run under the row lock: a plain bump
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.save(update_fields=["state", *fields, "version"])
    _audit(
        actor=actor,
        placement=placement,
        action=Action.TRANSITION,
        detail={"action": action, "state": placement.state},
    )
    return placement


def placement_follow_answer(event: referral_hooks.ReferralAnswered) -> None:
    """The shelter answered the placement's referral (from any page): the placement
    follows, accepted or declined, in the same transaction."""
    placement = Placement.objects.select_for_update(of=("self",)).filter(referral=event.referral)
    found = placement.select_related("case").first()
    if found is None:
        return
    action = A.ACCEPT if event.accepted else A.DECLINE
    _move(actor=event.by, placement=found, action=action, fields={"answered_at": timezone.now()})


def placement_follow_withdrawal(event: referral_hooks.ReferralWithdrawn) -> None:
    """The case lead withdrew the placement's referral (from any page): the
    placement is withdrawn with it."""
    found = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(referral=event.referral)
        .first()
    )
    if found is None:
        return
    _move(actor=event.by, placement=found, action=A.WITHDRAW, fields={})


@transaction.atomic
def placement_accept(*, actor: User, placement_id: object) -> Placement:
    """The shelter takes the person in: through its referral (it joins the case
    team for the consented field groups), or directly when already on the team."""
    placement = _placement_for(actor, placement_id, A.ACCEPT)
    if placement.referral is not None:
        referral_services.referral_accept(actor=actor, referral_id=placement.referral_id)
        placement.refresh_from_db()
        return placement
    return _move(
        actor=actor, placement=placement, action=A.ACCEPT, fields={"answered_at": timezone.now()}
    )


@transaction.atomic
def placement_decline(
    *, actor: User, placement_id: object, reason: str, note: str = ""
) -> Placement:
    """The shelter declines with a reason (the referral's reasons; "other" needs a note)."""
    placement = _placement_for(actor, placement_id, A.DECLINE)
    if placement.referral is not None:
        referral_services.referral_decline(
            actor=actor, referral_id=placement.referral_id, reason=reason, note=note
        )
        placement.refresh_from_db()
        return placement
    return _move(
        actor=actor, placement=placement, action=A.DECLINE, fields={"answered_at": timezone.now()}
    )


def _bed_checked(placement: Placement, bed_id: object) -> Bed:
    """A bed of the place, existing and in service now, that nobody lives in."""
    now = timezone.now()
    bed = (
        Bed.objects.select_for_update()
        .filter(pk=bed_id if isinstance(bed_id, int) else _int(bed_id))
        .filter(room__place_id=placement.place_id, created_at__lte=now)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=now))
        .exclude(pk__in=availability.out_of_service(now).values("bed_id"))
        .exclude(placements__state=PlacementState.STARTED)
        .first()
    )
    if bed is None:
        raise InvalidInput(
            _("Choose a free bed of this place that is in service."),
            code=ErrorCode.BED_NOT_AVAILABLE,
            field="bed",
        )
    return bed


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@transaction.atomic
def placement_start(
    *, actor: User, placement_id: object, bed_id: object, started_on: date | None
) -> Placement:
    """The person moved in (the place's staff): into a free bed of the place that
    is in service; not on a day in the future or before the proposal."""
    placement = _placement_for(actor, placement_id, A.START)
    day = day_checked(
        started_on, field="started_on", not_before=timezone.localdate(placement.proposed_at)
    )
    bed = _bed_checked(placement, bed_id)
    return _move(
        actor=actor,
        placement=placement,
        action=A.START,
        fields={"bed": bed, "started_at": _moment(day)},
    )


@transaction.atomic
def placement_end(
    *, actor: User, placement_id: object, reason: str, ended_on: date | None
) -> Placement:
    """The stay ended (the place's staff or the case lead's), with a reason; not on
    a day in the future or before the move. Access does not change."""
    placement = _placement_for(actor, placement_id, A.END)
    if reason not in EndReason.values:
        raise InvalidInput(
            _("Choose a reason from the list."), code=ErrorCode.REQUIRED, field="reason"
        )
    assert placement.started_at is not None  # noqa: S101 - a started placement has its day
    day = day_checked(
        ended_on, field="ended_on", not_before=timezone.localdate(placement.started_at)
    )
    return _move(
        actor=actor,
        placement=placement,
        action=A.END,
        fields={"end_reason": reason, "ended_at": _moment(day)},
    )


@transaction.atomic
def placement_withdraw(*, actor: User, placement_id: object, note: str = "") -> Placement:
    """The case lead withdraws a placement before the person moved in; a referral
    still waiting for the shelter's answer is withdrawn with it."""
    placement = _placement_for(actor, placement_id, A.WITHDRAW)
    referral = placement.referral
    if referral is not None and referral.state in OPEN_REFERRAL_STATES:
        referral_services.referral_withdraw(actor=actor, referral_id=referral.pk, note=note)
        placement.refresh_from_db()
        return placement
    return _move(actor=actor, placement=placement, action=A.WITHDRAW, fields={})
