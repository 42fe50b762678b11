"""The signed-in user of a page or an API request, as Haven's own ``User``.

Kept with the accounts that define the user, so that ``haven.lib`` (plumbing
with no domain) needs no import of any app.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from haven.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def acting_user(request: Request) -> User:
    """The authenticated user of an API request."""
    # BearerTokenAuthentication and IsAuthenticated admit only accounts.User.
    assert isinstance(request.user, User)  # noqa: S101 - guaranteed by the settings
    return request.user
