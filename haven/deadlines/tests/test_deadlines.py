"""The deadline sweep and the notification service: reminders once before a
deadline, escalation once after it and only to supervisors, nothing for closed
tasks or people outside the case team. Time is moved, never waited for.

The helpers at the top are shared by the other deadline test modules.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.identification import clocks as identification_clocks

pytestmark = pytest.mark.django_db

OPENED = date(2026, 3, 2)  # a Monday
DUE_ON = date(2026, 3, 10)  # a Tuesday: due at its last second, local time
REMIND_DAYS = 2  # reminded from the start of Sunday 8 March


def at(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """An aware moment in Haven's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def staff(organisation: Organisation, role: str, **kwargs: Any) -> User:
    return UserFactory.create(organisation=organisation, role=role, **kwargs)


def quiet_case(*, actor: User) -> Case:
    """A case opened on OPENED whose intake deadline is cancelled, so that each
    test sees only the deadlines it opens itself."""
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_case(actor=actor)
        deadline_services.tasks_close(
            case_id=case.id,
            kind=identification_clocks.DECISION_DUE,
            by=None,
            status=Task.Status.CANCELLED,
        )
    return case


def deadline(
    *,
    case: Case,
    organisation: Organisation,
    due_on: date = DUE_ON,
    assigned_user: User | None = None,
    blocking: bool = False,
) -> Task:
    with time_machine.travel(at(OPENED, 10), tick=False):
        return deadline_services.task_open(
            case_id=case.id,
            kind=identification_clocks.SCREENING_REVIEW,
            due_on=due_on,
            organisation=organisation,
            reminder_days_before=REMIND_DAYS,
            assigned_user=assigned_user,
            blocking=blocking,
        )


def notified(kind: str) -> set[tuple[str, str]]:
    """(username, task id) of every notification of one kind."""
    return {
        (n.recipient.username, str(n.task_id))
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


# --- reminders ------------------------------------------------------------------------


def test_it_reminds_nobody_before_the_reminder_date(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 7), 23, 59, 59))

    # then
    assert (result.reminded, result.escalated) == (0, 0)
    assert not Notification.objects.exists()


def test_it_reminds_every_active_caseworker_and_supervisor_of_the_organisation_once(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER, username="cw")
    staff(ngo, Role.SUPERVISOR, username="sup")
    staff(ngo, Role.CASEWORKER, username="gone", is_active=False)
    staff(ngo, Role.ORG_ADMIN, username="admin")
    staff(OrganisationFactory.create(), Role.CASEWORKER, username="elsewhere")
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    first = deadline_services.deadlines_sweep(now=at(date(2026, 3, 8), 0))
    second = deadline_services.deadlines_sweep(now=at(date(2026, 3, 9)))

    # then
    assert (first.reminded, first.escalated) == (1, 0)
    assert (second.reminded, second.escalated) == (0, 0)
    assert notified(Notification.Kind.REMINDER) == {("cw", str(task.id)), ("sup", str(task.id))}
    task.refresh_from_db()
    assert task.reminded_at == at(date(2026, 3, 8), 0)
    assert task.escalated_at is None


def test_it_reminds_only_the_assigned_user_when_there_is_one(ngo: Organisation) -> None:
    # given
    assigned = staff(ngo, Role.CASEWORKER, username="assigned")
    staff(ngo, Role.CASEWORKER, username="colleague")
    task = deadline(case=quiet_case(actor=assigned), organisation=ngo, assigned_user=assigned)

    # when
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))

    # then
    assert notified(Notification.Kind.REMINDER) == {("assigned", str(task.id))}


def test_it_reminds_the_organisation_when_the_assigned_user_has_left(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER, username="lead")
    assigned = staff(ngo, Role.CASEWORKER, username="assigned")
    task = deadline(case=quiet_case(actor=lead), organisation=ngo, assigned_user=assigned)
    assigned.is_active = False
    assigned.save(update_fields=["is_active"])

    # when
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))

    # then
    assert notified(Notification.Kind.REMINDER) == {("lead", str(task.id))}


# --- escalation -----------------------------------------------------------------------


def test_it_escalates_only_after_the_due_time_only_to_supervisors_and_once(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER, username="cw")
    staff(ngo, Role.SUPERVISOR, username="sup")
    staff(ngo, Role.SUPERVISOR, username="away", is_active=False)
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    on_the_last_second = deadline_services.deadlines_sweep(now=at(DUE_ON, 23, 59, 59))
    escalations_then = notified(Notification.Kind.ESCALATION)
    just_after = deadline_services.deadlines_sweep(now=at(date(2026, 3, 11), 0, 0, 0))
    a_day_later = deadline_services.deadlines_sweep(now=at(date(2026, 3, 12)))

    # then
    assert on_the_last_second.escalated == 0
    assert escalations_then == set()
    assert just_after.escalated == 1
    assert a_day_later.escalated == 0
    assert notified(Notification.Kind.ESCALATION) == {("sup", str(task.id))}
    task.refresh_from_db()
    assert task.escalated_at == at(date(2026, 3, 11), 0, 0, 0)


def test_it_escalates_to_the_caseworkers_of_an_organisation_without_a_supervisor(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER, username="cw")
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 11)))

    # then
    assert notified(Notification.Kind.ESCALATION) == {("cw", str(task.id))}


