"""Errors of the standard exports, imports and the regional exchange, with stable codes
(tests assert codes, never words).

Messages name a row or a field at most, never a value read from a file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from haven.lib.errors import InvalidInput, NotAllowed


class ErrorCode(StrEnum):
    """Every code the exchange modules raise."""

    FILE_INVALID = "exchange_file_invalid"
    KEY_INVALID = "exchange_key_invalid"
    SENDER_UNKNOWN = "exchange_sender_unknown"
    SIGNATURE_INVALID = "exchange_signature_invalid"
    STATISTICS_NOT_ALLOWED = "statistics_not_allowed"


class FileInvalid(InvalidInput):
    """A file that does not follow its format: refused whole, naming the row and field."""

    default_code: ClassVar[str] = ErrorCode.FILE_INVALID


class KeyInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.KEY_INVALID


class SenderUnknown(InvalidInput):
    """A release from a state whose public key is not configured."""

    default_code: ClassVar[str] = ErrorCode.SENDER_UNKNOWN


class SignatureInvalid(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.SIGNATURE_INVALID


class StatisticsNotAllowed(NotAllowed):
    """Only the National Rapporteur and the national coordinator see statistics."""

    default_code: ClassVar[str] = ErrorCode.STATISTICS_NOT_ALLOWED
