"""Sign-in rate limits count the real client address, in the database, so every
server process shares one count (issue 12): on the sign-in page and the token
endpoint. (The public form: haven/referrals/tests/test_report.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import close_old_connections
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from haven.accounts import services
from haven.accounts.models import RateCount

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
PROXY = "10.0.0.1"
WRONG = {"username": "nobody", "password": "wrong", "otp": ""}


def _token_attempt(remote: str, forwarded: str | None = None) -> int:
    client = APIClient(REMOTE_ADDR=remote)
    if forwarded is not None:
        client.credentials(HTTP_X_FORWARDED_FOR=forwarded)
    return client.post(TOKEN, WRONG, format="json").status_code


@override_settings(HAVEN_TRUSTED_PROXIES=[PROXY], HAVEN_AUTH_RATE_LIMIT=20)
def test_forty_attempts_spraying_forwarded_addresses_all_count_against_the_sender() -> None:
    # when: 40 attempts from one address that is not a trusted proxy, each naming a
    # new X-Forwarded-For (as a client behind no proxy may)
    answers = [_token_attempt(ATTACKER, f"198.51.100.{n}, 192.0.2.{n}") for n in range(40)]
    # then: the first 20 are answered, the other 20 all refused
    assert answers == [403] * 20 + [429] * 20
    assert _token_attempt("198.51.100.1") == 403  # a sprayed address itself is not limited


@override_settings(HAVEN_TRUSTED_PROXIES=[PROXY], HAVEN_AUTH_RATE_LIMIT=3)
def test_through_a_trusted_proxy_the_forwarded_address_is_counted() -> None:
    # when: two clients behind the same proxy
    first = [_token_attempt(PROXY, f"198.51.100.200, {ATTACKER}") for _ in range(4)]
    other = _token_attempt(PROXY, "192.0.2.50")
    # then: each counted on its own, not the proxy
    assert first == [403, 403, 403, 429]
    assert other == 403


# Committed for real: the new connection of "another process" must see the count
# (closing the connection inside a test's transaction would lose it on PostgreSQL).
@pytest.mark.django_db(transaction=True)
@override_settings(HAVEN_AUTH_RATE_LIMIT=3)
def test_every_server_process_shares_one_count() -> None:
    # given: attempts counted by one "process"
    for _ in range(3):
        assert _token_attempt(ATTACKER) == 403
    # when: another process, with none of the first one's memory (no local cache, a new
    # database connection)
    cache.clear()
    close_old_connections()
    # then: it refuses at once
    assert _token_attempt(ATTACKER) == 429
    assert RateCount.objects.get().hits == 4


@override_settings(HAVEN_AUTH_RATE_LIMIT=2, HAVEN_AUTH_RATE_WINDOW_SECONDS=60)
def test_the_count_starts_again_in_the_next_window_and_old_windows_are_forgotten() -> None:
    # given: the limit used up
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        assert [_token_attempt(ATTACKER) for _ in range(3)] == [403, 403, 429]
        # when
        clock.shift(timedelta(seconds=61))
        later = _token_attempt(ATTACKER)
    # then
    assert later == 403
    assert RateCount.objects.count() == 1


@override_settings(HAVEN_TRUSTED_PROXIES=[PROXY], HAVEN_AUTH_RATE_LIMIT=3)
def test_the_sign_in_page_is_limited_by_the_sender_s_address_too() -> None:
    # when
    answers = [
        Client()
        .post(
            LOGIN,
            {"username": "nobody", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        .status_code
        for n in range(5)
    ]
    other = Client().post(LOGIN, {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=PROXY)
    # then
    assert answers == [200, 200, 200, 429, 429]
    assert other.status_code == 200


def test_the_address_is_kept_only_as_a_keyed_hash() -> None:
    services.rate_allow(scope="sign_in", address=ATTACKER)
    stored = RateCount.objects.get()
    assert ATTACKER not in stored.client
    assert len(stored.client) == 64
