"""The state machine of a placement: proposed → accepted by the shelter →
started (the person lives there) → ended; or declined by the shelter, or
withdrawn by the case lead while it waits. Every move is one action of this
table; ``placement_next`` refuses any other with ``transition_not_allowed``.
The states themselves are ``models.PlacementState``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.lib.states import ActionTable
from haven.shelters.errors import PlacementTransitionRefused
from haven.shelters.models import PlacementState


class PlacementAction(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("Accepted")  # by the shelter (through its referral)
    DECLINE = "decline", gettext_lazy("Declined")  # by the shelter, with a reason
    WITHDRAW = "withdraw", gettext_lazy("Withdrawn")  # by the case lead, before the move
    START = "start", gettext_lazy("Moved in")  # by the shelter, naming the bed
    END = "end", gettext_lazy("Ended")  # by the shelter or the case lead, with a reason


P = PlacementState

PLACEMENT_TRANSITIONS: ActionTable[PlacementState, PlacementAction] = ActionTable(
    PlacementState,
    {
        P.PROPOSED: {
            PlacementAction.ACCEPT: P.ACCEPTED,
            PlacementAction.DECLINE: P.DECLINED,
            PlacementAction.WITHDRAW: P.WITHDRAWN,
        },
        P.ACCEPTED: {PlacementAction.START: P.STARTED, PlacementAction.WITHDRAW: P.WITHDRAWN},
        P.STARTED: {PlacementAction.END: P.ENDED},
        P.DECLINED: {},
        P.WITHDRAWN: {},
        P.ENDED: {},
    },
)


def placement_next(state: str, action: str) -> PlacementState:
    """The state a placement in ``state`` reaches by ``action``, or a Conflict."""

    def refused() -> PlacementTransitionRefused:
        return PlacementTransitionRefused(
            _("This placement cannot do that now (it is: %(state)s).")
            % {"state": PlacementState(state).label}
        )

    return PLACEMENT_TRANSITIONS.require(state, action, refused)
