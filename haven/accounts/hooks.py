"""What a token revocation, every sign-in and a change of one's own profile tell the
audit trail, in the same transaction.

``audit`` imports ``accounts`` (it copies who acted from the user), so accounts
cannot call it. Instead an app above both registers a handler here from its
``AppConfig.ready``, and every revocation (or sign-in event) calls each handler,
in registration order, inside its own transaction: a handler that fails rolls
the change back, so nothing happens without its record. Plain calls, not
signals: ``handlers()``, ``sign_in_handlers()`` and ``profile_handlers()`` show the
lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from haven.accounts.models import User


@dataclass(frozen=True)
class TokensRevoked:
    """Tokens of one account revoked at once: who revoked them (None: Haven itself,
    when failed attempts locked the account) and why."""

    token_ids: tuple[int, ...]
    user_id: int
    actor: User | None
    reason: str


Handler = Callable[[TokensRevoked], None]

_revoked: dict[str, Handler] = {}


def on_tokens_revoked(handler: Handler) -> Handler:
    """Register a handler for every revocation (registering twice keeps one)."""
    _revoked[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def tokens_revoked(event: TokensRevoked) -> None:
    for handler in _revoked.values():
        handler(event)


def handlers() -> list[str]:
    """The registered handlers, in the order they run."""
    return list(_revoked)


class SignInEvent(StrEnum):
    """What happened at a way in, as the audit trail says."""

    SIGNED_IN = "signed_in"  # the password was accepted (a second factor may follow)
    FAILED = "sign_in_failed"  # a wrong password, or any attempt on a locked account
    LOCKED_OUT = "locked_out"  # this failure locked the account for a while
    MFA_FAILED = "mfa_failed"  # a wrong one-time code
    SIGNED_OUT = "signed_out"
    TOKEN_ISSUED = "token_issued"  # noqa: S105 - an event name, no secret  # nosec B105


class Channel(StrEnum):
    WEB = "web"  # the sign-in pages (the admin site signs in through them)
    API = "api"  # the token endpoint


@dataclass(frozen=True)
class SignIn:
    """One sign-in event. ``user`` is None when the name typed matches no account:
    the trail then records that a failure happened, and nothing typed."""

    event: SignInEvent
    user: User | None
    channel: Channel
    reason: str = ""  # for a failure: "password" or "locked"
    token_id: int | None = None  # for an issued token


SignInHandler = Callable[[SignIn], None]

_sign_ins: dict[str, SignInHandler] = {}


def on_sign_in(handler: SignInHandler) -> SignInHandler:
    """Register a handler for every sign-in event (registering twice keeps one)."""
    _sign_ins[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def signed_in(event: SignIn) -> None:
    for handler in _sign_ins.values():
        handler(event)


def sign_in_handlers() -> list[str]:
    """The registered sign-in handlers, in the order they run."""
    return list(_sign_ins)


@dataclass(frozen=True)
class ProfileChanged:
    """A user changed their own profile: which fields, and their new values (the
    language: no personal data)."""

    user: User
    changes: dict[str, str]


ProfileHandler = Callable[[ProfileChanged], None]

_profiles: dict[str, ProfileHandler] = {}


def on_profile_changed(handler: ProfileHandler) -> ProfileHandler:
    """Register a handler for every profile change (registering twice keeps one)."""
    _profiles[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def profile_changed(event: ProfileChanged) -> None:
    for handler in _profiles.values():
        handler(event)


def profile_handlers() -> list[str]:
    """The registered profile handlers, in the order they run."""
    return list(_profiles)
