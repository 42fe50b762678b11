"""Deadline arithmetic: pure functions on dates, no database.

A deadline on a date falls due at the end of that day in Haven's time zone;
working days skip Saturdays and Sundays (national holidays are not modelled yet).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (Monday to Friday)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in the current time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))
