"""Account errors with stable codes."""

from enum import StrEnum

from haven.lib.errors import HavenError, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    LANGUAGE_NOT_OFFERED = "language_not_offered"
    LOGIN_FAILED = "login_failed"
    MEMBER_NOT_FOUND = "member_not_found"
    OTP_INVALID = "otp_invalid"
    OTP_REQUIRED = "otp_required"
    TOKEN_NOT_FOUND = "token_not_found"  # noqa: S105 - an error code, not a secret  # nosec B105


class LoginFailed(NotAllowed):
    # One code for a wrong user name or password, so neither is revealed.
    default_code = ErrorCode.LOGIN_FAILED


class AccountLocked(LoginFailed):
    """Raised for a locked account, but answered exactly as ``LoginFailed`` (same code,
    same words, same status): a lock must not tell that the account exists."""


class LanguageNotOffered(HavenError):
    default_code = ErrorCode.LANGUAGE_NOT_OFFERED


class OtpRequired(NotAllowed):
    default_code = ErrorCode.OTP_REQUIRED


class OtpInvalid(NotAllowed):
    default_code = ErrorCode.OTP_INVALID


class TokenNotFound(NotFound):
    # Someone else's token looks exactly like a missing one.
    default_code = ErrorCode.TOKEN_NOT_FOUND


class MemberNotFound(NotFound):
    # An account the caller may not manage looks exactly like a missing one.
    default_code = ErrorCode.MEMBER_NOT_FOUND


__all__ = [
    "AccountLocked",
    "HavenError",
    "LoginFailed",
    "MemberNotFound",
    "OtpInvalid",
    "OtpRequired",
    "TokenNotFound",
]
