"""What a restore's replay of the erasure ledger tells the apps above the vault.

The vault knows data keys, not whose they are. When ``haven restore`` destroys keys
again that the erasure ledger lists (``services.erasures_replay``), the apps that own
those keys mark their rows erased, as their own erasure would have: ``cases``
registers a handler here from its ``AppConfig.ready``. Each handler runs inside the
restore's transaction; one that fails rolls the whole restore back. Plain calls, not
signals: ``handlers()`` shows the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class KeysShredded:
    """Data keys destroyed again by a replay: each id with when it was first destroyed."""

    destroyed: Mapping[uuid.UUID, datetime]


Handler = Callable[[KeysShredded], None]

_shredded: dict[str, Handler] = {}


def on_keys_shredded(handler: Handler) -> Handler:
    """Register a handler for every replay that destroyed keys (registering twice keeps one)."""
    _shredded[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def keys_shredded(event: KeysShredded) -> None:
    for handler in _shredded.values():
        handler(event)


def handlers() -> list[str]:
    """The registered handlers, in the order they run."""
    return list(_shredded)
