"""Account errors with stable codes."""

from enum import StrEnum

from haven.lib.errors import HavenError, NotAllowed


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    ACCOUNT_LOCKED = "account_locked"
    LOGIN_FAILED = "login_failed"
    OTP_INVALID = "otp_invalid"
    OTP_REQUIRED = "otp_required"


class LoginFailed(NotAllowed):
    # One code for a wrong user name or password, so neither is revealed.
    default_code = ErrorCode.LOGIN_FAILED


class AccountLocked(NotAllowed):
    default_code = ErrorCode.ACCOUNT_LOCKED


class OtpRequired(NotAllowed):
    default_code = ErrorCode.OTP_REQUIRED


class OtpInvalid(NotAllowed):
    default_code = ErrorCode.OTP_INVALID


__all__ = ["AccountLocked", "HavenError", "LoginFailed", "OtpInvalid", "OtpRequired"]
