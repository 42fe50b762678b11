"""Justice errors with stable codes (tests assert codes, never words)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from haven.lib.errors import Conflict, InvalidInput, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    REMEDY_INPUT_INVALID = "remedy_input_invalid"
    REMEDY_NOT_FOUND = "remedy_not_found"
    PROCEEDING_ENDED = "proceeding_ended"
    MEASURE_DECIDED = "measure_decided"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    PARTY_NOT_FOUND = "party_not_found"
    PARTY_ALREADY_LINKED = "party_already_linked"
    PARTY_REGISTRATION_KNOWN = "party_registration_known"


class RemedyInputInvalid(InvalidInput):
    default_code = ErrorCode.REMEDY_INPUT_INVALID


class RemedyNotFound(NotFound):
    """No such proceeding, measure, claim, asset or legal aid on this case."""

    default_code = ErrorCode.REMEDY_NOT_FOUND


class ProceedingEnded(Conflict):
    default_code = ErrorCode.PROCEEDING_ENDED


class MeasureDecided(Conflict):
    default_code = ErrorCode.MEASURE_DECIDED


class TransitionNotAllowed(Conflict):
    default_code = ErrorCode.TRANSITION_NOT_ALLOWED


class PartyNotFound(NotFound):
    """A party, or a party's link, that does not exist or that the reader may not know."""

    default_code: ClassVar[str] = ErrorCode.PARTY_NOT_FOUND
