"""Bearer-token authentication for the API (kept apart from api.py: DRF
imports authentication classes while it is itself being imported)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from haven.accounts import services
from haven.accounts.middleware import user_language_activate
from haven.accounts.models import User


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, str] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Invalid Authorization header."))
        raw = header[1].decode("ascii", errors="replace")
        user = services.api_token_user(raw=raw)
        if user is None:
            raise AuthenticationFailed(_("Invalid or expired token."))
        # Known only now (after the middleware ran): answer in the user's language.
        user_language_activate(request._request, user)
        return user, raw

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
