"""What a break-glass use tells the apps above access (``haven.access.hooks``): the
deadlines app registers the notifications to the case lead and the national
coordinator, and every handler runs inside the transaction of the grant."""

from __future__ import annotations

import pytest

from haven.access import hooks
from haven.access import selectors as access_selectors
from haven.access.models import BreakGlass
from haven.access.tests.test_break_glass import use, world, written
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
