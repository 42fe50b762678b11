"""Account writes: log-in attempts with lockout, rate limits, MFA enrolment, API tokens
(issued and revoked)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import errors, hooks, policy, selectors
from haven.accounts.backends import is_locked
from haven.accounts.models import ApiToken, Organisation, RateCount, User

RATE_SALT = "haven.accounts.rate"


def login_failed_message() -> str:
    """The one answer to every refused sign-in: wrong name, wrong password or a
    locked account, whether the account exists or not."""
    return _(
        "The user name or password is not correct, or the account is locked for a while "
        "after too many failed attempts."
    )


def user_authenticate(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check a password; repeated failures lock the account for a while.

    A failure is counted in its own transaction, committed before the error is
    raised: raising inside the block would roll the count back, and the lock
    would never come. Callers must not wrap this in an outer transaction.

    Every refusal says the same (``login_failed``), and a password is hashed
    once whatever the case, so neither the answer nor its time tells a locked
    account from an unknown one.

    Every attempt reaches the audit trail (``hooks.signed_in``) in the same
    transaction: never the password, and for a name matching no account only
    that a failure happened.
    """
    channel = hooks.Channel.WEB if request is not None else hooks.Channel.API
    with transaction.atomic():
        candidate = User.objects.select_for_update().filter(username=username).first()
        locked = candidate is not None and is_locked(candidate)
        # The backend refuses a locked account after checking the password.
        user = authenticate(request, username=username, password=password)
        if user is None and candidate is not None and not locked:
            _record_failure(candidate, channel=channel)
        elif isinstance(user, User) and (user.failed_logins or user.locked_until):
            user.failed_logins = 0
            user.locked_until = None
            user.save(update_fields=["failed_logins", "locked_until"])
        _tell_attempt(candidate=candidate, user=user, locked=locked, channel=channel)
    if locked:
        raise errors.AccountLocked(login_failed_message())
    if not isinstance(user, User):
        raise errors.LoginFailed(login_failed_message())
    return user


def _record_failure(user: User, *, channel: hooks.Channel) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.HAVEN_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(seconds=settings.HAVEN_LOGIN_LOCKOUT_SECONDS)
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
        hooks.signed_in(
            hooks.SignIn(event=hooks.SignInEvent.LOCKED_OUT, user=user, channel=channel)
        )
        _tokens_revoke(user=user, actor=None, reason=RevokeReason.ACCOUNT_LOCKED)


def _tell_attempt(
    *, candidate: User | None, user: object, locked: bool, channel: hooks.Channel
) -> None:
    """One sign-in attempt for the trail: accepted, or failed (and why, for an
    account that exists; nothing typed for a name that matches none)."""
    if isinstance(user, User):
        event = hooks.SignIn(event=hooks.SignInEvent.SIGNED_IN, user=user, channel=channel)
    else:
        reason = "locked" if locked else "password"
        event = hooks.SignIn(
            event=hooks.SignInEvent.FAILED, user=candidate, channel=channel, reason=reason
        )
    hooks.signed_in(event)


def rate_allow(*, scope: str, address: str) -> bool:
    """Count one attempt from a client address; False once it is past
    HAVEN_AUTH_RATE_LIMIT attempts in the current window.

    The count is a row per client and fixed window, raised by one atomic UPDATE,
    so every server process shares it. The address is kept only as a keyed hash.
    """
    window = settings.HAVEN_AUTH_RATE_WINDOW_SECONDS
    now = int(timezone.now().timestamp())
    start = datetime.fromtimestamp(now - now % window, tz=UTC)
    client = salted_hmac(RATE_SALT, f"{scope}|{address}", algorithm="sha256").hexdigest()
    with transaction.atomic():
        count, created = RateCount.objects.get_or_create(
            scope=scope, client=client, window_start=start
        )
        RateCount.objects.filter(pk=count.pk).update(hits=F("hits") + 1)
        hits = RateCount.objects.values_list("hits", flat=True).get(pk=count.pk)
        if created:  # once per window: forget the windows before
            RateCount.objects.filter(scope=scope, window_start__lt=start).delete()
    return hits <= settings.HAVEN_AUTH_RATE_LIMIT


