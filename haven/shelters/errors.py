"""Shelter errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    CONTRACT_INVALID = "contract_invalid"  # haven placement solve: input off the contract
