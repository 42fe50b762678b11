"""What a referral's answer tells the apps above it, in the same transaction.

An app that asks for a service through a referral (shelters: a placement request
is a referral of type ``accommodation``) must follow the referral when the
receiver answers or the sender withdraws it, from whichever page or endpoint the
answer comes. ``referrals`` cannot import those apps (they sit on its floor or
above and import it), so each registers a handler here from its
``AppConfig.ready`` and the referral services call every handler, in
registration order, inside their own transaction: a handler that refuses rolls
the answer back. These are plain calls, not signals; ``handlers()`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haven.accounts.models import User
    from haven.referrals.models import Referral


@dataclass(frozen=True)
class ReferralAnswered:
    """The receiver accepted (``accepted``) or declined the referral."""

    referral: Referral
    accepted: bool
    by: User


@dataclass(frozen=True)
class ReferralWithdrawn:
    """The sender withdrew the referral while it waited for an answer."""

    referral: Referral
    by: User


AnsweredHandler = Callable[[ReferralAnswered], None]
WithdrawnHandler = Callable[[ReferralWithdrawn], None]

_answered: dict[str, AnsweredHandler] = {}
_withdrawn: dict[str, WithdrawnHandler] = {}


def _name(handler: Callable[..., object]) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def on_referral_answered(handler: AnsweredHandler) -> AnsweredHandler:
    """Register a handler for every accepted or declined referral (twice keeps one)."""
    _answered[_name(handler)] = handler
    return handler


def on_referral_withdrawn(handler: WithdrawnHandler) -> WithdrawnHandler:
    """Register a handler for every withdrawn referral (twice keeps one)."""
    _withdrawn[_name(handler)] = handler
    return handler


def referral_answered(event: ReferralAnswered) -> None:
    for handler in _answered.values():
        handler(event)


def referral_withdrawn(event: ReferralWithdrawn) -> None:
    for handler in _withdrawn.values():
        handler(event)


def handlers() -> dict[str, list[str]]:
    """The registered handlers by event, in the order they run."""
    return {"referral_answered": list(_answered), "referral_withdrawn": list(_withdrawn)}
