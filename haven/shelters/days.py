"""The days a placement records (agreed, started, ended): given, never in the
future, never before an earlier step. Shared by the one-person lifecycle and the
group plan."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.lib.errors import InvalidInput
from haven.shelters.errors import ErrorCode


def day_checked(day: date | None, *, field: str, not_before: date | None = None) -> date:
    """A date given, not in the future and not before ``not_before``."""
    if day is None:
        raise InvalidInput(_("Give the date."), code=ErrorCode.REQUIRED, field=field)
    if day > timezone.localdate():
        raise InvalidInput(
            _("The date cannot be in the future."), code=ErrorCode.DATE_OUT_OF_RANGE, field=field
        )
    if not_before is not None and day < not_before:
        raise InvalidInput(
            _("The date cannot be before %(day)s.") % {"day": not_before.isoformat()},
            code=ErrorCode.DATE_OUT_OF_RANGE,
            field=field,
        )
    return day
