"""Values every page needs: the demo-mode banner, whether the user still owes MFA,
and (for the menu) how many of their notifications are unread and how many
referrals wait for their organisation's answer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.accounts import policy
from haven.accounts.models import User
from haven.deadlines import selectors as deadline_selectors
from haven.referrals.selectors import referrals as referral_selectors


def _mfa_pending(user: object) -> bool:
    """Signed in with a password, but the second factor is still owed."""
    if not isinstance(user, User) or not policy.user_needs_mfa(user):
        return False
    verified: bool = user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
    return not verified


def _no_notifications() -> int:
    return 0


def _unread_notifications(user: object) -> Callable[[], int]:
    """A callable, so that the one count query runs only on pages that show it
    (the template calls it once, in ``{% with %}``)."""
    if not isinstance(user, User):
        return _no_notifications
    return functools.partial(deadline_selectors.notifications_unread_count, user=user)


def _no_referrals() -> int | None:
    return None


def _referrals_waiting(user: object) -> Callable[[], int | None]:
    """A callable like the notifications count: its one query runs only where the
    menu shows it; None (no menu item) for a user without a case role."""
    if not isinstance(user, User):
        return _no_referrals
    return functools.partial(referral_selectors.referrals_waiting_count, user=user)


def haven(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "mfa_pending": _mfa_pending(user),
        "unread_notifications": _unread_notifications(user),
        "referrals_waiting": _referrals_waiting(user),
    }
