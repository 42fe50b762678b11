"""R-17: opening a case starts the clock for the pathway's first decision."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from pytest_django import Settings

from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks

CALENDAR_DAYS_PATHWAY = """
schema_version: 1
default:
  reflection_period: {min_days: 45}
  reminder_days_before: 2
  decision_types:
    first_instance:
      deciding_org_types: [police]
      target_days: 10
      positive_status: presumed
      negative_status: not_identified
"""


@pytest.mark.django_db
def test_r17_a_new_case_is_due_a_reasonable_grounds_decision_in_five_working_days() -> None:
    # given a Friday
    with time_machine.travel(date(2026, 11, 27), tick=False):
        # when a case is opened
        case = open_case(actor=make_user())
    # then the decision falls due at the end of the fifth working day (the next Friday)
    task = Task.objects.get(case=case)
    assert task.kind == identification_clocks.DECISION_DUE
    assert task.detail == {"decision_type": "reasonable_grounds"}
    assert timezone.localtime(task.due_at).date() == date(2026, 12, 4)
    assert task.assigned_organisation == case.opened_by.organisation


@pytest.mark.django_db
def test_r17_a_national_pathway_may_count_calendar_days(settings: Settings, tmp_path: Path) -> None:
    # given a national pathway whose first decision is due in 10 calendar days
    pathway_file = tmp_path / "pathways.yaml"
    pathway_file.write_text(CALENDAR_DAYS_PATHWAY, encoding="utf-8")
    settings.HAVEN_PATHWAYS_FILE = str(pathway_file)
    start = date(2026, 11, 27)
    with time_machine.travel(start, tick=False):
        # when a case is opened
        case = open_case(actor=make_user())
    # then that decision is due 10 days later and reminded 2 days before
    task = Task.objects.get(case=case)
    assert task.detail == {"decision_type": "first_instance"}
    assert timezone.localtime(task.due_at).date() == start + timedelta(days=10)
    assert timezone.localtime(task.remind_at).date() == start + timedelta(days=8)
