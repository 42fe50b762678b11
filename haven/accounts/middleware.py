"""Sends signed-in users who still owe a second factor to the MFA step."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from haven.accounts import policy
from haven.accounts.models import User

# Pages a half-signed-in user may reach: the MFA step itself, log-out, assets (not the
# rest of /accounts/: the token pages need the second factor like any other).
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/mfa/",
    "/accounts/logout/",
    "/static/",
    "/api/",
    "/i18n/",
    "/report/",
)


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and policy.user_needs_mfa(user)
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect("accounts:mfa")
        return self.get_response(request)
