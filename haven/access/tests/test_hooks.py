"""What a break-glass use tells the apps above access (``haven.access.hooks``): the
deadlines app registers the notifications to the case lead and the national
coordinator, and every handler runs inside the transaction of the grant."""

from __future__ import annotations

import pytest
from django.utils import timezone

from haven.access import hooks
from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.access.models import BreakGlass, Consent, FieldGroup, Purpose
from haven.access.tests.test_break_glass import use, world, written
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.tests.factories import open_case
from haven.deadlines.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _restore_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    # A handler a test registers leaves with the test.
    monkeypatch.setattr(hooks, "_used", dict(hooks._used))


def test_it_registers_the_deadlines_notifications_for_break_glass() -> None:
    assert hooks.handlers() == ["haven.deadlines.notify.break_glass_notify"]


def test_it_tells_every_handler_of_a_use_after_the_notifications_are_written() -> None:
    # given
    w = world()
    seen: list[tuple[hooks.BreakGlassUsed, int, int]] = []

    def record(event: hooks.BreakGlassUsed) -> None:
        grants = BreakGlass.objects.filter(pk=event.grant_id).count()
        told = Notification.objects.filter(break_glass_id=event.grant_id).count()
        seen.append((event, grants, told))

    hooks.on_break_glass_used(record)
    hooks.on_break_glass_used(record)  # registering twice keeps one

    # when
    grant = use(w)

    # then: in registration order, in the transaction of the grant
    assert hooks.handlers() == [
        "haven.deadlines.notify.break_glass_notify",
        f"{__name__}.{record.__qualname__}",
    ]
    [(event, grants, told)] = seen
    assert (event.grant_id, event.case_id, event.actor_id) == (grant.id, w.case.id, w.outsider.pk)
    assert sorted(event.recipient_ids) == sorted(
        [w.lead.pk, w.lead_supervisor.pk, w.coordinator.pk, w.coordinator_supervisor.pk]
    )
    assert (grants, told) == (1, 4)


def test_a_failing_handler_leaves_no_grant_nobody_was_told_about() -> None:
    # given
    w = world()
    before = written()

    def fail(event: hooks.BreakGlassUsed) -> None:
        raise RuntimeError("mail queue down")

    hooks.on_break_glass_used(fail)

    # when
    with pytest.raises(RuntimeError):
        use(w)

    # then
    assert written() == before


def test_it_lists_the_uses_of_a_case_oldest_first_for_the_persons_report() -> None:
    # given: two uses by two organisations
    w = world()
    first = use(w)
    second = use(w, w.coordinator)

    # when
    uses = list(access_selectors.break_glass_of_case(case_id=w.case.id))

    # then
    assert [u.id for u in uses] == [first.id, second.id]
    assert uses[1].organisation_id == w.coordinator.organisation_id


def test_issue11_recording_a_consent_tells_the_registered_handlers_in_its_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the referrals app registered its handler; a failing one is added
    monkeypatch.setattr(hooks, "_consent_recorded", dict(hooks._consent_recorded))
    registered = hooks.consent_handlers()
    seen: list[hooks.ConsentRecorded] = []

    def failing(event: hooks.ConsentRecorded) -> None:
        seen.append(event)
        raise RuntimeError("handler failed")

    hooks.on_consent_recorded(failing)
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    case = open_case(actor=lead)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)

    # when
    with pytest.raises(RuntimeError):
        access_services.consent_record(
            actor=lead,
            case_id=case.id,
            person_id=case.person_id,
            data_key=case.person.data_key,
            purpose=Purpose.ASSISTANCE,
            field_groups=[FieldGroup.HEALTH],
            given_on=timezone.localdate(),
            language="en",
            information_given="Explained.",
            recipient_organisation=shelter,
        )

    # then: the handler was told, and the consent went back with it
    assert registered == [
        "haven.referrals.services.access_requests.access_requests_grant_on_consent"
    ]
    assert [(e.recipient_organisation_id, e.field_groups) for e in seen] == [
        (shelter.pk, ("health",))
    ]
    assert not Consent.objects.exists()
