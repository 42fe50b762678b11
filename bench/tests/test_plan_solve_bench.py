"""`make bench` (group plan solved through the app): a small seeded plan, solved
through ``plan_solve``, and its figure."""

from __future__ import annotations

import pytest

from bench import plan_solve
from haven.audit.models import Action, AuditEvent


@pytest.mark.django_db
def test_it_seeds_a_plan_solves_it_through_the_app_and_reports_the_figure() -> None:
    # when: two plans of different sizes
    small = plan_solve.measure(6, 3, seed=1, time_limit=2.0, vendor="sqlite")
    large = plan_solve.measure(14, 5, seed=1, time_limit=2.0, vendor="sqlite")

    # then: every person read through the gate once, in the same queries at both sizes
    assert (small["bench"], small["people"], large["people"]) == ("plan_solve", 6, 14)
    assert small["queries"] == large["queries"]
    assert 0 < large["placed"] <= 14 and large["beds"] > 0
    reads = AuditEvent.objects.filter(action=Action.READ, field_groups="identity")
    assert reads.count() == 6 + 14
    assert {"seconds", "solver_seconds", "cpu_seconds", "load_avg_1m"} <= set(large)
