"""Dates of the returns app, as national rules read from settings (style rule 15):
the follow-up schedule after a return (R-32) and how long a country profile stays
current before it must be reviewed again. Pure functions, no database."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def add_months(day: date, months: int) -> date:
    """``day`` moved on by ``months`` calendar months; the end of a shorter month
    when that month has no such day (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_months() -> list[int]:
    """The months after a return at which the partner follows up (R-32), from
    ``HAVEN_RETURN_FOLLOW_UP_MONTHS`` (default 1, 3, 6, 12); refused loudly when
    malformed."""
    raw = str(settings.HAVEN_RETURN_FOLLOW_UP_MONTHS)
    try:
        months = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise ImproperlyConfigured(
            "HAVEN_RETURN_FOLLOW_UP_MONTHS must be whole months separated by commas"
        ) from None
    if not months or months[0] < 1 or months[-1] > 120:
        raise ImproperlyConfigured("HAVEN_RETURN_FOLLOW_UP_MONTHS needs months from 1 to 120")
    return months


def follow_up_dates(returned_on: date) -> list[tuple[int, date]]:
    """Each follow-up's months after the return and its due date (R-32)."""
    return [(months, add_months(returned_on, months)) for months in follow_up_months()]


def profile_stale(last_reviewed_on: date, today: date) -> bool:
    """A country profile not reviewed for longer than
    ``HAVEN_RETURN_PROFILE_REVIEW_MONTHS`` (default 12) is stale wherever it is shown."""
    return today > add_months(last_reviewed_on, int(settings.HAVEN_RETURN_PROFILE_REVIEW_MONTHS))
