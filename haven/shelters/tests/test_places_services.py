"""Writes to places, rooms, beds and beds out of service: only the place's own staff,
values checked field by field, optimistic locking, every write audited without the
address, coordinates or any person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.lib.errors import EditConflict, HavenError
from haven.shelters import policy
from haven.shelters.errors import ErrorCode
from haven.shelters.models import Bed, BedOutage, OutageReason, Place, PlacementState
from haven.shelters.services import places as services
from haven.shelters.tests.places_factories import (
    ADDRESS,
    a_case,
    coordinator,
    make_place,
    place_input,
    placement,
    shelter_org,
    staff,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def events_of(place: Place) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(place.pk)).order_by("id"))


# --- policy ---------------------------------------------------------------------------------


def test_policy_the_place_staff_manage_it_and_nobody_else() -> None:
    # given
    org = shelter_org()
    place = make_place(staff(org))
    other_shelter = staff(shelter_org())
    police = make_user(org_type=OrgType.POLICE)
    # when / then
    for role in (Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN):
        assert policy.may_manage_place(staff(org, role), place), role
    assert not policy.may_manage_place(staff(org, Role.RAPPORTEUR), place)
    assert not policy.may_manage_place(other_shelter, place)
    assert not policy.may_manage_place(police, place)
    assert not policy.may_manage_place(coordinator(), place)
    inactive = staff(org)
    inactive.is_active = False
    assert not policy.may_manage_place(inactive, place)
    assert not policy.rule_manage_place(
        staff(org), organisation_id=org.pk, country="EE"
    ).allowed  # same organisation, another country: no


def test_policy_only_the_place_staff_read_its_location() -> None:
    # given
    org = shelter_org()
    own = staff(org, Role.ORG_ADMIN)
    # when / then
    assert policy.rule_place_location(own, organisation_id=org.pk, country="FI").allowed
    for user in (coordinator(), staff(shelter_org()), make_user(org_type=OrgType.POLICE)):
        decision = policy.rule_place_location(user, organisation_id=org.pk, country="FI")
        assert decision.code == "not_location_reader"


def test_policy_capacity_for_the_coordinator_and_providers_only() -> None:
    # given
    shelter = staff(shelter_org())
    social = make_user(org_type=OrgType.SOCIAL_SERVICES)
    # when / then
    assert policy.rule_capacity(coordinator()).code == "capacity_country"
    assert policy.rule_capacity(shelter).code == "capacity_own"
    assert policy.may_read_capacity(social)
    for user in (
        make_user(org_type=OrgType.POLICE),
        make_user(org_type=OrgType.NGO),
        make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.ORG_ADMIN),
        make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR),
    ):
        assert not policy.may_read_capacity(user), user.organisation
    assert policy.may_keep_places(shelter)
    assert not policy.may_keep_places(coordinator())


# --- places ---------------------------------------------------------------------------------


def test_a_place_is_created_for_the_staff_organisation_and_audited_without_location() -> None:
    # given
    org = shelter_org()
    user = staff(org)
    # when
    place = services.place_create(
        actor=user,
        data=place_input(accepts=["families", "women", "women"], languages=["ru", "fi", "ru"]),
    )
    # then
    assert place.organisation == org
    assert place.accepts == ["women", "families"]
    assert place.languages == ["fi", "ru"]
    assert place.active and place.version == 1
    (event,) = events_of(place)
    assert event.object_type == "shelters.Place"
    assert ADDRESS not in json.dumps(event.detail) and "60.17" not in json.dumps(event.detail)


def test_a_place_is_not_created_by_someone_who_runs_no_places() -> None:
    # given
    police = make_user(org_type=OrgType.POLICE)
    # when
    with pytest.raises(HavenError) as refused:
        services.place_create(actor=police, data=place_input())
    # then
    assert refused.value.code == ErrorCode.PLACE_NOT_ALLOWED
    assert not Place.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"address": "x" * 301}, "address"),
        ({"kind": "castle"}, "kind"),
        ({"region": "Atlantis"}, "region"),
        ({"accepts": ["women", "cats"]}, "accepts"),
        ({"security_level": 4}, "security_level"),
        ({"security_level": 0}, "security_level"),
        ({"languages": ["fin"]}, "languages"),
        ({"languages": ["EN"]}, "languages"),
        ({"latitude": None}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"latitude": 91.0}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
    ],
)
def test_a_place_with_an_invalid_value_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    # given
    user = staff(shelter_org())
    # when
    with pytest.raises(HavenError) as refused:
        services.place_create(actor=user, data=place_input(**changes))
    # then
    assert (refused.value.code, refused.value.field) == (ErrorCode.PLACE_INVALID, field)
    assert ADDRESS not in refused.value.message


def test_a_place_without_coordinates_is_fine() -> None:
    user = staff(shelter_org())
    place = services.place_create(
        actor=user, data=place_input(latitude=None, longitude=None, address="")
    )
    assert (place.latitude, place.longitude) == (None, None)


def test_a_place_is_changed_on_the_version_read_and_a_stale_edit_is_refused() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    # when
    changed = services.place_update(
        actor=user,
        place_id=place.pk,
        data=place_input(name="Harbour House II", address="Toinen katu 2"),
        version=1,
    )
    # then
    assert (changed.name, changed.version) == ("Harbour House II", 2)
    assert events_of(place)[-1].detail == {"changed": ["address", "name"]}
    with pytest.raises(EditConflict):
        services.place_update(actor=user, place_id=place.pk, data=place_input(), version=1)
    place.refresh_from_db()
    assert place.name == "Harbour House II"


def test_another_organisation_cannot_change_a_place_and_learns_nothing_of_it() -> None:
    # given
    place = make_place(staff(shelter_org()))
    other = staff(shelter_org())
    # when / then: the same answer as for a place that does not exist
    for place_id in (place.pk, "not-a-uuid"):
        with pytest.raises(HavenError) as refused:
            services.place_update(actor=other, place_id=place_id, data=place_input(), version=1)
        assert refused.value.code == ErrorCode.PLACE_NOT_FOUND


# --- rooms and beds -------------------------------------------------------------------------


def test_rooms_and_beds_are_added_with_numbers_that_fill_the_gaps() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user)
    room = services.room_add(actor=user, place_id=place.pk, name=" Room A ")
    first = services.beds_add(actor=user, room_id=room.pk, count=3)
    services.bed_retire(actor=user, bed_id=first[1].pk)
    # when
    more = services.beds_add(actor=user, room_id=room.pk, count=2)
    # then
    assert room.name == "Room A"
    assert [b.label for b in first] == ["1", "2", "3"]
    assert [b.label for b in more] == ["4", "5"]
    assert len(events_of(place)) == 5


def test_a_room_name_is_required_and_unique_within_the_place() -> None:
    user = staff(shelter_org())
    place = make_place(user)
    services.room_add(actor=user, place_id=place.pk, name="A")
    for name in ("A", " ", "x" * 101):
        with pytest.raises(HavenError) as refused:
            services.room_add(actor=user, place_id=place.pk, name=name)
        assert (refused.value.code, refused.value.field) == (ErrorCode.PLACE_INVALID, "name")


def test_beds_are_added_between_one_and_fifty_at_once_and_only_to_a_known_room() -> None:
    user = staff(shelter_org())
    room = services.room_add(actor=user, place_id=make_place(user).pk, name="A")
    for count in (0, 51):
        with pytest.raises(HavenError) as refused:
            services.beds_add(actor=user, room_id=room.pk, count=count)
        assert refused.value.field == "count"
    for room_id in ("x", 999999):
        with pytest.raises(HavenError) as missing:
            services.beds_add(actor=user, room_id=room_id, count=1)
        assert missing.value.code == ErrorCode.PLACE_NOT_FOUND
    other = staff(shelter_org())
    with pytest.raises(HavenError) as refused_other:
        services.beds_add(actor=other, room_id=room.pk, count=1)
    assert refused_other.value.code == ErrorCode.PLACE_NOT_FOUND


def test_a_retired_bed_stays_on_record_and_retiring_twice_changes_nothing() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user, beds=1)
    bed = Bed.objects.get(room__place=place)
    # when
    with time_machine.travel(NOW, tick=False):
        services.bed_retire(actor=user, bed_id=bed.pk)
    services.bed_retire(actor=user, bed_id=bed.pk)
    # then
    bed.refresh_from_db()
    assert bed.retired_at == NOW
    assert len(events_of(place)) == 4  # create, room, beds, retired once
    for bed_id in ("x", 999999):
        with pytest.raises(HavenError) as missing:
            services.bed_retire(actor=user, bed_id=bed_id)
        assert missing.value.code == ErrorCode.BED_NOT_FOUND


# --- out of service -------------------------------------------------------------------------


def test_a_bed_goes_out_of_service_from_now_or_a_given_start_within_30_days_back() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user, beds=3)
    a, b, c = Bed.objects.filter(room__place=place).order_by("label")
    # when
    with time_machine.travel(NOW, tick=False):
        now = services.bed_out_of_service(actor=user, bed_id=a.pk, reason=OutageReason.REPAIR)
        back = services.bed_out_of_service(
            actor=user,
            bed_id=b.pk,
            reason=OutageReason.STAFFING,
            starts_at=NOW - 30 * DAY,
            ends_at=NOW - DAY,
        )
        ahead = services.bed_out_of_service(
            actor=user, bed_id=c.pk, reason=OutageReason.SAFETY, starts_at=NOW + 3 * DAY
        )
    # then
    assert (now.starts_at, now.ends_at, now.recorded_by) == (NOW, None, user)
    assert back.starts_at == NOW - 30 * DAY
    assert ahead.starts_at == NOW + 3 * DAY
    assert events_of(place)[-1].detail == {"bed_out_of_service": c.pk, "reason": "safety"}


@pytest.mark.parametrize(
    ("starts", "ends", "reason", "field"),
    [
        (-31, None, OutageReason.REPAIR, "starts_at"),
        (0, 0, OutageReason.REPAIR, "ends_at"),
        (1, 0, OutageReason.REPAIR, "ends_at"),
        (0, None, "holiday", "reason"),
    ],
)
def test_an_outage_out_of_range_or_ending_before_it_starts_is_refused(
    starts: int, ends: int | None, reason: str, field: str
) -> None:
    user = staff(shelter_org())
    bed = Bed.objects.get(room__place=make_place(user, beds=1))
    with time_machine.travel(NOW, tick=False), pytest.raises(HavenError) as refused:
        services.bed_out_of_service(
            actor=user,
            bed_id=bed.pk,
            reason=reason,
            starts_at=NOW + starts * DAY,
            ends_at=None if ends is None else NOW + ends * DAY,
        )
    assert (refused.value.code, refused.value.field) == (ErrorCode.OUTAGE_INVALID, field)
    assert not BedOutage.objects.exists()


def test_outages_of_one_bed_do_not_overlap_and_a_retired_bed_has_none() -> None:
    user = staff(shelter_org())
    first, second = Bed.objects.filter(room__place=make_place(user, beds=2))
    with time_machine.travel(NOW, tick=False):
        services.bed_out_of_service(
            actor=user, bed_id=first.pk, reason="repair", starts_at=NOW, ends_at=NOW + 2 * DAY
        )
        # after it ends: fine
        services.bed_out_of_service(
            actor=user, bed_id=first.pk, reason="repair", starts_at=NOW + 2 * DAY
        )
        with pytest.raises(HavenError) as overlap:
            services.bed_out_of_service(
                actor=user,
                bed_id=first.pk,
                reason="repair",
                starts_at=NOW - DAY,
                ends_at=NOW + DAY,
            )
        assert overlap.value.field == "starts_at"
        services.bed_retire(actor=user, bed_id=second.pk)
        with pytest.raises(HavenError) as retired:
            services.bed_out_of_service(actor=user, bed_id=second.pk, reason="repair")
        assert retired.value.field == "bed"


def test_back_in_service_ends_a_running_outage_and_calls_off_one_to_come() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user, beds=3)
    running, coming, never = Bed.objects.filter(room__place=place).order_by("label")
    with time_machine.travel(NOW - DAY, tick=False):
        services.bed_out_of_service(actor=user, bed_id=running.pk, reason="repair")
        services.bed_out_of_service(
            actor=user, bed_id=coming.pk, reason="repair", starts_at=NOW + DAY
        )
    before = len(events_of(place))
    # when
    with time_machine.travel(NOW, tick=False):
        for bed in (running, coming, never):
            services.bed_back_in_service(actor=user, bed_id=bed.pk)
    # then
    assert BedOutage.objects.get(bed=running).ends_at == NOW
    assert not BedOutage.objects.filter(bed=coming).exists()
    assert len(events_of(place)) == before + 2  # nothing to do for the third


# --- closing --------------------------------------------------------------------------------


def test_a_place_closes_only_when_no_one_lives_there_and_no_request_holds_a_bed() -> None:
    # given
    user = staff(shelter_org())
    place = make_place(user, beds=2)
    held = placement(place, case=a_case(), by=user, state=PlacementState.STARTED, proposed_at=NOW)
    # when
    with pytest.raises(HavenError) as refused:
        services.place_deactivate(actor=user, place_id=place.pk)
    # then
    assert refused.value.code == ErrorCode.PLACE_IN_USE
    assert Place.objects.get(pk=place.pk).active
    # and once the stay ends, it closes (twice: no second event)
    held.state = PlacementState.ENDED
    held.save()
    services.place_deactivate(actor=user, place_id=place.pk)
    services.place_deactivate(actor=user, place_id=place.pk)
    assert not Place.objects.get(pk=place.pk).active
    assert events_of(place)[-1].detail == {"active": False}
    assert len(events_of(place)) == 4
