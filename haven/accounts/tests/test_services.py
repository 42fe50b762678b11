"""Account services: lockout, one-time codes, enrolment, API tokens, demo accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django import Settings

from haven.accounts import errors, services
from haven.accounts.models import ApiToken, OrgType, Role, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now


def wrong(user: User) -> None:
    with pytest.raises(errors.LoginFailed):
        services.user_authenticate(request=None, username=user.username, password="wrong")


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --- passwords and lockout -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_signs_in_with_the_right_password() -> None:
    # given
    user = make_user()

    # when
    signed_in = services.user_authenticate(request=None, username=user.username, password=PASSWORD)

    # then
    assert signed_in.pk == user.pk


@pytest.mark.django_db
def test_it_gives_one_code_for_an_unknown_user_and_a_wrong_password() -> None:
    # given
    user = make_user()

    # when
    with pytest.raises(errors.LoginFailed) as unknown:
        services.user_authenticate(request=None, username="nobody", password=PASSWORD)
    with pytest.raises(errors.LoginFailed) as mistyped:
        services.user_authenticate(request=None, username=user.username, password="wrong")

    # then
    assert unknown.value.code == mistyped.value.code == "login_failed"


@pytest.mark.django_db
def test_it_counts_failures_even_though_the_attempt_fails(settings: Settings) -> None:
    # given
    settings.HAVEN_LOGIN_MAX_FAILURES = 5
    user = make_user()

    # when
    wrong(user)
    wrong(user)

    # then: the count survives the failed attempt's own transaction
    assert fresh(user).failed_logins == 2


@pytest.mark.django_db
def test_it_locks_the_account_after_the_configured_number_of_failures(settings: Settings) -> None:
    # given
    settings.HAVEN_LOGIN_MAX_FAILURES = 3
    settings.HAVEN_LOGIN_LOCKOUT_SECONDS = 600
    user = make_user()
    wrong(user)
    wrong(user)
    assert fresh(user).locked_until is None

    # when
    wrong(user)

    # then: even the right password is refused now
    assert fresh(user).locked_until is not None
    with pytest.raises(errors.AccountLocked) as raised:
        services.user_authenticate(request=None, username=user.username, password=PASSWORD)
    assert raised.value.code == "login_failed"  # said as for any failure


@pytest.mark.django_db
def test_it_unlocks_the_account_when_the_lock_expires(settings: Settings) -> None:
    # given: locked now
    settings.HAVEN_LOGIN_MAX_FAILURES = 2
    settings.HAVEN_LOGIN_LOCKOUT_SECONDS = 600
    user = make_user()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        wrong(user)
        wrong(user)

        # when: just before, and just after, the lock ends
        clock.shift(timedelta(seconds=590))
        with pytest.raises(errors.AccountLocked):
            services.user_authenticate(request=None, username=user.username, password=PASSWORD)
        clock.shift(timedelta(seconds=20))
        signed_in = services.user_authenticate(
            request=None, username=user.username, password=PASSWORD
        )

    # then
    assert signed_in.pk == user.pk
    assert fresh(user).locked_until is None


@pytest.mark.django_db
def test_it_resets_the_failure_count_on_success(settings: Settings) -> None:
    # given
    settings.HAVEN_LOGIN_MAX_FAILURES = 3
    user = make_user()
    wrong(user)
    wrong(user)

    # when
    services.user_authenticate(request=None, username=user.username, password=PASSWORD)
    wrong(user)
    wrong(user)

    # then: two new failures, not four: still not locked
    assert fresh(user).failed_logins == 2
    assert fresh(user).locked_until is None


@pytest.mark.django_db
def test_it_refuses_an_inactive_user_with_the_same_code() -> None:
    # given
    user = make_user(is_active=False)

    # then
    with pytest.raises(errors.LoginFailed):
        services.user_authenticate(request=None, username=user.username, password=PASSWORD)


# --- one-time codes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_accepts_the_current_code_of_the_confirmed_device() -> None:
    # given
    user = make_user()
    device = confirmed_totp(user)

    # then
    assert services.otp_verify(user=user, token=f" {totp_now(device)} ") == device


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "000000x", "12345"])
def test_it_refuses_a_wrong_code(token: str) -> None:
    # given
    user = make_user()
    confirmed_totp(user)

    # when
    with pytest.raises(errors.OtpInvalid) as raised:
        services.otp_verify(user=user, token=token)

    # then
    assert raised.value.code == "otp_invalid"


@pytest.mark.django_db
def test_it_asks_for_enrolment_when_there_is_no_confirmed_device() -> None:
    # given: enrolment started but not confirmed
    user = make_user()
    device = services.otp_enrol_start(user=user)

    # when
    with pytest.raises(errors.OtpRequired) as raised:
        services.otp_verify(user=user, token=totp_now(device))

    # then
    assert raised.value.code == "otp_required"
    assert services.user_confirmed_device(user=user) is None


@pytest.mark.django_db
def test_it_confirms_enrolment_with_a_code_and_replaces_the_old_device() -> None:
    # given
    user = make_user()
    old = confirmed_totp(user)
    device = services.otp_enrol_start(user=user)
    assert services.otp_enrol_start(user=user) == device  # reused, not duplicated

    # when
    with pytest.raises(errors.OtpInvalid):
        services.otp_enrol_confirm(user=user, token="000000x")
    confirmed = services.otp_enrol_confirm(user=user, token=totp_now(device))

    # then
    assert confirmed.confirmed
    assert services.user_confirmed_device(user=user) == device
    assert not type(old).objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_it_refuses_confirmation_without_an_enrolment_under_way() -> None:
    # given
    user = make_user()

    # then
    with pytest.raises(errors.OtpInvalid):
        services.otp_enrol_confirm(user=user, token="123456")


# --- API tokens ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_issues_a_token_to_a_caseworker_only_with_a_one_time_code() -> None:
    # given
    user = make_user(role=Role.CASEWORKER)
    device = confirmed_totp(user)

    # when
    with pytest.raises(errors.OtpInvalid):
        services.api_token_issue(username=user.username, password=PASSWORD, otp="")
    raw, token = services.api_token_issue(
        username=user.username, password=PASSWORD, otp=totp_now(device)
    )

    # then: only the digest is stored
    assert ApiToken.objects.count() == 1
    assert raw not in token.digest
    assert services.api_token_user(raw=raw) == user


@pytest.mark.django_db
def test_it_issues_a_token_to_the_rapporteur_without_a_one_time_code() -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    raw, _token = services.api_token_issue(username=user.username, password=PASSWORD, otp="")

    # then
    assert services.api_token_user(raw=raw) == user


@pytest.mark.django_db
def test_it_counts_a_wrong_password_at_the_token_endpoint(settings: Settings) -> None:
    # given
    settings.HAVEN_LOGIN_MAX_FAILURES = 2
    user = make_user()

    # when
    for _attempt in range(2):
        with pytest.raises(errors.LoginFailed):
            services.api_token_issue(username=user.username, password="wrong", otp="")

    # then
    assert fresh(user).locked_until is not None
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_it_throttles_wrong_codes_at_the_token_endpoint() -> None:
    # given
    user = make_user()
    device = confirmed_totp(user)

    # when
    with pytest.raises(errors.OtpInvalid):
        services.api_token_issue(username=user.username, password=PASSWORD, otp="000000")

    # then: django-otp's throttle survived the failed request
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.django_db
def test_it_expires_tokens(settings: Settings) -> None:
    # given
    settings.HAVEN_API_TOKEN_SECONDS = 3600
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        raw, _token = services.api_token_issue(username=user.username, password=PASSWORD, otp="")

        # when
        clock.shift(timedelta(seconds=3590))
        before_expiry = services.api_token_user(raw=raw)
        clock.shift(timedelta(seconds=20))
        after_expiry = services.api_token_user(raw=raw)

    # then
    assert before_expiry == user
    assert after_expiry is None


@pytest.mark.django_db
def test_it_refuses_an_unknown_token_and_one_of_an_inactive_user() -> None:
    # given
    user = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    raw, _token = services.api_token_issue(username=user.username, password=PASSWORD, otp="")
    User.objects.filter(pk=user.pk).update(is_active=False)

    # then
    assert services.api_token_user(raw="not-a-token") is None
    assert services.api_token_user(raw=raw) is None


# --- demo accounts -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_demo_users_skip_mfa_only_in_demo_mode(settings: Settings) -> None:
    # given
    demo = make_user(role=Role.CASEWORKER, is_demo=True)

    # when
    settings.DEMO_MODE = False
    with pytest.raises(errors.OtpRequired):
        services.api_token_issue(username=demo.username, password=PASSWORD, otp="")
    settings.DEMO_MODE = True
    raw, _token = services.api_token_issue(username=demo.username, password=PASSWORD, otp="")

    # then
    assert services.api_token_user(raw=raw) == demo


# --- organisations and users ---------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_an_organisation_and_a_user_with_a_hashed_password() -> None:
    # when
    org = services.organisation_create(name="Pro-tukipiste", org_type=OrgType.NGO, country="fi")
    user = services.user_create(
        username="aino.caseworker",
        password=PASSWORD,
        organisation=org,
        role=Role.CASEWORKER,
        is_demo=True,
    )

    # then
    assert org.country == "FI"
    assert user.check_password(PASSWORD)
    assert user.password != PASSWORD
    assert user.is_demo


@pytest.mark.django_db
def test_it_refuses_an_unknown_organisation_type_or_role() -> None:
    from django.core.exceptions import ValidationError

    # then
    with pytest.raises(ValidationError):
        services.organisation_create(name="X", org_type="gang", country="FI")
    with pytest.raises(ValidationError):
        services.user_create(username="x", password=PASSWORD, organisation=None, role="boss")
