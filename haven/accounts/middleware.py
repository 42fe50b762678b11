"""Sends signed-in users who still owe a second factor to the MFA step, and speaks to
every signed-in user in the language of their profile."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

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


def user_language_activate(request: HttpRequest, user: User) -> None:
    """The user's own language, if their profile names one Haven ships, for the rest of
    the request (``LocaleMiddleware`` then names it in Content-Language)."""
    if user.language and user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class UserLanguageMiddleware:
    """After sign-in, the profile's language wins over the language switch's cookie and
    the browser's Accept-Language, which ``LocaleMiddleware`` chose from before the user
    was known (and still chooses for a user without one, and on the public pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if isinstance(request.user, User):
            user_language_activate(request, request.user)
        return self.get_response(request)
