"""Moving a deadline (R-15: an extended reflection period): only the open tasks
of the kind, and of the detail named, move."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from haven.accounts.models import Organisation, Role
from haven.deadlines import clock
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import OPENED, REMIND_DAYS, at, ngo, quiet_case, staff
from haven.identification import clocks as identification_clocks

__all__ = ["ngo"]  # the fixture, imported for the tests below

pytestmark = pytest.mark.django_db

MOVED_TO = date(2026, 3, 20)


def test_it_moves_only_the_tasks_whose_detail_matches(ngo: Organisation) -> None:
    # given
    case = quiet_case(actor=staff(ngo, Role.CASEWORKER))
    with time_machine.travel(at(OPENED, 10), tick=False):
        matching, other = (
            deadline_services.task_open(
                case_id=case.id,
                kind=identification_clocks.SCREENING_REVIEW,
                due_on=date(2026, 3, 10),
                organisation=ngo,
                reminder_days_before=REMIND_DAYS,
                detail={"round": number},
            )
            for number in ("1", "2")
        )
        # when
        moved = deadline_services.task_reschedule(
            case_id=case.id,
            kind=identification_clocks.SCREENING_REVIEW,
            due_on=MOVED_TO,
            round="1",
        )
    # then
    matching.refresh_from_db()
    other.refresh_from_db()
    assert moved == 1
    assert matching.due_at == clock.end_of_day(MOVED_TO)
    assert other.due_at == clock.end_of_day(date(2026, 3, 10))
    assert Task.objects.filter(status=Task.Status.OPEN).count() == 2