def test_it_reminds_and_escalates_a_deadline_first_seen_after_it_was_due(
    ngo: Organisation,
) -> None:
    # given: the worker was down for the whole reminder window
    caseworker = staff(ngo, Role.CASEWORKER, username="cw")
    staff(ngo, Role.SUPERVISOR, username="sup")
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))

    # then
    assert (result.reminded, result.escalated) == (1, 1)
    assert notified(Notification.Kind.REMINDER) == {("cw", str(task.id)), ("sup", str(task.id))}
    assert notified(Notification.Kind.ESCALATION) == {("sup", str(task.id))}


# --- what is never notified -----------------------------------------------------------


@pytest.mark.parametrize("status", [Task.Status.DONE, Task.Status.CANCELLED])
def test_it_never_reminds_or_escalates_a_closed_task(ngo: Organisation, status: str) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    staff(ngo, Role.SUPERVISOR)
    case = quiet_case(actor=caseworker)
    closed = deadline(case=case, organisation=ngo)
    deadline_services.tasks_close(
        case_id=case.id, kind=identification_clocks.SCREENING_REVIEW, by=caseworker, status=status
    )
    still_open = deadline(case=case, organisation=ngo)

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))

    # then
    assert (result.reminded, result.escalated) == (1, 1)
    assert not Notification.objects.filter(task=closed).exists()
    assert Notification.objects.filter(task=still_open).count() == 3
    closed.refresh_from_db()
    assert (closed.reminded_at, closed.escalated_at) == (None, None)


def test_it_tells_nobody_outside_the_case_team(ngo: Organisation) -> None:
    # given: a deadline assigned to an organisation that is not on the team
    caseworker = staff(ngo, Role.CASEWORKER, username="member")
    outsider_org = OrganisationFactory.create()
    staff(outsider_org, Role.SUPERVISOR, username="outsider")
    case = quiet_case(actor=caseworker)
    off_team = deadline(case=case, organisation=outsider_org)
    on_team = deadline(case=case, organisation=ngo)

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))

    # then: both stamped, so neither comes back; only the team member was told
    assert (result.reminded, result.escalated) == (2, 2)
    assert not Notification.objects.filter(task=off_team).exists()
    assert {n.recipient.username for n in Notification.objects.filter(task=on_team)} == {"member"}


def test_it_skips_a_notification_that_was_already_sent(ngo: Organisation) -> None:
    # given: a reminder already on record, and its task not yet stamped
    caseworker = staff(ngo, Role.CASEWORKER)
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    Notification.objects.create(
        recipient=caseworker, task=task, kind=Notification.Kind.REMINDER, created_at=at(OPENED)
    )

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))

    # then
    assert result.reminded == 1
    assert Notification.objects.filter(task=task).count() == 1


# --- batches and queries --------------------------------------------------------------


def test_it_sweeps_every_due_task_in_batches(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    tasks = [deadline(case=quiet_case(actor=caseworker), organisation=ngo) for _ in range(5)]

    # when
    result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)), batch_size=2)

    # then
    assert (result.reminded, result.escalated) == (5, 5)
    unstamped = Q(reminded_at__isnull=True) | Q(escalated_at__isnull=True)
    assert not Task.objects.filter(unstamped, status=Task.Status.OPEN).exists()
    assert Notification.objects.filter(task__in=tasks).count() == 10


# Each kind: one batch (select, team, staff, insert, stamp) in a savepoint pair; a
# batch shorter than the batch size ends the kind. The same for 1 task as for 20.
SWEEP_QUERIES = 2 * 7


@pytest.mark.parametrize("count", [1, 20])
def test_it_sweeps_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    staff(ngo, Role.SUPERVISOR)
    for _ in range(count):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when / then
    with django_assert_num_queries(SWEEP_QUERIES):
        result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))
    assert (result.reminded, result.escalated) == (count, count)


# --- notifications read ---------------------------------------------------------------


def test_it_marks_only_the_users_own_notifications_read(ngo: Organisation) -> None:
    # given
    reader = staff(ngo, Role.CASEWORKER)
    colleague = staff(ngo, Role.CASEWORKER)
    staff(ngo, Role.SUPERVISOR)
    deadline(case=quiet_case(actor=reader), organisation=ngo)
    deadline(case=quiet_case(actor=reader), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    own = list(Notification.objects.filter(recipient=reader).order_by("id"))
    theirs = Notification.objects.filter(recipient=colleague).first()
    assert theirs is not None

    # when
    with time_machine.travel(at(date(2026, 3, 9)), tick=False):
        listed = deadline_services.notifications_mark_read(
            user=reader, notification_ids=[own[0].id, theirs.id]
        )
        rest = deadline_services.notifications_mark_read(user=reader)
        again = deadline_services.notifications_mark_read(user=reader)

    # then
    assert (listed, rest, again) == (1, 1, 0)
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_closes_only_the_open_tasks_whose_detail_matches(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(OPENED), tick=False):
        case = open_case(actor=caseworker)

    # when
    other_type = deadline_services.tasks_close(
        case_id=case.id,
        kind=identification_clocks.DECISION_DUE,
        by=caseworker,
        decision_type="other",
    )
    matching = deadline_services.tasks_close(
        case_id=case.id,
        kind=identification_clocks.DECISION_DUE,
        by=caseworker,
        decision_type="reasonable_grounds",
    )

    # then
    assert (other_type, matching) == (0, 1)
    task = Task.objects.get(case=case)
    assert (task.status, task.closed_by) == (Task.Status.DONE, caseworker)
