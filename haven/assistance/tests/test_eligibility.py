"""Eligibility and protection rules as pure functions (R-03, R-15, R-18, R-22): no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from haven.assistance import eligibility
from haven.assistance.models import ReflectionPeriod
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus

START = date(2026, 11, 27)


def _period(status: str = ReflectionPeriod.Status.RUNNING, days: int = 30) -> ReflectionPeriod:
    return ReflectionPeriod(
        starts_on=START, granted_days=days, ends_on=START + timedelta(days=days), status=status
    )


@pytest.mark.parametrize("status", IdentificationStatus.values)
def test_r18_every_identification_status_is_eligible_with_a_reason(status: str) -> None:
    # given
    case = Case(identification_status=status)
    # when
    result = eligibility.assistance_eligibility(case)
    # then
    assert result.eligible
    assert str(result.reason)


@pytest.mark.parametrize(
    "status", [IdentificationStatus.NOT_IDENTIFIED, IdentificationStatus.WITHDRAWN]
)
def test_r22_assistance_continues_after_a_negative_decision_until_a_closing_decision(
    status: str,
) -> None:
    # when
    result = eligibility.assistance_eligibility(Case(identification_status=status))
    # then
    assert result.eligible
    assert "closing decision" in str(result.reason)


def test_r18_eligibility_reads_nothing_but_the_status() -> None:
    # given: two cases alike in status, different in every other flag
    plain = Case(identification_status=IdentificationStatus.PRESUMED)
    other = Case(
        identification_status=IdentificationStatus.PRESUMED,
        removal_protected=True,
        assistance_eligible=False,
        forms_of_exploitation=["forced_labour"],
    )
    # then
    assert eligibility.assistance_eligibility(plain) == eligibility.assistance_eligibility(other)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (START - timedelta(days=1), False),
        (START, True),
        (START + timedelta(days=30), True),  # the last day is inside
        (START + timedelta(days=31), False),
    ],
)
def test_r15_the_period_runs_from_its_first_to_its_last_day(day: date, expected: bool) -> None:
    # then
    assert eligibility.reflection_runs_on(_period(), day) is expected


def test_r15_a_period_ended_early_or_missing_does_not_run() -> None:
    # then
    assert not eligibility.reflection_runs_on(_period(ReflectionPeriod.Status.ENDED_EARLY), START)
    assert not eligibility.reflection_runs_on(None, START)


@pytest.mark.parametrize(
    ("period", "today", "state"),
    [
        (None, START, "none"),
        (_period(), START + timedelta(days=30), "running"),
        (_period(), START + timedelta(days=31), "ended"),
        (_period(ReflectionPeriod.Status.ENDED), START, "ended"),
        (_period(ReflectionPeriod.Status.ENDED_EARLY), START, "ended_early"),
    ],
)
def test_it_names_the_state_of_the_period(
    period: ReflectionPeriod | None, today: date, state: str
) -> None:
    # then
    assert eligibility.reflection_state(period, today) == state


@pytest.mark.parametrize(
    ("protected", "period", "day", "code"),
    [
        (False, _period(), START, "reflection_period_running"),
        (True, _period(), START, "reflection_period_running"),
        (True, _period(), START + timedelta(days=31), "removal_protected"),
        (True, None, START, "removal_protected"),
        (False, _period(), START + timedelta(days=31), None),
        (False, None, START, None),
    ],
)
def test_r03_r15_removal_is_blocked_in_the_period_and_under_protection(
    protected: bool, period: ReflectionPeriod | None, day: date, code: str | None
) -> None:
    # when
    block = eligibility.removal_block(removal_protected=protected, period=period, on_date=day)
    # then
    assert (block.code if block else None) == code
    assert block is None or str(block.reason)
