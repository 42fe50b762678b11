"""Statistics errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from haven.lib.errors import Conflict, InvalidInput, NotAllowed


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    # --- Protected releases (differential privacy) ---
    BUDGET_EXCEEDED = "budget_exceeded"
    EPSILON_INVALID = "epsilon_invalid"
    RELEASE_NOT_ALLOWED = "release_not_allowed"
    STATISTICS_NOT_ALLOWED = "statistics_not_allowed"
    TABLE_UNKNOWN = "table_unknown"
    YEARS_INVALID = "years_invalid"
    STATISTICS_YEAR_INVALID = "statistics_year_invalid"
    # --- The standard exchange (HTCDS, the k-anonymous release, regional files) ---
    EXCHANGE_FILE_INVALID = "exchange_file_invalid"
    EXCHANGE_KEY_INVALID = "exchange_key_invalid"
    EXCHANGE_SENDER_UNKNOWN = "exchange_sender_unknown"
    EXCHANGE_SIGNATURE_INVALID = "exchange_signature_invalid"


class StatisticsNotAllowed(NotAllowed):
    """Only the National Rapporteur and the national coordinator see statistics."""

    default_code: ClassVar[str] = ErrorCode.STATISTICS_NOT_ALLOWED


class ReleaseNotAllowed(NotAllowed):
    """Only the National Rapporteur spends the privacy budget."""

    default_code: ClassVar[str] = ErrorCode.RELEASE_NOT_ALLOWED


class BudgetExceeded(Conflict):
    """The release would spend more ε than a year's budget has left."""

    default_code: ClassVar[str] = ErrorCode.BUDGET_EXCEEDED


class EpsilonInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.EPSILON_INVALID


class TableUnknown(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.TABLE_UNKNOWN


class YearsInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.YEARS_INVALID


class YearInvalid(InvalidInput):
    """A reporting year outside the years Haven can count."""

    default_code: ClassVar[str] = ErrorCode.STATISTICS_YEAR_INVALID


# --- The standard exchange: messages name a row or a field at most, never a value read
# from a file.


class FileInvalid(InvalidInput):
    """A file that does not follow its format: refused whole, naming the row and field."""

    default_code: ClassVar[str] = ErrorCode.EXCHANGE_FILE_INVALID


class KeyInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.EXCHANGE_KEY_INVALID


class SenderUnknown(InvalidInput):
    """A release from a state whose public key is not configured."""

    default_code: ClassVar[str] = ErrorCode.EXCHANGE_SENDER_UNKNOWN


class SignatureInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.EXCHANGE_SIGNATURE_INVALID
