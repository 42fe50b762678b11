"""Account writes: log-in attempts with lockout, MFA enrolment, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import errors, policy
from haven.accounts.models import ApiToken, Organisation, User


def user_authenticate(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check a password; repeated failures lock the account for a while.

    A failure is counted in its own transaction, committed before the error is
    raised: raising inside the block would roll the count back, and the lock
    would never come. Callers must not wrap this in an outer transaction.
    """
    with transaction.atomic():
        candidate = User.objects.select_for_update().filter(username=username).first()
        if candidate is not None and _locked(candidate):
            raise errors.AccountLocked(
                _("This account is locked after too many failed attempts. Try again later.")
            )
        user = authenticate(request, username=username, password=password)
        if user is None and candidate is not None:
            _record_failure(candidate)
        elif isinstance(user, User) and (user.failed_logins or user.locked_until):
            user.failed_logins = 0
            user.locked_until = None
            user.save(update_fields=["failed_logins", "locked_until"])
    if not isinstance(user, User):
        raise errors.LoginFailed(_("The user name or password is not correct."))
    return user


def _locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


def _record_failure(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.HAVEN_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(seconds=settings.HAVEN_LOGIN_LOCKOUT_SECONDS)
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])


def user_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_verify(*, user: User, token: str) -> TOTPDevice:
    """Check a TOTP code against the user's confirmed device."""
    device = user_confirmed_device(user=user)
    if device is None:
        raise errors.OtpRequired(_("Set up two-factor authentication before signing in."))
    if not token or not device.verify_token(token.strip()):
        raise errors.OtpInvalid(_("The one-time code is not correct."))
    return device


@transaction.atomic
def otp_enrol_start(*, user: User) -> TOTPDevice:
    """Create (or reuse) the user's unconfirmed TOTP device for enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Haven", confirmed=False)
    return device


@transaction.atomic
def otp_enrol_confirm(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not token or not device.verify_token(token.strip()):
        raise errors.OtpInvalid(_("The one-time code is not correct."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, username: str, password: str, otp: str) -> tuple[str, ApiToken]:
    """Password plus TOTP (where the role needs MFA) gives a bearer token.

    Deliberately not one transaction: a failed password or code must still
    count towards the lockout and django-otp's throttle.
    """
    user = user_authenticate(request=None, username=username, password=password)
    if policy.user_needs_mfa(user):
        otp_verify(user=user, token=otp)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=_digest(raw),
        expires_at=timezone.now() + timedelta(seconds=settings.HAVEN_API_TOKEN_SECONDS),
    )
    return raw, token


def api_token_user(*, raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=_digest(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None


@transaction.atomic
def organisation_create(
    *, name: str, org_type: str, country: str, region: str = ""
) -> Organisation:
    org = Organisation(name=name, org_type=org_type, country=country.upper(), region=region)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    organisation: Organisation | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_demo: bool = False,
) -> User:
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_demo=is_demo,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
