"""The one authentication backend: Django's model backend that also refuses
locked accounts.

``user_can_authenticate`` is asked both when a password is checked and when a
session's user is loaded on each request, so a locked or disabled account can
neither sign in anywhere (the admin site's form included) nor go on using a
session it already had.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


def is_locked(user: Any) -> bool:
    until = getattr(user, "locked_until", None)
    return until is not None and until > timezone.now()


class HavenBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not is_locked(user)
