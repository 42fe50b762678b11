"""Sign-in pages end to end: password, lockout, MFA, enrolment, demo mode, sign-out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
MFA = reverse("accounts:mfa")
CASES = reverse("cases:list")
HOME = reverse("web:home")  # where signing in lands (roles without cases go on to CASES)


def _password_step(client: Client, user: User, password: str = PASSWORD, next_url: str = "") -> str:
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    return response.headers.get("Location", "")


def _is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_shows_the_login_form_with_labelled_fields(client: Client) -> None:
    # when
    response = client.get(LOGIN)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html


def test_it_signs_in_a_role_without_mfa_straight_to_the_home_page(client: Client) -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    location = _password_step(client, user)

    # then
    assert location == HOME
    assert client.get(CASES).status_code == 200


def test_it_sends_a_caseworker_to_the_mfa_step_after_the_password(client: Client) -> None:
    # given
    user = make_user()
    confirmed_totp(user)

    # when
    location = _password_step(client, user)

    # then
    assert location.startswith(MFA)
    assert _is_signed_in(client)


def test_it_keeps_a_half_signed_in_user_on_the_mfa_page(client: Client) -> None:
    # given
    user = make_user()
    confirmed_totp(user)
    _password_step(client, user)

    # when
    response = client.get(CASES)

    # then
    assert response.status_code == 302
    assert response.headers["Location"] == MFA


def test_it_signs_in_with_a_valid_one_time_code(client: Client) -> None:
    # given
    user = make_user()
    device = confirmed_totp(user)
    _password_step(client, user)

    # when
    response = client.post(MFA, {"token": totp_now(device), "next": CASES})

    # then
    assert response.status_code == 302
    assert response.headers["Location"] == CASES  # the "next" page it was given
    assert client.get(CASES).status_code == 200


def test_it_refuses_a_wrong_one_time_code_beside_the_field(client: Client) -> None:
    # given
    user = make_user()
    device = confirmed_totp(user)
    _password_step(client, user)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"

    # when
    response = client.post(MFA, {"token": wrong})

    # then
    assert response.status_code == 200
    assert 'id="id_token_error"' in response.content.decode()
    assert client.get(CASES).status_code == 302


def test_it_goes_to_a_local_next_page_after_both_steps(client: Client) -> None:
    # given
    user = make_user()
    device = confirmed_totp(user)
    new_case = reverse("cases:new")

    # when
    location = _password_step(client, user, next_url=new_case)
    response = client.post(location, {"token": totp_now(device)})

    # then
    assert response.headers["Location"] == new_case


def test_it_ignores_a_next_page_on_another_site(client: Client) -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    location = _password_step(client, user, next_url="https://evil.example/")

    # then
    assert location == HOME


def test_it_gives_one_message_for_a_wrong_user_name_and_a_wrong_password(client: Client) -> None:
    # given
    user = make_user()

    # when
    wrong_password = client.post(LOGIN, {"username": user.username, "password": "nope"})
    wrong_user = client.post(LOGIN, {"username": "nobody-here", "password": PASSWORD})

    # then
    assert wrong_password.status_code == wrong_user.status_code == 200
    errors_a = list(wrong_password.context["form"].non_field_errors())
    errors_b = list(wrong_user.context["form"].non_field_errors())
    assert errors_a == errors_b
    assert len(errors_a) == 1
    assert not _is_signed_in(client)


@override_settings(HAVEN_LOGIN_MAX_FAILURES=3)
def test_it_locks_the_account_after_repeated_failures(client: Client) -> None:
    # given
    user = make_user()
    failed = client.post(LOGIN, {"username": user.username, "password": "wrong"})
    for _attempt in range(2):
        client.post(LOGIN, {"username": user.username, "password": "wrong"})

    # when
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    # then: refused in the words of any failure (a lock tells nothing of the account)
    assert response.status_code == 200
    locked = list(response.context["form"].non_field_errors())
    assert locked == list(failed.context["form"].non_field_errors())
    assert not _is_signed_in(client)
    user.refresh_from_db()
    assert user.locked_until is not None


def test_it_enrols_a_new_device_with_a_qr_code_and_the_secret(client: Client) -> None:
    # given
    user = make_user()
    _password_step(client, user)

    # when
    page = client.get(MFA)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(MFA, {"token": totp_now(device)})

    # then
    html = page.content.decode()
    assert "<svg" in html
    assert "data:" not in html
    assert page.context["secret"].replace(" ", "")
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(CASES).status_code == 200


def test_it_does_not_confirm_enrolment_with_a_wrong_code(client: Client) -> None:
    # given
    user = make_user()
    _password_step(client, user)
    client.get(MFA)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"

    # when
    response = client.post(MFA, {"token": wrong})

    # then
    assert response.status_code == 200
    assert 'id="id_token_error"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(CASES).status_code == 302


@pytest.mark.parametrize(
    ("demo_mode", "is_demo", "skips_mfa"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_it_lets_only_demo_accounts_in_demo_mode_skip_mfa(
    client: Client, demo_mode: bool, is_demo: bool, skips_mfa: bool
) -> None:
    # given
    user = make_user(is_demo=is_demo)

    # when
    with override_settings(DEMO_MODE=demo_mode):
        location = _password_step(client, user)
        cases = client.get(CASES)

    # then
    assert (location == HOME) is skips_mfa
    assert (cases.status_code == 200) is skips_mfa


@override_settings(DEMO_MODE=True)
def test_it_shows_the_demo_banner_on_every_page_in_demo_mode(client: Client) -> None:
    # when
    response = client.get(LOGIN)

    # then
    assert 'class="demo-banner"' in response.content.decode()


def test_it_shows_no_demo_banner_outside_demo_mode(client: Client) -> None:
    # when
    response = client.get(LOGIN)

    # then
    assert 'class="demo-banner"' not in response.content.decode()


def test_it_signs_out_only_by_post(client: Client) -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    _password_step(client, user)

    # when
    by_get = client.get(reverse("accounts:logout"))
    by_post = client.post(reverse("accounts:logout"))

    # then
    assert by_get.status_code == 405
    assert by_post.status_code == 302
    assert by_post.headers["Location"] == LOGIN
    assert not _is_signed_in(client)


def test_it_sends_signed_out_visitors_to_the_login_page(client: Client) -> None:
    # when
    response = client.get(CASES)

    # then
    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN)
