"""Deadline arithmetic: properties over any start date and any number of working
days (house style 28), plus the edges a reader checks by hand. No database."""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from haven.deadlines import clock

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
DAYS = st.integers(min_value=0, max_value=400)


def _working_days_between(start: date, end: date) -> int:
    """Mondays to Fridays after ``start``, up to and including ``end``."""
    return sum(
        1 for n in range(1, (end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5
    )


@given(start=DATES, days=st.integers(min_value=1, max_value=400))
def test_it_never_lands_on_a_weekend_for_one_working_day_or_more(start: date, days: int) -> None:
    # when
    due = clock.add_working_days(start, days)
    # then
    assert due.weekday() < 5


@given(start=DATES, days=DAYS)
def test_it_counts_exactly_the_working_days_asked_for(start: date, days: int) -> None:
    # when
    due = clock.add_working_days(start, days)
    # then
    assert _working_days_between(start, due) == days


@given(start=DATES, days=DAYS)
def test_it_spans_at_least_n_and_at_most_n_plus_two_days_per_week_and_a_weekend(
    start: date, days: int
) -> None:
    # when
    span = (clock.add_working_days(start, days) - start).days
    # then
    assert days <= span <= days + 2 * math.ceil(days / 5) + 2


@given(start=DATES, days=DAYS)
def test_it_is_monotonic_in_the_number_of_days(start: date, days: int) -> None:
    # when
    shorter = clock.add_working_days(start, days)
    longer = clock.add_working_days(start, days + 1)
    # then
    assert shorter < longer


@given(earlier=DATES, gap=st.integers(min_value=0, max_value=30), days=DAYS)
def test_it_is_monotonic_in_the_start_date(earlier: date, gap: int, days: int) -> None:
    # given
    later = earlier + timedelta(days=gap)
    # then
    assert clock.add_working_days(earlier, days) <= clock.add_working_days(later, days)


@given(start=DATES)
def test_it_adds_a_whole_week_for_five_working_days_from_a_weekday(start: date) -> None:
    # given: a weekday start; from a weekend, five working days end on a Friday
    if start.weekday() >= 5:
        start += timedelta(days=7 - start.weekday())
    # then
    assert clock.add_working_days(start, 5) == start + timedelta(days=7)


@given(start=DATES)
def test_it_leaves_the_date_alone_for_zero_days(start: date) -> None:
    assert clock.add_working_days(start, 0) == start


def test_it_goes_from_friday_to_monday_for_one_working_day() -> None:
    # given
    friday = date(2026, 3, 6)
    # then
    assert clock.add_working_days(friday, 1) == date(2026, 3, 9)


@given(day=DATES)
def test_it_makes_a_deadline_fall_due_at_the_end_of_the_local_day(day: date) -> None:
    # given
    local = timezone.get_current_timezone()
    # when
    start, end = clock.start_of_day(day), clock.end_of_day(day)
    # then
    assert timezone.is_aware(start)
    assert timezone.is_aware(end)
    assert start.astimezone(local).date() == day == end.astimezone(local).date()
    assert start < end
    assert (end + timedelta(seconds=1)).astimezone(local).date() == day + timedelta(days=1)
