"""The two state machines of referrals (R-47): a referral, and the transfer of
lead responsibility. Each table says, for a state, which action leads to which
state; an action missing from the table is refused with ``transition_not_allowed``.

The states themselves are the models' ``ReferralState`` and ``LeadTransferState``
(one-line comment on each value there); the referral actions are
``ReferralEvent.Action``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.lib.errors import Conflict
from haven.referrals.models import LeadTransferState, ReferralEvent, ReferralState

ReferralAction = ReferralEvent.Action


class LeadTransferAction(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("Accept")  # the receiver takes the lead
    DECLINE = "decline", gettext_lazy("Decline")  # the receiver says no, with a note
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")  # the proposing lead takes it back


# Sending creates a referral in SENT; from there:
REFERRAL_TRANSITIONS: dict[str, dict[str, str]] = {
    ReferralState.SENT: {
        ReferralAction.REQUEST_INFO: ReferralState.INFO_REQUESTED,
        ReferralAction.ACCEPT: ReferralState.ACCEPTED,
        ReferralAction.DECLINE: ReferralState.DECLINED,
        ReferralAction.WITHDRAW: ReferralState.WITHDRAWN,
    },
    ReferralState.INFO_REQUESTED: {
        ReferralAction.PROVIDE_INFO: ReferralState.SENT,
        ReferralAction.DECLINE: ReferralState.DECLINED,
        ReferralAction.WITHDRAW: ReferralState.WITHDRAWN,
    },
    ReferralState.ACCEPTED: {},
    ReferralState.DECLINED: {},
    ReferralState.WITHDRAWN: {},
}

# Proposing creates a transfer in PROPOSED; from there:
LEAD_TRANSFER_TRANSITIONS: dict[str, dict[str, str]] = {
    LeadTransferState.PROPOSED: {
        LeadTransferAction.ACCEPT: LeadTransferState.ACCEPTED,
        LeadTransferAction.DECLINE: LeadTransferState.DECLINED,
        LeadTransferAction.WITHDRAW: LeadTransferState.WITHDRAWN,
    },
    LeadTransferState.ACCEPTED: {},
    LeadTransferState.DECLINED: {},
    LeadTransferState.WITHDRAWN: {},
}


def referral_next(state: str, action: str) -> str:
    """The state a referral in ``state`` reaches by ``action``, or a Conflict."""
    following = REFERRAL_TRANSITIONS.get(state, {}).get(action)
    if following is None:
        raise Conflict(
            _("This referral can no longer be answered this way (it is: %(state)s).")
            % {"state": ReferralState(state).label},
            code="transition_not_allowed",
        )
    return following


def lead_transfer_next(state: str, action: str) -> str:
    """The state a lead transfer in ``state`` reaches by ``action``, or a Conflict."""
    following = LEAD_TRANSFER_TRANSITIONS.get(state, {}).get(action)
    if following is None:
        raise Conflict(
            _("This lead transfer can no longer be answered this way (it is: %(state)s).")
            % {"state": LeadTransferState(state).label},
            code="transition_not_allowed",
        )
    return following


def referral_actions(state: str) -> list[str]:
    return list(REFERRAL_TRANSITIONS.get(state, {}))


def lead_transfer_actions(state: str) -> list[str]:
    return list(LEAD_TRANSFER_TRANSITIONS.get(state, {}))
