"""The deadline sweep on the real database task backend, run by the real worker
(``db_worker --batch --no-reload``), and the ``haven deadlines`` command.
Time is moved with time-machine; nothing sleeps (``--no-startup-delay``)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from haven.accounts.models import Organisation, OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases import drafts
from haven.cases.models import Draft, DraftKind
from haven.deadlines import services as deadline_services
from haven.deadlines import tasks
from haven.deadlines.models import Notification
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.lib.tests.worker import queued, run_worker

# The worker commits and closes connections as it would in production.
pytestmark = pytest.mark.django_db(transaction=True)

SWEEP = tasks.deadline_sweep.module_path


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def test_it_sweeps_in_the_worker_and_queues_the_next_sweep(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    supervisor = staff(ngo, Role.SUPERVISOR)
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    moment = at(date(2026, 3, 11), 8)

    # when
    with time_machine.travel(moment, tick=False):
        call_command("deadlines", "schedule", stdout=StringIO())
        run_worker()

    # then
    assert set(Notification.objects.filter(task=task).values_list("recipient", "kind")) == {
        (caseworker.pk, Notification.Kind.REMINDER),
        (supervisor.pk, Notification.Kind.REMINDER),
        (supervisor.pk, Notification.Kind.ESCALATION),
    }
    done = DBTaskResult.objects.get(task_path=SWEEP, status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value == {
        "reminded": 1,
        "escalated": 1,
        "referrals_escalated": 0,
        "crossborder_alerted": 0,
        "agreements_ending": 0,
        "drafts_purged": 0,
        "retention_anonymised": 0,
    }
    [following] = queued(tasks.deadline_sweep)
    assert following.run_after == moment + timedelta(seconds=60)


def test_it_runs_the_next_sweep_only_when_its_time_has_come(ngo: Organisation) -> None:
    # given: a sweep ran at 07:00 with nothing due and queued the next for 07:01;
    # then a deadline whose reminder date has already come was opened
    caseworker = staff(ngo, Role.CASEWORKER)
    moment = at(date(2026, 3, 8), 7)
    with time_machine.travel(moment, tick=False):
        tasks.deadline_sweep_schedule()
        run_worker()
    task = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    with time_machine.travel(moment + timedelta(seconds=59), tick=False):
        run_worker()
        too_early = Notification.objects.filter(task=task).count()
    with time_machine.travel(moment + timedelta(seconds=60), tick=False):
        run_worker()

    # then
    assert too_early == 0
    assert Notification.objects.filter(task=task, kind=Notification.Kind.REMINDER).count() == 1
    assert DBTaskResult.objects.filter(task_path=SWEEP).count() == 3
    [following] = queued(tasks.deadline_sweep)
    assert following.run_after == moment + timedelta(seconds=120)


def test_it_queues_one_sweep_however_often_it_is_scheduled() -> None:
    # when
    out = StringIO()
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        call_command("deadlines", "schedule", stdout=out)
        call_command("deadlines", "schedule", stdout=out)

    # then
    assert len(queued(tasks.deadline_sweep)) == 1
    assert out.getvalue().splitlines() == [
        "Deadline sweep queued for the worker.",
        "A deadline sweep is already queued.",
    ]


def test_it_keeps_the_clock_going_after_a_failed_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    def broken(**kwargs: object) -> deadline_services.SweepResult:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(deadline_services, "deadlines_sweep", broken)
    moment = at(date(2026, 3, 2))

    # when
    with time_machine.travel(moment, tick=False):
        tasks.deadline_sweep_schedule()
        run_worker()

    # then
    failed = DBTaskResult.objects.get(task_path=SWEEP, status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.RuntimeError"
    [following] = queued(tasks.deadline_sweep)
    assert following.run_after == moment + timedelta(seconds=60)


def test_it_sweeps_once_in_process_for_cron_and_prints_the_counts(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    out = StringIO()

    # when
    with time_machine.travel(at(date(2026, 3, 8)), tick=False):
        call_command("deadlines", "sweep", stdout=out)
        call_command("deadlines", "sweep", stdout=out)

    # then
    assert out.getvalue().splitlines() == [
        "reminded: 1, escalated: 0",
        "reminded: 0, escalated: 0",
    ]
    assert not DBTaskResult.objects.exists()


def test_it_settles_back_to_one_queued_sweep_after_a_race() -> None:
    # given: two sweeps queued at once, bypassing the check (two schedulers racing)
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        tasks.deadline_sweep.enqueue()
        tasks.deadline_sweep.enqueue()

        # when
        run_worker()

    # then: the first saw the second waiting and queued nothing; the second queued one
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert len(queued(tasks.deadline_sweep)) == 1


def test_the_sweep_deletes_drafts_whose_days_are_up(ngo: Organisation) -> None:
    # given: a draft nobody touched for HAVEN_DRAFT_DAYS
    caseworker = staff(ngo, Role.CASEWORKER)
    drafts.draft_save(actor=caseworker, kind=DraftKind.CASE_OPEN, path="/cases/new/", fields={})
    later = timezone.now() + timedelta(days=settings.HAVEN_DRAFT_DAYS, minutes=1)

    # when
    with time_machine.travel(later, tick=False):
        figures = tasks.sweep_all()

    # then
    assert figures["drafts_purged"] == 1
    assert not Draft.objects.exists()
