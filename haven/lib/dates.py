"""The bounds of every date Haven records, in one place (issue 12).

A date outside its field's bounds is a typing mistake or a probe, never a fact:
a birth on 0001-01-01 or a permit ending in the year 783 would sit in the
deadline lists with a meaningless offset. Each field belongs to one family:

- ``BIRTH``: from 1900-01-01, never in the future.
- ``PAST``: what happened (interviews, decisions, consents, a service's start or
  end, refusals): from 1990-01-01, never in the future.
- ``PLANNED``: what is planned or valid for a time (permits, planned service
  dates, follow-ups): from 1990-01-01 to 20 years ahead.

The services check them (``check``): the single source of the rule; forms and
serializers only show the service's error next to the field, and may use
``validator`` to refuse the same dates before the service is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.lib.errors import ErrorCode, InvalidInput

EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_RECORD = date(1990, 1, 1)
YEARS_AHEAD = 20


@dataclass(frozen=True)
class Bounds:
    """The earliest day a field may hold, and how far ahead of today (0: not after today)."""

    earliest: date
    years_ahead: int = 0

    def latest(self, today: date) -> date:
        if not self.years_ahead:
            return today
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:  # 29 February, to a year without one
            return today.replace(year=today.year + self.years_ahead, day=28)


BIRTH = Bounds(earliest=EARLIEST_BIRTH)
PAST = Bounds(earliest=EARLIEST_RECORD)
PLANNED = Bounds(earliest=EARLIEST_RECORD, years_ahead=YEARS_AHEAD)


def problem(day: date, bounds: Bounds, *, today: date | None = None) -> str:
    """Why ``day`` is outside ``bounds`` (plain words), or "" when it is inside."""
    today = today or timezone.localdate()
    if day < bounds.earliest:
        return _("Give a date on or after %(day)s.") % {
            "day": date_format(bounds.earliest, "SHORT_DATE_FORMAT")
        }
    latest = bounds.latest(today)
    if day > latest:
        if latest == today:
            return _("This date cannot be in the future.")
        return _("Give a date no later than %(day)s.") % {
            "day": date_format(latest, "SHORT_DATE_FORMAT")
        }
    return ""


def check(day: date | None, bounds: Bounds, *, field: str, today: date | None = None) -> None:
    """Refuse ``day`` outside ``bounds`` with code ``date_out_of_range`` on ``field``."""
    if day is None:
        return
    message = problem(day, bounds, today=today)
    if message:
        raise InvalidInput(message, code=ErrorCode.DATE_OUT_OF_RANGE, field=field)


def validator(bounds: Bounds) -> Callable[[date | None], None]:
    """A form or serializer field validator for the same bounds."""

    def validate(day: date | None) -> None:
        message = problem(day, bounds) if day is not None else ""
        if message:
            raise ValidationError(message, code=ErrorCode.DATE_OUT_OF_RANGE)

    return validate
