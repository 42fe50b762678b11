"""Sign-in answers the same whether the account exists or not (issue 12): a
locked account is refused in the very words, status and body of an unknown one,
on the page and at the token endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def _locked_user() -> User:
    user = make_user(org_type=OrgType.NGO)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    return user


def test_the_sign_in_page_answers_a_locked_account_as_an_unknown_one() -> None:
    # given
    locked = _locked_user()
    # when: the right password for the locked account, any password for nobody
    known = Client().post(LOGIN, {"username": locked.username, "password": PASSWORD})
    unknown = Client().post(LOGIN, {"username": "nobody-at-all", "password": PASSWORD})
    # then
    assert known.status_code == unknown.status_code == 200
    said_known = list(known.context["form"].non_field_errors())
    said_unknown = list(unknown.context["form"].non_field_errors())
    assert said_known == said_unknown
    assert len(said_known) == 1


def test_the_token_endpoint_answers_a_locked_account_as_an_unknown_one() -> None:
    # given
    locked = _locked_user()
    device = confirmed_totp(locked)
    # when
    known = APIClient().post(
        TOKEN,
        {"username": locked.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    unknown = APIClient().post(
        TOKEN, {"username": "nobody-at-all", "password": PASSWORD, "otp": "123456"}, format="json"
    )
    # then: the same status, code and words
    assert known.status_code == unknown.status_code == 403
    assert known.json() == unknown.json()
    assert known.json()["code"] == "login_failed"
