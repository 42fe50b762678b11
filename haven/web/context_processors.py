"""Values every page needs: the demo-mode banner, and whether the user still owes MFA."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.accounts import policy
from haven.accounts.models import User


def _mfa_pending(user: object) -> bool:
    """Signed in with a password, but the second factor is still owed."""
    if not isinstance(user, User) or not policy.user_needs_mfa(user):
        return False
    verified: bool = user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
    return not verified


def haven(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "mfa_pending": _mfa_pending(getattr(request, "user", None)),
    }
