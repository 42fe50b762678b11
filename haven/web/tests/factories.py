"""Test clients signed in the way the pages expect: password and, where the
role needs it, a verified second factor."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from haven.accounts import policy
from haven.accounts.models import User
from haven.accounts.tests.factories import confirmed_totp


def sign_in(client: Client, user: User) -> Client:
    """Log ``user`` in on ``client`` as if they had passed both sign-in steps."""
    client.force_login(user)
    if policy.user_needs_mfa(user):
        device = confirmed_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
