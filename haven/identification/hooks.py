"""What a recorded identification decision tells the apps that act on it, in the
same transaction.

Assistance starts the reflection period when a decision of a kind that starts
one is recorded (R-15). It registers its handler here from
``AssistanceConfig.ready``, so identification never imports assistance and the
two apps do not depend on each other in a loop. Plain calls, not signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haven.accounts.models import User
    from haven.cases.models import Case
    from haven.identification.models import IdentificationDecision
    from haven.identification.pathways import DecisionType, Pathway


@dataclass(frozen=True)
class DecisionRecorded:
    actor: User
    case: Case
    pathway: Pathway
    kind: DecisionType
    decision: IdentificationDecision


Handler = Callable[[DecisionRecorded], None]

_recorded: dict[str, Handler] = {}


def on_decision_recorded(handler: Handler) -> Handler:
    """Register a handler for every positive decision (registering twice keeps one)."""
    _recorded[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def decision_recorded(event: DecisionRecorded) -> None:
    for handler in _recorded.values():
        handler(event)


def handlers() -> list[str]:
    return list(_recorded)
