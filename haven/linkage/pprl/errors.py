"""Errors of the cross-border encodings, with stable codes (tests assert codes, never words).

Messages name a row or a field at most, never a value: an input row's name or date of
birth never reaches a message, a log or the console.
"""

from enum import StrEnum

from haven.lib.errors import InvalidInput


class ErrorCode(StrEnum):
    """Every code the encodings raise."""

    FILE_INVALID = "pprl_file_invalid"
    INPUT_INVALID = "pprl_input_invalid"
    KEY_INVALID = "pprl_key_invalid"
    NORMALISATION_MISMATCH = "pprl_normalisation_mismatch"
    SCHEMA_INVALID = "pprl_schema_invalid"
    SCHEMA_MISMATCH = "pprl_schema_mismatch"
    SECRET_INVALID = "pprl_secret_invalid"  # noqa: S105 - an error code, no secret  # nosec B105
    SECRET_MISMATCH = "pprl_secret_mismatch"  # noqa: S105 - an error code, no secret  # nosec B105
    SIGNATURE_INVALID = "pprl_signature_invalid"


class PprlError(InvalidInput):
    default_code = ErrorCode.FILE_INVALID


class SchemaInvalid(PprlError):
    default_code = ErrorCode.SCHEMA_INVALID


class SchemaMismatch(PprlError):
    default_code = ErrorCode.SCHEMA_MISMATCH


class SignatureInvalid(PprlError):
    default_code = ErrorCode.SIGNATURE_INVALID


class InputInvalid(PprlError):
    default_code = ErrorCode.INPUT_INVALID
