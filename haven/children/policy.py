"""Who may change a person's age status after intake, and which way (R-10). One
rule for the service that refuses and the pages and API that offer the forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgeActions:
    record_assessment: bool  # an age assessment, any result: the only way out
    new_information: bool  # into child protections at once, for one not treated as a child


def age_actions(*, writable: bool, treat_as_child: bool) -> AgeActions:
    """``writable``: the legal group of the case passes the case gate for a write (a
    team member, not break-glass, the person's data not erased)."""
    return AgeActions(
        record_assessment=writable,
        new_information=writable and not treat_as_child,
    )
