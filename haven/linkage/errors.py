"""Linkage errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import ClassVar

from haven.lib.errors import HavenError, InvalidInput


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    CHECK_RATE_LIMITED = "check_rate_limited"
    SEARCH_REQUIRED = "search_required"


class CheckRateLimited(HavenError):
    """Too many checks by one user in the window: a guard against probing the
    register name by name."""

    http_status: ClassVar[int] = HTTPStatus.TOO_MANY_REQUESTS
    default_code: ClassVar[str] = ErrorCode.CHECK_RATE_LIMITED


class SearchRequired(InvalidInput):
    """HAVEN_LINKAGE_REQUIRE_SEARCH is on and intake posted no check of this identity."""

    default_code: ClassVar[str] = ErrorCode.SEARCH_REQUIRED
