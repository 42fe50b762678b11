"""What a token revocation tells the audit trail, in the same transaction.

``audit`` imports ``accounts`` (it copies who acted from the user), so accounts
cannot call it. Instead the audit app registers a handler here from its
``AppConfig.ready``, and every revocation calls each handler, in registration
order, inside its own transaction: a handler that fails rolls the revocation
back, so no token is revoked without its record. Plain calls, not signals:
``handlers()`` shows the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
