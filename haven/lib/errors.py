"""Domain errors with stable codes, and the one mapping to HTTP statuses.

Each app defines its own subclasses (after Saleor's error codes). Tests assert
``code``, never message text. Messages are plain words for users and never
carry personal data.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import ClassVar


class ErrorCode(StrEnum):
    """The codes of the base errors, for errors that need no code of their own."""

    CONFLICT = "conflict"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    EDIT_CONFLICT = "edit_conflict"
    INVALID = "invalid"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"


class HavenError(Exception):
    """Base of every domain error: a stable ``code`` and an HTTP status."""

    http_status: ClassVar[int] = HTTPStatus.BAD_REQUEST
    default_code: ClassVar[str] = ErrorCode.INVALID

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field


class InvalidInput(HavenError):
    http_status = HTTPStatus.BAD_REQUEST
    default_code: ClassVar[str] = ErrorCode.INVALID


class NotAllowed(HavenError):
    http_status = HTTPStatus.FORBIDDEN
    default_code: ClassVar[str] = ErrorCode.NOT_ALLOWED


class NotFound(HavenError):
    """Missing and hidden look the same: one message for both."""

    http_status = HTTPStatus.NOT_FOUND
    default_code: ClassVar[str] = ErrorCode.NOT_FOUND


class Conflict(HavenError):
    http_status = HTTPStatus.CONFLICT
    default_code: ClassVar[str] = ErrorCode.CONFLICT


class EditConflict(Conflict):
    """Someone saved the record after the user opened it (optimistic locking,
    ``haven.lib.locking``): nothing was saved, and the user compares and resubmits."""

    default_code: ClassVar[str] = ErrorCode.EDIT_CONFLICT
