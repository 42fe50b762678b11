"""Reads of placements: the shelter's requests (its case staff only), one
placement (the place's staff and the case lead's only, audited as a read of the
location group), and the person's placements and plans in the report for the
person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.access import policy as access_policy
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit.models import AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Incident
from haven.cases.tests.factories import add_to_team, open_case
from haven.referrals.services import referrals as referral_services
from haven.shelters.errors import PlacementNotFound
from haven.shelters.models import GroupPlan, GroupPlanPerson, Placement
from haven.shelters.selectors import placements as selectors
from haven.shelters.tests.places_factories import placement
from haven.shelters.tests.test_placements_services import (
    PlacementSetup,
    placement_setup,
    propose,
    started,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_the_requests_list_is_for_the_places_case_staff_only() -> None:
    # given
    s = placement_setup()
    placement = propose(s)
    admin = UserFactory.create(organisation=s.shelter, role=Role.ORG_ADMIN)

    # when / then
    assert [r.id for r in selectors.placement_requests(user=s.staff).object_list] == [placement.pk]
    assert selectors.placement_requests(user=s.staff, state="started").object_list == []
    assert selectors.placement_requests(user=admin).object_list == []
    assert selectors.placement_requests(user=s.other).object_list == []
    assert selectors.placement_requests(user=s.lead).object_list == []


def _requests(s: PlacementSetup, n: int) -> list[Placement]:
    """``n`` requests to the shelter's place, one a minute, the newest last (written
    directly: other cases)."""
    start = timezone.now() - timedelta(hours=1)
    return [
        placement(
            s.place,
            case=open_case(actor=s.lead),
            by=s.lead,
            proposed_at=start + timedelta(minutes=i),
        )
        for i in range(n)
    ]


def test_the_requests_come_a_page_at_a_time_newest_first_in_two_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: 27 requests to the shelter's place
    s = placement_setup()
    made = _requests(s, 27)
    newest_first = [p.pk for p in reversed(made)]
    # when: the count and the page (its case, place, referral and bed in the same query)
    with django_assert_num_queries(2):
        first = selectors.placement_requests(user=s.staff, per_page=25)
    with django_assert_num_queries(2):
        second = selectors.placement_requests(user=s.staff, number=2, per_page=25)
    # then
    assert [r.id for r in first.object_list + second.object_list] == newest_first
    assert (first.count.value, first.count.exact, first.has_next, second.has_next) == (
        27,
        True,
        True,
        False,
    )


def test_one_placement_is_read_by_its_two_sides_only_and_the_read_is_audited() -> None:
    # given
    s = placement_setup()
    placement = started(s)

    # when
    shelter_view = selectors.placement_get(user=s.staff, placement_id=placement.pk)
    lead_view = selectors.placement_get(user=s.lead, placement_id=placement.pk)

    # then
    assert shelter_view.is_place_staff and not shelter_view.is_lead_staff
    assert shelter_view.actions == ["end"] and lead_view.actions == ["end"]
    assert shelter_view.row.bed_label == "A / 1"
    assert AuditEvent.objects.filter(
        object_type="shelters.Placement", object_id=str(placement.pk), action="read"
    ).exists()
    for user, placement_id in ((s.other, placement.pk), (s.staff, "nonsense")):
        with pytest.raises(PlacementNotFound):
            selectors.placement_get(user=user, placement_id=placement_id)


def test_a_referral_that_is_no_placement_is_answered_as_before() -> None:
    # given: an ordinary referral to the shelter
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

    # when
    referral_services.referral_accept(actor=s.staff, referral_id=referral.pk)

    # then
    assert not Placement.objects.exists()


def _plan(s: object) -> GroupPlanPerson:
    from haven.shelters.tests.test_placements_services import PlacementSetup

    assert isinstance(s, PlacementSetup)
    incident = Incident.objects.create(
        reference="INC-FI-2026-T0001", opened_at=timezone.now(), opened_by=s.lead
    )
    plan = GroupPlan.objects.create(
        incident=incident, country="FI", created_at=timezone.now(), created_by=s.lead
    )
    return GroupPlanPerson.objects.create(
        plan=plan, case=s.case, place=s.place, person_agreed_on=timezone.localdate()
    )


def test_the_report_for_the_person_lists_placements_and_plans_for_the_location_group() -> None:
    # given
    s = placement_setup()
    started(s)
    _plan(s)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=s.case, organisation=police.organisation)

    # when
    context = access_policy.case_context(case_id=s.case.id)
    found = selectors.placements_for_report(user=s.lead, case=s.case, context=context)
    page = sign_in(Client(), s.lead).get(
        reverse("web:person_report", args=[s.case.id]), {"lang": "en"}
    )

    # then
    assert [p.place_name for p in found.placements] == ["Harbour House"]
    assert [p.place_name for p in found.plans] == ["Harbour House"]
    html = page.content.decode()
    assert "A place in safe accommodation" in html
    assert "A plan to place the people found with you" in html
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.placements_for_report(user=police, case=s.case, context=context)


def test_the_report_reads_nothing_and_records_nothing_for_a_person_never_placed() -> None:
    # given
    s = placement_setup()
    context = access_policy.case_context(case_id=s.case.id)
    before = AuditEvent.objects.count()

    # when
    found = selectors.placements_for_report(user=s.lead, case=s.case, context=context)

    # then
    assert (found.placements, found.plans) == ([], [])
    assert AuditEvent.objects.count() == before
