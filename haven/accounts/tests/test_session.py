"""Idle session timeout: a session that is not used for the idle period ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user


@pytest.mark.django_db
def test_it_ends_the_session_after_the_idle_timeout(client: Client) -> None:
    # given a signed-in user (a rapporteur: no second factor needed for this test)
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    start = timezone.now()
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("cases:list")).status_code == 200
        # when they come back just before the idle limit, the session is renewed
        clock.shift(idle - timedelta(seconds=30))
        assert client.get(reverse("cases:list")).status_code == 200
        # then after a full idle period without requests it has ended
        clock.shift(idle + timedelta(seconds=30))
        response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
