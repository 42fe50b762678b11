"""Shelter errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    # placements (propose, answer, start, end, withdraw)
    BED_NOT_AVAILABLE = "bed_not_available"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NOT_CASE_LEAD = "not_case_lead"
    NOT_PLACE_STAFF = "not_place_staff"
    PLACE_EXCLUDED = "place_excluded"
    PLACEMENT_NOT_FOUND = "placement_not_found"
    REQUIRED = "required"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class PlacementNotFound(NotFound):
    """A placement the user's organisation is not party to looks missing."""

    default_code = ErrorCode.PLACEMENT_NOT_FOUND


class PlacementNotAllowed(NotAllowed):
    default_code = ErrorCode.NOT_CASE_LEAD


class PlaceExcluded(InvalidInput):
    """The place breaks a hard rule for this person now (``rules.exclusions``)."""

    default_code = ErrorCode.PLACE_EXCLUDED


class PlacementTransitionRefused(Conflict):
    default_code = ErrorCode.TRANSITION_NOT_ALLOWED
