"""Justice errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum
from typing import ClassVar

from haven.lib.errors import NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    PARTY_NOT_FOUND = "party_not_found"
    PARTY_ALREADY_LINKED = "party_already_linked"
    PARTY_REGISTRATION_KNOWN = "party_registration_known"


class PartyNotFound(NotFound):
    """A party, or a party's link, that does not exist or that the reader may not know."""

    default_code: ClassVar[str] = ErrorCode.PARTY_NOT_FOUND
