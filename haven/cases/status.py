"""The identification status state machine (domain rule R-01).

Identification status is kept apart from age status and immigration status.
Every change goes through ``haven.cases.services.case_transition``, which
checks ``TRANSITIONS``, stores the decision maker, date, legal basis
and reasons, and writes the audit event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib.states import TransitionTable


class IdentificationStatus(models.TextChoices):
    POTENTIAL = "potential", _("Potential victim")  # indicators noticed, screening under way
    PRESUMED = "presumed", _("Presumed victim")  # positive reasonable-grounds decision
    IDENTIFIED = "identified", _("Identified victim")  # formal or conclusive identification
    NOT_IDENTIFIED = "not_identified", _("Not identified")  # negative decision, with reasons
    DECLINED_FORMAL_IDENTIFICATION = (
        "declined_formal_identification",
        _("Declined formal identification"),  # the person chose not to be formally identified
    )
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the person left the mechanism


S = IdentificationStatus

TRANSITIONS: TransitionTable[IdentificationStatus] = TransitionTable(
    IdentificationStatus,
    {
        S.POTENTIAL: {S.PRESUMED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
        S.PRESUMED: {S.IDENTIFIED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
        S.IDENTIFIED: {S.WITHDRAWN},
        # A negative decision can be reconsidered on request, at either stage.
        S.NOT_IDENTIFIED: {S.POTENTIAL, S.PRESUMED, S.IDENTIFIED},
        S.DECLINED_FORMAL_IDENTIFICATION: {S.POTENTIAL, S.PRESUMED, S.WITHDRAWN},
        S.WITHDRAWN: {S.POTENTIAL},
    },
)

# Statuses that only an identification decision of the national pathway may set:
# a positive reasonable-grounds decision must start the reflection period in the
# same transaction, so no plain status change may reach them.
DECISION_STATUSES = frozenset({S.PRESUMED, S.IDENTIFIED, S.NOT_IDENTIFIED})

# A person who left the mechanism with one of these can come back: the change back to
# potential reopens the identification pathway, a new round in which a new
# reasonable-grounds decision can be taken (R-01; haven.identification.selectors.rounds).
# A negative decision is not reopened but reconsidered on request.
REOPENS_PATHWAY = frozenset({S.WITHDRAWN, S.DECLINED_FORMAL_IDENTIFICATION})

# Decisions that must carry reasons the person can be given.
NEGATIVE = frozenset({S.NOT_IDENTIFIED})

# Eurostat "registered victims" (T-6).
REGISTERED = frozenset({S.PRESUMED, S.IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION})


def transition_allowed(current: str, target: str) -> bool:
    """Whether the table allows this change; an unknown status is a ValueError."""
    return TRANSITIONS.allowed(IdentificationStatus(current), IdentificationStatus(target))
