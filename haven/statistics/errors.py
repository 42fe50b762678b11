"""Statistics errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from haven.lib.errors import InvalidInput, NotAllowed


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    STATISTICS_NOT_ALLOWED = "statistics_not_allowed"
    STATISTICS_YEAR_INVALID = "statistics_year_invalid"


class StatisticsNotAllowed(NotAllowed):
    """Only the National Rapporteur and the national coordinator read the statistics."""

    default_code: ClassVar[str] = ErrorCode.STATISTICS_NOT_ALLOWED


class YearInvalid(InvalidInput):
    """A reporting year outside the years Haven can count."""

    default_code: ClassVar[str] = ErrorCode.STATISTICS_YEAR_INVALID
