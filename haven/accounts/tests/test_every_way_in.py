"""Every way in uses the same authentication (issue 12): the admin site signs in
through Haven's own page, so lockout and MFA apply there too, and a lock ends the
sessions already open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA = "/accounts/mfa/"
ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"
CASES = "/cases/"


def _staff(*, locked: bool) -> User:
    user = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, is_staff=True, is_superuser=True)
    if locked:
        User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
        user.refresh_from_db()
    return user


def _sign_in_at_haven(client: Client, user: User) -> None:
    """Password, then the second factor, through Haven's own pages."""
    device = confirmed_totp(user)
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    client.post(MFA, {"token": totp_now(device)})


def _is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("locked", [False, True])
def test_a_locked_staff_account_gets_into_neither_the_admin_site_nor_the_cases(
    locked: bool,
) -> None:
    # given: the same staff account, unlocked or locked
    user = _staff(locked=locked)
    client = Client()
    # when: signing in at Haven, then opening the admin site and the cases
    _sign_in_at_haven(client, user)
    admin = client.get(ADMIN)
    cases = client.get(CASES)
    # then
    if locked:
        assert not _is_signed_in(client)
        assert admin.status_code == 302 and admin["Location"].startswith(ADMIN_LOGIN)
        assert cases.status_code == 302 and cases["Location"].startswith(LOGIN)
    else:
        assert _is_signed_in(client)
        assert admin.status_code == 200
        assert cases.status_code == 200


@pytest.mark.parametrize("locked", [False, True])
def test_the_admin_sign_in_form_is_not_served_a_password_alone_signs_in_nobody(
    locked: bool,
) -> None:
    # given
    user = _staff(locked=locked)
    client = Client()
    # when: the admin site's own form, with the right password
    shown = client.get(ADMIN_LOGIN)
    posted = client.post(
        f"{ADMIN_LOGIN}?next={ADMIN}",
        {"username": user.username, "password": PASSWORD, "next": ADMIN},
    )
    # then: both go to Haven's sign-in (lockout, rate limit, MFA), and nobody is signed in
    assert shown.status_code == posted.status_code == 302
    assert shown["Location"].startswith(LOGIN)
    assert posted["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    assert not _is_signed_in(client)
    assert client.get(ADMIN).status_code == 302
    assert client.get(CASES).status_code == 302


def test_a_lock_ends_a_session_already_open() -> None:
    # given: a staff account signed in with both factors, at work in the admin and the cases
    user = _staff(locked=False)
    client = Client()
    _sign_in_at_haven(client, user)
    assert client.get(ADMIN).status_code == 200
    assert client.get(CASES).status_code == 200
    # when: the account is locked (failed attempts elsewhere, or by an administrator)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    # then: the open session no longer opens anything
    admin = client.get(ADMIN)
    cases = client.get(CASES)
    assert admin.status_code == 302 and admin["Location"].startswith(ADMIN_LOGIN)
    assert cases.status_code == 302 and cases["Location"].startswith(LOGIN)


def test_a_disabled_account_s_session_ends_too() -> None:
    # given
    user = _staff(locked=False)
    client = Client()
    _sign_in_at_haven(client, user)
    assert client.get(CASES).status_code == 200
    # when
    User.objects.filter(pk=user.pk).update(is_active=False)
    # then
    assert client.get(CASES).status_code == 302


def test_the_token_pages_need_the_second_factor_like_any_other_page() -> None:
    # given: the password given, the second factor not yet
    user = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    confirmed_totp(user)
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    # when
    response = client.get("/accounts/tokens/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(MFA)


@pytest.mark.parametrize("staff", [True, False])
def test_a_signed_in_account_that_is_not_staff_is_refused_by_the_admin_site(staff: bool) -> None:
    # given: one account with both factors, staff or not
    user = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, is_staff=staff)
    client = Client()
    _sign_in_at_haven(client, user)
    # when
    response = client.get(ADMIN, follow=True)
    # then
    assert response.status_code == (200 if staff else 403)
