"""Account errors with stable codes."""

from haven.lib.errors import HavenError, NotAllowed


class LoginFailed(NotAllowed):
    # One code for a wrong user name or password, so neither is revealed.
    default_code = "login_failed"


class AccountLocked(NotAllowed):
    default_code = "account_locked"


class OtpRequired(NotAllowed):
    default_code = "otp_required"


class OtpInvalid(NotAllowed):
    default_code = "otp_invalid"


__all__ = ["AccountLocked", "HavenError", "LoginFailed", "OtpInvalid", "OtpRequired"]
