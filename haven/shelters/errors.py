"""Shelter errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    CONTRACT_INVALID = "contract_invalid"  # haven placement solve: input off the contract
    PLAN_NOT_DRAFT = "plan_not_draft"  # a plan already sent is not changed any more
    PLACE_EXCLUDED = "place_excluded"  # a move by hand would break a hard rule
    UNKNOWN_REGION = "unknown_region"  # the place of danger is not a region Haven knows
    NO_CASES = "no_cases"  # none of the incident's cases may be placed by this coordinator
