"""Tasks and notifications moved from assistance to deadlines (issue 9): the rows
written before the move are all there after it, under the new app's tables, and a
sweep queued before the move still runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.deadlines.models import Notification, Task
from haven.lib.tests.migrations import latest, migrate

MOVE = ("assistance", "0006_referral_and_desk_notifications")
BEFORE: list[tuple[str, str | None]] = [MOVE, ("deadlines", None)]
OLD_SWEEP = "haven.assistance.tasks.deadline_sweep"
NEW_SWEEP = "haven.deadlines.tasks.deadline_sweep"


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_it_keeps_every_task_and_notification_written_before_the_move() -> None:
    # given: a case whose clocks started before the move (decision due), then the
    # database taken back to before the move, where one more task, a reminder and a
    # queued sweep are written through the old app's state
    caseworker = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    organisation = caseworker.organisation
    assert organisation is not None
    case = open_case(actor=caseworker)
    started = set(Task.objects.values_list("pk", "kind"))
    executor = migrate(BEFORE)
    assert {"assistance_task", "assistance_notification"} <= _tables()
    assert "deadlines_task" not in _tables()
    old = executor.loader.project_state([MOVE]).apps
    now = timezone.now()
    task = old.get_model("assistance", "Task").objects.create(
        case_id=case.id,
        kind="permit_expiry",
        due_at=now + timedelta(days=3),
        remind_at=now,
        assigned_organisation_id=organisation.pk,
        created_at=now,
    )
    note = old.get_model("assistance", "Notification").objects.create(
        recipient_id=caseworker.pk, task_id=task.pk, kind="reminder", created_at=now
    )
    queued = DBTaskResult.objects.create(
        task_path=OLD_SWEEP,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=now,
    )

    # when
    migrate(latest())

    # then
    tables = _tables()
    assert {"deadlines_task", "deadlines_notification"} <= tables
    assert not {"assistance_task", "assistance_notification"} & tables
    assert set(Task.objects.values_list("pk", "kind")) == started | {(task.pk, "permit_expiry")}
    moved = Notification.objects.get(pk=note.pk)
    assert (moved.task_id, moved.recipient_id, moved.kind) == (task.pk, caseworker.pk, "reminder")
    assert Task.objects.get(pk=task.pk).case_id == case.id

    assert (
        DBTaskResult.objects.get(pk=queued.pk).task_path == "haven.deadlines.tasks.deadline_sweep"
    )
