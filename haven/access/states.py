"""The state machine of a cooperation agreement (R-47): proposed by one party,
in effect once every party approved it, or refused by one of them. Ending an
agreement in effect is a date (``ends_on``), not a state: access stops that day.

The model stores these states (``haven.access.models`` imports them from here).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib.states import TransitionTable


class AgreementState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # waiting for every party's approval: nothing flows
    IN_EFFECT = "in_effect", _("In effect")  # every party approved: data flows in its dates
    REFUSED = "refused", _("Refused")  # final: a party refused it, with a reason


S = AgreementState

AGREEMENT_TRANSITIONS: TransitionTable[AgreementState] = TransitionTable(
    AgreementState,
    {
        S.PROPOSED: {S.IN_EFFECT, S.REFUSED},
        S.IN_EFFECT: set(),
        S.REFUSED: set(),
    },
)