def user_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_verify(*, user: User, token: str, channel: hooks.Channel = hooks.Channel.WEB) -> TOTPDevice:
    """Check a TOTP code against the user's confirmed device; a wrong code reaches
    the audit trail."""
    device = user_confirmed_device(user=user)
    if device is None:
        raise errors.OtpRequired(_("Set up two-factor authentication before signing in."))
    if not token or not device.verify_token(token.strip()):
        with transaction.atomic():
            hooks.signed_in(
                hooks.SignIn(event=hooks.SignInEvent.MFA_FAILED, user=user, channel=channel)
            )
        raise errors.OtpInvalid(_("The one-time code is not correct."))
    return device


@transaction.atomic
def user_sign_out(*, user: User) -> None:
    """Tell the audit trail that the user signed out (the view ends the session)."""
    hooks.signed_in(
        hooks.SignIn(event=hooks.SignInEvent.SIGNED_OUT, user=user, channel=hooks.Channel.WEB)
    )


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


def token_digest(raw: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, username: str, password: str, otp: str) -> tuple[str, ApiToken]:
    """Password plus TOTP (where the role needs MFA) gives a bearer token.

    Deliberately not one transaction: a failed password or code must still
    count towards the lockout and django-otp's throttle.
    """
    user = user_authenticate(request=None, username=username, password=password)
    if policy.user_needs_mfa(user):
        otp_verify(user=user, token=otp, channel=hooks.Channel.API)
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=token_digest(raw),
            expires_at=timezone.now() + timedelta(seconds=settings.HAVEN_API_TOKEN_SECONDS),
        )
        hooks.signed_in(
            hooks.SignIn(
                event=hooks.SignInEvent.TOKEN_ISSUED,
                user=user,
                channel=hooks.Channel.API,
                token_id=token.pk,
            )
        )
    return raw, token


def api_token_user(*, raw: str) -> User | None:
    """The account a bearer token stands for: not for a revoked or expired token,
    nor for a disabled or locked account."""
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(
            digest=token_digest(raw),
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )
    if token is None or is_locked(token.user):
        return None
    return token.user


class RevokeReason(StrEnum):
    """Why tokens were revoked, as the audit trail says."""

    BY_USER = "by_user"
    BY_ADMINISTRATOR = "by_administrator"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_DISABLED = "account_disabled"


def _tokens_revoke(
    *, user: User, actor: User | None, reason: RevokeReason, token_id: int | None = None
) -> int:
    """Revoke the user's live tokens (or one of them) and tell the audit trail
    (``hooks``); in the caller's transaction."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if token_id is not None:
        live = live.filter(pk=token_id)
    ids = tuple(live.values_list("pk", flat=True))
    if ids:
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
        hooks.tokens_revoked(
            hooks.TokensRevoked(token_ids=ids, user_id=user.pk, actor=actor, reason=reason)
        )
    return len(ids)


def _member_reason(*, actor: User, member: User) -> RevokeReason:
    return RevokeReason.BY_USER if actor.pk == member.pk else RevokeReason.BY_ADMINISTRATOR


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> int:
    """Revoke one token: the holder's own, or a member's by their organisation's
    administrator. Any other token is ``token_not_found``, as a missing one.
    Returns 1, or 0 if it was revoked already."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or not selectors.may_manage(actor=actor, member=token.user):
        raise errors.TokenNotFound(_("No such token."))
    return _tokens_revoke(
        user=token.user,
        actor=actor,
        reason=_member_reason(actor=actor, member=token.user),
        token_id=token.pk,
    )


@transaction.atomic
def api_tokens_revoke_all(*, actor: User, user_id: int) -> int:
    """Revoke every token of an account: one's own, or a member's by their
    organisation's administrator. Returns how many were revoked."""
    member = selectors.member_for(actor=actor, user_id=user_id)
    return _tokens_revoke(
        user=member, actor=actor, reason=_member_reason(actor=actor, member=member)
    )


@transaction.atomic
def api_tokens_revoke_if_barred(*, actor: User | None, user: User) -> int:
    """After an account was saved (the admin site): a disabled or locked account
    keeps no token."""
    if user.is_active and not is_locked(user):
        return 0
    reason = RevokeReason.ACCOUNT_DISABLED if not user.is_active else RevokeReason.ACCOUNT_LOCKED
    return _tokens_revoke(user=user, actor=actor, reason=reason)


@transaction.atomic
def _offered_languages() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language Haven speaks to the user once signed in: one it ships, or ``""``
    to follow the language switch and the browser. Told to the audit trail."""
    if language and language not in _offered_languages():
        raise errors.LanguageNotOffered(_("Choose a language from the list."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        hooks.profile_changed(hooks.ProfileChanged(user=user, changes={"language": language}))
    return user


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
