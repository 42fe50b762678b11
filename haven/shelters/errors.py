"""Shelter errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    PLACE_NOT_FOUND = "place_not_found"
    PLACE_NOT_ALLOWED = "place_not_allowed"
    PLACE_INVALID = "place_invalid"
    PLACE_IN_USE = "place_in_use"
    BED_NOT_FOUND = "bed_not_found"
    OUTAGE_INVALID = "outage_invalid"
    CAPACITY_NOT_ALLOWED = "capacity_not_allowed"
    CONTRACT_INVALID = "contract_invalid"  # haven placement solve: input off the contract
    PLAN_NOT_DRAFT = "plan_not_draft"  # a plan already sent is not changed any more
    PLACE_EXCLUDED = "place_excluded"  # a move by hand would break a hard rule
    UNKNOWN_REGION = "unknown_region"  # the place of danger is not a region Haven knows
    NO_CASES = "no_cases"  # none of the incident's cases may be placed by this coordinator
    # placements (propose, answer, start, end, withdraw)
    BED_NOT_AVAILABLE = "bed_not_available"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NOT_CASE_LEAD = "not_case_lead"
    NOT_PLACE_STAFF = "not_place_staff"
    PLACEMENT_NOT_FOUND = "placement_not_found"
    REQUIRED = "required"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    PLAN_NOT_SOLVED = "plan_not_solved"  # a plan is sent only once solved
    NOTHING_TO_SEND = "nothing_to_send"  # nobody in the plan has a place
    AGREEMENT_MISSING = "agreement_missing"  # a placed person's agreement is not recorded
    CASES_LED_ELSEWHERE = "cases_led_elsewhere"  # another organisation leads some cases
    PLAN_NO_LONGER_FITS = "plan_no_longer_fits"  # the places changed since the plan was solved


class PlaceNotFound(NotFound):
    default_code = ErrorCode.PLACE_NOT_FOUND


class PlaceNotAllowed(NotAllowed):
    default_code = ErrorCode.PLACE_NOT_ALLOWED


class PlaceInvalid(InvalidInput):
    default_code = ErrorCode.PLACE_INVALID


class PlaceInUse(Conflict):
    """A place someone lives in, or a request holds a bed of, cannot be closed."""

    default_code = ErrorCode.PLACE_IN_USE


class BedNotFound(NotFound):
    default_code = ErrorCode.BED_NOT_FOUND


class OutageInvalid(InvalidInput):
    default_code = ErrorCode.OUTAGE_INVALID


class CapacityNotAllowed(NotAllowed):
    default_code = ErrorCode.CAPACITY_NOT_ALLOWED


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
