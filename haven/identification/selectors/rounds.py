"""Rounds of the identification pathway (R-01, R-17).

A person who withdrew or declined formal identification can come back. The
pathway then reopens: the case's status changes back to
``potential`` (``haven.cases.services.case_transition``, with its decision maker,
date, legal basis and reasons, audited like every status change). That status
change is the start of a new round. The order of the pathway (R-17) is checked
against the decisions of the current round only, so a new reasonable-grounds
decision can be taken; the decisions of earlier rounds stay in the history,
marked as such.

These are plain reads of rows the caller already reached through the case gate:
they authorise and audit nothing themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from haven.cases.models import StatusTransition
from haven.cases.status import REOPENS_PATHWAY, IdentificationStatus

# The statuses from which the pathway reopens, by a status change back to potential.
# A negative decision is not reopened but reconsidered on request, in its own round.
REOPENABLE = REOPENS_PATHWAY


class Recorded(Protocol):
    @property
    def recorded_at(self) -> datetime: ...


T = TypeVar("T", bound=Recorded)


@dataclass(frozen=True)
class Reopening:
    """A status change back to ``potential`` from a status the person left the
    mechanism with (``REOPENABLE``): a new round of the pathway starts."""

    decided_on: date
    recorded_at: datetime
    from_status: str


def reopenings(case_id: uuid.UUID) -> list[Reopening]:
    """The case's reopenings, oldest first."""
    rows = (
        StatusTransition.objects.filter(
            case_id=case_id, to_status=IdentificationStatus.POTENTIAL, from_status__in=REOPENABLE
        )
        .order_by("recorded_at", "id")
        .values_list("decided_on", "recorded_at", "from_status")
    )
    return [Reopening(decided_on=d, recorded_at=r, from_status=f) for d, r, f in rows]


def reopenings_in(transitions: Sequence[Mapping[str, Any]]) -> list[Reopening]:
    """The same, from the status changes ``case_read`` already read (oldest first)."""
    return [
        Reopening(
            decided_on=t["decided_on"], recorded_at=t["recorded_at"], from_status=t["from_status"]
        )
        for t in transitions
        if t["to_status"] == IdentificationStatus.POTENTIAL and t["from_status"] in REOPENABLE
    ]


def round_of(item: Recorded, reopened: Sequence[Reopening]) -> int:
    """The round (1 for the first) that a decision recorded at that time belongs to."""
    return 1 + sum(1 for r in reopened if r.recorded_at <= item.recorded_at)


def current_round(history: Sequence[T], reopened: Sequence[Reopening]) -> list[T]:
    """The decisions of the current round: those recorded since the last reopening."""
    if not reopened:
        return list(history)
    start = reopened[-1].recorded_at
    return [d for d in history if d.recorded_at >= start]
