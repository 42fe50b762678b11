"""POST /api/v1/auth/token/: password plus TOTP gives a bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
CASES_URL = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    # The token throttle counts in the cache, which outlives a single test.
    cache.clear()
    yield
    cache.clear()


def test_it_issues_a_bearer_token_for_password_and_totp() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    # when
    response = APIClient().post(
        TOKEN_URL,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer"
    expires_at = parse_datetime(body["expires_at"])
    assert expires_at is not None
    expected = timezone.now() + timedelta(seconds=settings.HAVEN_API_TOKEN_SECONDS)
    assert abs((expires_at - expected).total_seconds()) < 60
    assert response["Cache-Control"] == "no-store"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get(CASES_URL).status_code == 200


def test_it_refuses_a_wrong_password_without_saying_whether_the_user_exists() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    wrong = {"password": "not the password", "otp": totp_now(device)}
    # when
    known = APIClient().post(TOKEN_URL, {"username": user.username, **wrong}, format="json")
    unknown = APIClient().post(TOKEN_URL, {"username": "nobody", **wrong}, format="json")
    # then
    assert known.status_code == unknown.status_code == 403
    assert known.json()["code"] == "login_failed"
    assert known.content == unknown.content


def test_it_refuses_a_locked_account_even_with_the_right_password() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    # when
    locked = APIClient().post(
        TOKEN_URL,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    # then: refused, in the same words as any failed sign-in
    assert locked.status_code == 403
    assert locked.json()["code"] == "login_failed"
    assert "token" not in locked.json()


def test_it_issues_a_token_again_once_the_lock_has_expired() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    # when
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = APIClient().post(
            TOKEN_URL,
            {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
            format="json",
        )
    # then
    assert response.status_code == 201


def test_it_locks_the_account_after_repeated_wrong_passwords() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    client = APIClient()
    for _ in range(settings.HAVEN_LOGIN_MAX_FAILURES):
        client.post(TOKEN_URL, {"username": user.username, "password": "wrong"}, format="json")
    # when
    response = client.post(
        TOKEN_URL,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "login_failed"
    user.refresh_from_db()
    assert user.locked_until is not None


@pytest.mark.parametrize("otp", ["missing", "blank", "letters", "wrong"])
def test_it_refuses_a_caseworker_without_a_valid_one_time_code(otp: str) -> None:
    # given
    user = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    device = confirmed_totp(user)
    valid = totp_now(device)
    codes = {"blank": "", "letters": "abcdef", "wrong": f"{(int(valid) + 1) % 10**6:06d}"}
    body = {"username": user.username, "password": PASSWORD}
    # when (the valid code goes first: after a wrong code django-otp throttles the device)
    accepted = APIClient().post(TOKEN_URL, {**body, "otp": valid}, format="json")
    refused = APIClient().post(
        TOKEN_URL, {**body, "otp": codes[otp]} if otp in codes else body, format="json"
    )
    # then
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_invalid"
    assert "token" not in refused.json()
    assert accepted.status_code == 201


def test_it_throttles_one_time_codes_after_a_wrong_guess() -> None:
    # given
    user = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    device = confirmed_totp(user)
    valid = totp_now(device)
    body = {"username": user.username, "password": PASSWORD}
    APIClient().post(TOKEN_URL, {**body, "otp": f"{(int(valid) + 1) % 10**6:06d}"}, format="json")
    # when
    right_after = APIClient().post(TOKEN_URL, {**body, "otp": valid}, format="json")
    # then
    assert right_after.status_code == 403


def test_it_refuses_a_caseworker_who_has_not_set_up_a_second_factor() -> None:
    # given
    user = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    # when
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, "otp": "123456"}, format="json"
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_it_issues_a_token_without_a_code_to_a_role_that_needs_no_mfa() -> None:
    # given
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    # when
    response = APIClient().post(
        TOKEN_URL, {"username": rapporteur.username, "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 201


def test_it_takes_the_password_exactly_as_typed() -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    user.set_password("  spaces count too  ")
    user.save(update_fields=["password"])
    # when
    exact = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": "  spaces count too  "}, format="json"
    )
    trimmed = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": "spaces count too"}, format="json"
    )
    # then
    assert exact.status_code == 201
    assert trimmed.status_code == 403


def test_it_refuses_a_request_without_a_password_with_a_field_error() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    # when
    response = APIClient().post(TOKEN_URL, {"username": user.username}, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["field_errors"]) == ["password"]


def test_it_rejects_an_expired_token() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    token = (
        APIClient()
        .post(
            TOKEN_URL,
            {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
            format="json",
        )
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    lifetime = timedelta(seconds=settings.HAVEN_API_TOKEN_SECONDS)
    # when
    with time_machine.travel(timezone.now() + lifetime - timedelta(seconds=5), tick=False):
        just_before = client.get(CASES_URL)
    with time_machine.travel(timezone.now() + lifetime + timedelta(seconds=5), tick=False):
        just_after = client.get(CASES_URL)
    # then
    assert just_before.status_code == 200
    assert just_after.status_code == 401
    assert "results" not in just_after.json()


def test_it_rejects_a_token_of_a_deactivated_user() -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    token = (
        APIClient()
        .post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    before = client.get(CASES_URL)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # when
    after = client.get(CASES_URL)
    # then
    assert before.status_code == 200
    assert after.status_code == 401


def test_it_requires_the_bearer_header() -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    token = (
        APIClient()
        .post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
        .json()["token"]
    )
    with_header = APIClient()
    with_header.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    in_query = APIClient()
    # when
    allowed = with_header.get(CASES_URL)
    refused = in_query.get(CASES_URL, {"token": token})
    # then
    assert allowed.status_code == 200
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"


def test_it_slows_down_a_client_that_keeps_guessing() -> None:
    # given
    make_user(org_type=OrgType.NGO, username="target")
    client = APIClient()
    guess = {"username": "target", "password": "guess"}
    # when
    statuses = [client.post(TOKEN_URL, guess, format="json").status_code for _ in range(21)]
    # then
    assert statuses[:20] == [403] * 20
    assert statuses[20] == 429
