"""Two releases at the same moment cannot both spend the last of a budget: the budget
rows are locked before they are read (R-46). Real connections, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.test import override_settings

from haven.statistics import errors, privacy
from haven.statistics.models import PrivacyBudget, Release
from haven.statistics.services import releases as services
from haven.statistics.tests.dp_helpers import rapporteur, release_input

NEEDS_POSTGRES = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite lets one transaction write at a time and has no row locks; the race "
    "between two connections is run on PostgreSQL",
)


def _threads(*targets: Callable[[], None]) -> list[BaseException]:
    """Run each target in its own thread (and so its own connection)."""
    errors_seen: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:
            errors_seen.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(t,), name=t.__name__) for t in targets]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return errors_seen


@NEEDS_POSTGRES
@pytest.mark.django_db(transaction=True)
@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("1"))
def test_r46_two_concurrent_releases_cannot_both_spend_the_last_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: A holds the budget (between its check and its commit) while B tries;
    # B is let go only when A has committed, or finishes at once if nothing locks
    user = rapporteur()
    # the budgets already open (a new one is also guarded by its unique key)
    services.release_create(actor=user, data=release_input(epsilon="0.1"))
    a_holds, b_finished = threading.Event(), threading.Event()
    protect = privacy.protect

    def held(table: privacy.TrueTable, *, epsilon: float) -> privacy.ProtectedTable:
        if threading.current_thread().name == "release_a":
            a_holds.set()
            b_finished.wait(timeout=2)  # without a lock B finishes here and both spend
        return protect(table, epsilon=epsilon)

    monkeypatch.setattr(privacy, "protect", held)
    outcomes: dict[str, Any] = {}

    def release_a() -> None:
        outcomes["a"] = services.release_create(actor=user, data=release_input(epsilon="0.5"))

    def release_b() -> None:
        assert a_holds.wait(timeout=60)
        try:
            outcomes["b"] = services.release_create(actor=user, data=release_input(epsilon="0.5"))
        except errors.BudgetExceeded as exc:
            outcomes["b"] = exc
        finally:
            b_finished.set()

    # when
    failures = _threads(release_a, release_b)

    # then: A released, B was refused after waiting for A's commit
    assert failures == []
    assert isinstance(outcomes["a"], Release)
    assert isinstance(outcomes["b"], errors.BudgetExceeded)
    assert Release.objects.count() == 2
    assert [b.spent_epsilon for b in PrivacyBudget.objects.all()] == [Decimal("0.600")] * 2
