"""The lifecycle of one placement (issue 16): the proposal re-checks every hard
rule at write time, goes as an ``accommodation`` referral, and follows the
shelter's answer from any page; the shelter starts it in a free bed, the shelter
or the case lead ends it. ``PlacementSetup``, ``placement_setup`` and ``place``
are shared with the other placement tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.access.models import FieldGroup, TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.assistance import catalogue
from haven.assistance.services import assessments as assessment_services
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.tests.factories import open_case, share_by_law
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals import hooks as referral_hooks
from haven.referrals.models import ReferralState
from haven.referrals.services import referrals as referral_services
from haven.shelters import rules
from haven.shelters.errors import ErrorCode
from haven.shelters.models import (
    Bed,
    BedOutage,
    Occupant,
    OutageReason,
    Place,
    Placement,
    PlacementState,
    Room,
)
from haven.shelters.selectors import availability
from haven.shelters.selectors.search import SearchInput
from haven.shelters.services import placements as services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
ALL = [str(a) for a in rules.Accepts]


def place(
    organisation: Organisation,
    *,
    beds: int = 2,
    accepts: list[str] | None = None,
    name: str = "Harbour House",
    region: str = "Uusimaa",
    security_level: int = 2,
    active: bool = True,
    **extra: Any,
) -> Place:
    """A place with one room of ``beds`` beds (test set-up, written directly)."""
    now = timezone.now() - timedelta(days=30)
    values: dict[str, Any] = {
        "languages": ["fi", "en"],
        "address": "Secret street 1",
        "latitude": 60.17,
        "longitude": 24.94,
        **extra,
    }
    created = Place.objects.create(
        organisation=organisation,
        name=name,
        region=region,
        accepts=accepts if accepts is not None else ALL,
        security_level=security_level,
        active=active,
        created_at=now,
        updated_at=now,
        **values,
    )
    room = Room.objects.create(place=created, name="A")
    for n in range(beds):
        Bed.objects.create(room=room, label=f"{n + 1}", created_at=now)
    return created


@dataclass
class PlacementSetup:
    case: Case
    lead: User  # caseworker of the case lead (an NGO)
    shelter: Organisation
    staff: User  # caseworker of the shelter
    place: Place
    other: User  # caseworker of an unrelated shelter


def placement_setup(*, share: bool = True, **person: Any) -> PlacementSetup:
    """An NGO-led case of an adult woman; a shelter (place of two beds taking
    everyone) covered by a legal-basis agreement when ``share``."""
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    values: dict[str, Any] = {"sex": "female", "gender_identity": "woman", "languages": ["ru"]}
    values.update(person)
    case = open_case(actor=lead, **values)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, name="Shelter Org")
    staff = UserFactory.create(organisation=shelter, role=Role.CASEWORKER)
    if share:
        share_by_law(case=case, organisation=shelter)
    other = make_user(org_type=OrgType.SHELTER)
    return PlacementSetup(case, lead, shelter, staff, place(shelter), other)


def propose(s: PlacementSetup, **overrides: Any) -> Placement:
    values: dict[str, Any] = {
        "actor": s.lead,
        "case_id": s.case.id,
        "place_id": s.place.pk,
        "person_agreed_on": TODAY(),
        "message": "She needs a safe bed tonight.",
    }
    values.update(overrides)
    return services.placement_propose(**values)


def started(s: PlacementSetup) -> Placement:
    placement = propose(s)
    services.placement_accept(actor=s.staff, placement_id=placement.pk)
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None
    return services.placement_start(
        actor=s.staff, placement_id=placement.pk, bed_id=bed.pk, started_on=TODAY()
    )


# --- proposing ------------------------------------------------------------------------------


def test_it_proposes_a_placement_as_an_accommodation_referral_holding_a_bed() -> None:
    # given
    s = placement_setup()

    # when
    placement = propose(s)

    # then
    assert placement.state == PlacementState.PROPOSED
    assert placement.occupant == Occupant.ADULT
    referral = placement.referral
    assert referral is not None
    assert referral.referral_type == "accommodation"
    assert referral.to_organisation_id == s.shelter.pk
    assert sorted(referral.field_groups) == sorted(services.DEFAULT_FIELD_GROUPS)
    assert availability.free_beds([s.place.pk]) == {s.place.pk: 1}
    assert AuditEvent.objects.filter(
        object_type="shelters.Placement", action="create", object_id=str(placement.pk)
    ).exists()
    assert not TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_r10_a_presumed_child_is_proposed_as_an_unaccompanied_child() -> None:
    # given: an uncertain age reaching below 18 (presumed child, R-10)
    s = placement_setup(age_status="uncertain", estimated_age_min=15, estimated_age_max=19)
    assert s.case.person.treat_as_child

    # when
    placement = propose(s)

    # then
    assert placement.occupant == Occupant.UNACCOMPANIED_CHILD


def test_it_uses_only_the_field_groups_that_flow_and_refuses_others() -> None:
    # given: the agreement lets identity only flow to the shelter
    s = placement_setup(share=False)
    share_by_law(case=s.case, organisation=s.shelter, groups=[FieldGroup.IDENTITY])

    # when / then: the default groups include some that do not flow
    with pytest.raises(InvalidInput) as refused:
        propose(s)
    assert refused.value.field == "field_groups"
    assert not Placement.objects.exists()
    placement = propose(s, field_groups=[FieldGroup.IDENTITY])
    assert placement.referral is not None
    assert placement.referral.field_groups == [FieldGroup.IDENTITY]


@pytest.mark.parametrize(
    ("ahead", "code"),
    [(None, ErrorCode.REQUIRED), (1, ErrorCode.DATE_OUT_OF_RANGE)],
)
def test_it_refuses_a_proposal_without_the_persons_agreement_or_dated_ahead(
    ahead: int | None, code: str
) -> None:
    # given
    s = placement_setup()
    agreed = None if ahead is None else TODAY() + timedelta(days=ahead)

    # when
    with pytest.raises(InvalidInput) as refused:
        propose(s, person_agreed_on=agreed)

    # then
    assert (refused.value.field, refused.value.code) == ("person_agreed_on", code)
    assert not Placement.objects.exists()


def test_it_refuses_an_inactive_place_a_place_abroad_and_a_malformed_id() -> None:
    # given
    s = placement_setup()
    closed = place(s.shelter, active=False, name="Closed")
    abroad = place(OrganisationFactory.create(org_type=OrgType.SHELTER, country="EE"))

    # when / then
    for place_id in (closed.pk, abroad.pk, "nonsense"):
        with pytest.raises(InvalidInput) as refused:
            propose(s, place_id=place_id)
        assert (refused.value.field, refused.value.code) == ("place", ErrorCode.INVALID)
    assert not Placement.objects.exists()


def test_a_proposal_reads_the_one_place_asked_for_not_the_country() -> None:
    # given: the place asked for among ten others of the country, and a second case
    s = placement_setup()
    for i in range(10):
        place(s.shelter, name=f"Other {i}")
    again = open_case(actor=s.lead, sex="female", gender_identity="woman")
    share_by_law(case=again, organisation=s.shelter)
    with CaptureQueriesContext(connection) as first:
        propose(s)
    for i in range(10):
        place(s.shelter, name=f"More {i}")
    # when
    with CaptureQueriesContext(connection) as second:
        propose(s, case_id=again.id)
    # then: every read of places is of the one place, and ten more places cost nothing
    reads = [q["sql"] for q in second.captured_queries if 'FROM "shelters_place"' in q["sql"]]
    assert reads and all('"shelters_place"."id" =' in sql for sql in reads)
    assert len(first.captured_queries) == len(second.captured_queries)


def _hosting(s: PlacementSetup, target: Place, occupant: str) -> None:
    """Someone already held a bed at ``target`` (written directly: another case)."""
    other_case = open_case(actor=s.lead)
    Placement.objects.create(
        case=other_case,
        place=target,
        state=PlacementState.STARTED,
        occupant=occupant,
        person_agreed_on=TODAY(),
        proposed_at=timezone.now(),
        proposed_by=s.lead,
    )


@pytest.mark.parametrize(
    ("person", "place_values", "inputs", "hosting", "reason"),
    [
        ({}, {"accepts": ["men", "families"]}, {}, None, rules.Exclusion.NOT_THIS_GENDER),
        (
            {"age_status": "verified_child"},
            {"accepts": ["women", "men"]},
            {},
            None,
            rules.Exclusion.NO_CHILDREN,
        ),
        ({}, {"security_level": 1}, {"risk_level": 2}, None, rules.Exclusion.SECURITY_TOO_LOW),
        (
            {"age_status": "uncertain_presumed_child"},
            {},
            {},
            Occupant.ADULT,
            rules.Exclusion.ADULTS_THERE,
        ),
        ({}, {}, {}, Occupant.UNACCOMPANIED_CHILD, rules.Exclusion.CHILD_THERE),
        (
            {},
            {},
            {"needs_wheelchair_access": True},
            None,
            rules.Exclusion.NO_WHEELCHAIR_ACCESS,
        ),
        (
            {},
            {},
            {"needs_disability_access": True},
            None,
            rules.Exclusion.NO_DISABILITY_ACCESS,
        ),
        ({}, {"beds": 0}, {}, None, rules.Exclusion.TOO_FEW_BEDS),
    ],
)
def test_hard_rules_are_checked_again_when_a_placement_is_proposed(
    person: dict[str, Any],
    place_values: dict[str, Any],
    inputs: dict[str, Any],
    hosting: str | None,
    reason: rules.Exclusion,
) -> None:
    """A forged proposal to an excluded place is refused with the rule's reason
    (one per hard rule of a single person; families are placed by group plans)."""
    # given
    s = placement_setup(**person)
    values = {"beds": 3, **place_values}
    target = place(s.shelter, name="Excluded", **values)
    if hosting:
        _hosting(s, target, hosting)

    # when
    with pytest.raises(InvalidInput) as refused:
        propose(s, place_id=target.pk, inputs=SearchInput(**inputs))

    # then
    assert (refused.value.field, refused.value.code) == ("place", ErrorCode.PLACE_EXCLUDED)
    assert str(rules.EXCLUSION_TEXT[reason]) in refused.value.message
    assert not Placement.objects.filter(case=s.case).exists()


def test_a_recorded_high_risk_excludes_a_place_of_lower_security() -> None:
    # given: the latest risk assessment says high; the place is of level 2
    s = placement_setup()
    sections = {
        sec.key: ("high" if sec.key == "safety" else "low", "Noted.")
        for sec in catalogue.sections_for("risk", child=False)
    }
    assessment_services.assessment_record(
        actor=s.lead,
        case_id=s.case.id,
        kind="risk",
        assessed_on=TODAY(),
        sections=sections,
        person_view="She is afraid to be found.",
        based_on_version=0,
    )

    # when / then: the caseworker cannot lower it by asking for level 1
    with pytest.raises(InvalidInput) as refused:
        propose(s, inputs=SearchInput(risk_level=1))
    assert refused.value.code == ErrorCode.PLACE_EXCLUDED


def test_only_the_case_leads_staff_propose() -> None:
    # given: a team member (the shelter, on the team) and an outsider
    s = placement_setup()
    TeamMembership.objects.create(
        case=s.case, organisation=s.shelter, is_lead=False, joined_at=timezone.now()
    )

    # when / then
    with pytest.raises(NotAllowed) as refused:
        propose(s, actor=s.staff)
    assert refused.value.code == ErrorCode.NOT_CASE_LEAD
    with pytest.raises(NotFound):
        propose(s, actor=s.other)
    assert propose(s).state == PlacementState.PROPOSED


def test_it_refuses_an_unknown_region_naming_the_field() -> None:
    s = placement_setup()
    with pytest.raises(InvalidInput) as refused:
        propose(s, inputs=SearchInput(danger_region="Atlantis"))
    assert refused.value.field == "danger_region"
    with pytest.raises(InvalidInput) as refused:
        propose(s, inputs=SearchInput(risk_level=4))
    assert refused.value.field == "risk_level"


# --- answering ------------------------------------------------------------------------------


def test_the_shelter_accepts_through_the_referral_and_joins_the_team() -> None:
    # given
    s = placement_setup()
    placement = propose(s)

    # when
    accepted = services.placement_accept(actor=s.staff, placement_id=placement.pk)

    # then
    assert accepted.state == PlacementState.ACCEPTED
    assert accepted.answered_at is not None
    assert placement.referral is not None
    placement.referral.refresh_from_db()
    assert placement.referral.state == ReferralState.ACCEPTED
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_a_shelter_answering_from_the_generic_referral_page_moves_the_placement() -> None:
    # given: two proposals to two shelters
    s = placement_setup()
    first = propose(s)
    second_org = OrganisationFactory.create(org_type=OrgType.SHELTER)
    second_staff = UserFactory.create(organisation=second_org, role=Role.CASEWORKER)
    share_by_law(case=s.case, organisation=second_org)
    second = propose(s, place_id=place(second_org, name="Second").pk)
    assert first.referral is not None and second.referral is not None

    # when: each shelter answers the referral itself
    referral_services.referral_accept(actor=s.staff, referral_id=first.referral.pk)
    referral_services.referral_decline(
        actor=second_staff, referral_id=second.referral.pk, reason="no_capacity"
    )

    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (PlacementState.ACCEPTED, PlacementState.DECLINED)


def test_a_referral_withdrawn_from_the_generic_page_withdraws_the_placement() -> None:
    s = placement_setup()
    placement = propose(s)
    assert placement.referral is not None
    referral_services.referral_withdraw(actor=s.lead, referral_id=placement.referral.pk)
    placement.refresh_from_db()
    assert placement.state == PlacementState.WITHDRAWN
    assert availability.free_beds([s.place.pk]) == {s.place.pk: 2}


def test_the_shelter_declines_with_a_reason() -> None:
    s = placement_setup()
    placement = propose(s)
    with pytest.raises(InvalidInput):
        services.placement_decline(actor=s.staff, placement_id=placement.pk, reason="nonsense")
    declined = services.placement_decline(
        actor=s.staff, placement_id=placement.pk, reason="no_capacity"
    )
    assert declined.state == PlacementState.DECLINED
    assert not TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_a_shelter_already_on_the_team_is_asked_without_a_new_referral() -> None:
    # given: an earlier placement there ended; the shelter stayed on the team
    s = placement_setup()
    first = started(s)
    services.placement_end(
        actor=s.staff, placement_id=first.pk, reason="transferred", ended_on=TODAY()
    )
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()

    # when
    again = propose(s)
    declined_again = propose(s)

    # then: answered here alone
    assert again.referral is None
    assert services.placement_accept(actor=s.staff, placement_id=again.pk).state == "accepted"
    declined = services.placement_decline(
        actor=s.staff, placement_id=declined_again.pk, reason="no_capacity"
    )
    assert declined.state == PlacementState.DECLINED


def test_only_the_places_staff_answer() -> None:
    # given
    s = placement_setup()
    placement = propose(s)

    # when / then: the case lead may not accept; an outsider does not see it
    with pytest.raises(NotAllowed) as refused:
        services.placement_accept(actor=s.lead, placement_id=placement.pk)
    assert refused.value.code == ErrorCode.NOT_PLACE_STAFF
    with pytest.raises(NotFound):
        services.placement_accept(actor=s.other, placement_id=placement.pk)
    with pytest.raises(NotFound):
        services.placement_accept(actor=s.staff, placement_id="nonsense")
    assert services.placement_accept(actor=s.staff, placement_id=placement.pk).state == "accepted"


# --- starting and ending --------------------------------------------------------------------


def test_the_shelter_starts_the_placement_in_a_free_bed_in_service() -> None:
    # given
    s = placement_setup()
    placement = propose(s)
    services.placement_accept(actor=s.staff, placement_id=placement.pk)
    first, second = list(Bed.objects.filter(room__place=s.place))
    BedOutage.objects.create(
        bed=second, starts_at=timezone.now(), reason=OutageReason.REPAIR, recorded_by=s.staff
    )
    foreign = Bed.objects.filter(room__place=place(s.shelter, name="Other")).first()
    assert foreign is not None

    # when / then: out of service, another place's, or nonsense: refused
    for bed_id in (second.pk, foreign.pk, "x"):
        with pytest.raises(InvalidInput) as refused:
            services.placement_start(
                actor=s.staff, placement_id=placement.pk, bed_id=bed_id, started_on=TODAY()
            )
        assert refused.value.code == ErrorCode.BED_NOT_AVAILABLE
    moved_in = services.placement_start(
        actor=s.staff, placement_id=placement.pk, bed_id=str(first.pk), started_on=TODAY()
    )
    assert (moved_in.state, moved_in.bed_id) == (PlacementState.STARTED, first.pk)


def test_a_bed_someone_lives_in_is_refused() -> None:
    # given: one started placement in the first bed; a second accepted
    s = placement_setup()
    first = started(s)
    second = propose(s)
    services.placement_accept(actor=s.staff, placement_id=second.pk)

    # when / then
    with pytest.raises(InvalidInput):
        services.placement_start(
            actor=s.staff, placement_id=second.pk, bed_id=first.bed_id, started_on=TODAY()
        )


def test_start_dates_are_neither_in_the_future_nor_before_the_proposal() -> None:
    s = placement_setup()
    placement = propose(s)
    services.placement_accept(actor=s.staff, placement_id=placement.pk)
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None
    for day in (TODAY() + timedelta(days=1), TODAY() - timedelta(days=1), None):
        with pytest.raises(InvalidInput) as refused:
            services.placement_start(
                actor=s.staff, placement_id=placement.pk, bed_id=bed.pk, started_on=day
            )
        assert refused.value.field == "started_on"


def test_the_shelter_or_the_case_lead_ends_with_a_reason_and_a_valid_date() -> None:
    # given
    s = placement_setup()
    placement = started(s)

    # when / then
    with pytest.raises(InvalidInput) as refused:
        services.placement_end(actor=s.lead, placement_id=placement.pk, reason="", ended_on=TODAY())
    assert refused.value.field == "reason"
    for day in (TODAY() + timedelta(days=1), TODAY() - timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            services.placement_end(
                actor=s.lead, placement_id=placement.pk, reason="moved_on", ended_on=day
            )
        assert refused.value.field == "ended_on"
    with pytest.raises(NotFound):
        services.placement_end(
            actor=s.other, placement_id=placement.pk, reason="moved_on", ended_on=TODAY()
        )
    ended = services.placement_end(
        actor=s.lead, placement_id=placement.pk, reason="moved_on", ended_on=TODAY()
    )
    assert (ended.state, ended.end_reason) == (PlacementState.ENDED, "moved_on")
    # access does not change when a placement ends
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()
    assert availability.free_beds([s.place.pk]) == {s.place.pk: 2}


def test_a_start_on_an_earlier_day_is_kept_as_that_day() -> None:
    s = placement_setup()
    placement = propose(s)
    Placement.objects.filter(pk=placement.pk).update(proposed_at=timezone.now() - timedelta(days=3))
    services.placement_accept(actor=s.staff, placement_id=placement.pk)
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None
    day = TODAY() - timedelta(days=2)
    moved_in = services.placement_start(
        actor=s.staff, placement_id=placement.pk, bed_id=bed.pk, started_on=day
    )
    assert moved_in.started_at is not None
    assert timezone.localdate(moved_in.started_at) == day


# --- withdrawing and the state table --------------------------------------------------------


def test_the_case_lead_withdraws_a_proposal_and_its_waiting_referral() -> None:
    s = placement_setup()
    placement = propose(s)
    with pytest.raises(NotAllowed):
        services.placement_withdraw(actor=s.staff, placement_id=placement.pk)
    withdrawn = services.placement_withdraw(actor=s.lead, placement_id=placement.pk)
    assert withdrawn.state == PlacementState.WITHDRAWN
    assert placement.referral is not None
    placement.referral.refresh_from_db()
    assert placement.referral.state == ReferralState.WITHDRAWN


def test_the_case_lead_withdraws_an_accepted_placement_before_the_move() -> None:
    s = placement_setup()
    placement = propose(s)
    services.placement_accept(actor=s.staff, placement_id=placement.pk)
    withdrawn = services.placement_withdraw(actor=s.lead, placement_id=placement.pk)
    assert withdrawn.state == PlacementState.WITHDRAWN
    assert placement.referral is not None
    placement.referral.refresh_from_db()
    assert placement.referral.state == ReferralState.ACCEPTED  # the answer stays


def test_moves_the_state_table_does_not_allow_are_conflicts() -> None:
    # given: a proposed and an ended placement
    s = placement_setup()
    ended = started(s)
    services.placement_end(actor=s.staff, placement_id=ended.pk, reason="left", ended_on=TODAY())
    proposed = propose(s)
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None

    # when / then
    refused: list[Callable[[], object]] = [
        lambda: services.placement_start(
            actor=s.staff, placement_id=proposed.pk, bed_id=bed.pk, started_on=TODAY()
        ),
        lambda: services.placement_end(
            actor=s.lead, placement_id=proposed.pk, reason="left", ended_on=TODAY()
        ),
        lambda: services.placement_accept(actor=s.staff, placement_id=ended.pk),
        lambda: services.placement_decline(
            actor=s.staff, placement_id=ended.pk, reason="no_capacity"
        ),
        lambda: services.placement_withdraw(actor=s.lead, placement_id=ended.pk),
    ]
    for move in refused:
        with pytest.raises(Conflict) as conflict:
            move()
        assert conflict.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_the_referral_hooks_list_the_shelters_handlers() -> None:
    listed = referral_hooks.handlers()
    assert listed == {
        "referral_answered": ["haven.shelters.services.placements.placement_follow_answer"],
        "referral_withdrawn": ["haven.shelters.services.placements.placement_follow_withdrawal"],
    }


def test_a_referral_without_a_placement_moves_nothing() -> None:
    # given: an ordinary referral
    s = placement_setup()
    referral = referral_services.referral_send(
        actor=s.lead,
        case_id=s.case.id,
        to_organisation_id=s.shelter.pk,
        referral_type="health",
        purpose="assistance",
        field_groups=[FieldGroup.IDENTITY],
        message="Please see her.",
    )
    # when / then
    referral_services.referral_withdraw(actor=s.lead, referral_id=referral.pk)
    assert not Placement.objects.exists()
