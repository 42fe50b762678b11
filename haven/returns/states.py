"""The state machine of a return plan: draft → approved → returned (with the actual
date) or cancelled; an approved plan may go back to draft to be changed. Every move
is one action of this table; ``plan_next`` refuses any other with
``transition_not_allowed``. The states are ``models.ReturnPlanState``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.lib.states import ActionTable
from haven.returns.errors import TransitionRefused
from haven.returns.models import ReturnPlanState


class PlanAction(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")  # nothing blocking, warnings acknowledged
    REOPEN = "reopen", gettext_lazy("Back to preparation")  # to change an approved plan
    MARK_RETURNED = "mark_returned", gettext_lazy("Mark returned")  # with the actual date
    CANCEL = "cancel", gettext_lazy("Cancel")  # with a reason


S = ReturnPlanState

PLAN_TRANSITIONS: ActionTable[ReturnPlanState, PlanAction] = ActionTable(
    ReturnPlanState,
    {
        S.DRAFT: {PlanAction.APPROVE: S.APPROVED, PlanAction.CANCEL: S.CANCELLED},
        S.APPROVED: {
            PlanAction.MARK_RETURNED: S.RETURNED,
            PlanAction.REOPEN: S.DRAFT,
            PlanAction.CANCEL: S.CANCELLED,
        },
        S.RETURNED: {},
        S.CANCELLED: {},
    },
)


def plan_next(state: str, action: str) -> ReturnPlanState:
    """The state a plan in ``state`` reaches by ``action``, or a Conflict."""

    def refused() -> TransitionRefused:
        return TransitionRefused(
            _("This return plan cannot do that now (it is: %(state)s).")
            % {"state": ReturnPlanState(state).label}
        )

    return PLAN_TRANSITIONS.require(state, action, refused)
