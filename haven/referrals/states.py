"""The two state machines of referrals (R-47): a referral, and the transfer of
lead responsibility. Each table says, for a state, which action leads to which
state; an action missing from the table is refused with ``transition_not_allowed``.

The models store these states and actions (``haven.referrals.models`` imports
them from here).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.lib.errors import Conflict
from haven.lib.states import ActionTable
from haven.referrals.errors import ErrorCode


class ReferralState(models.TextChoices):
    SENT = "sent", gettext_lazy("Waiting for an answer")  # sent, or more information given
    INFO_REQUESTED = (
        "info_requested",
        gettext_lazy("More information asked for"),  # the receiver waits for the sender
    )
    ACCEPTED = "accepted", gettext_lazy("Accepted")  # final: the receiver joined the team
    DECLINED = "declined", gettext_lazy("Declined")  # final: the receiver said no, with a reason
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn by the sender")  # final: taken back


class ReferralAction(models.TextChoices):
    SEND = "send", gettext_lazy("Sent")  # creates the referral in SENT
    REQUEST_INFO = "request_info", gettext_lazy("Asked for more information")  # by the receiver
    PROVIDE_INFO = "provide_info", gettext_lazy("Gave more information")  # by the sender
    ACCEPT = "accept", gettext_lazy("Accepted")  # by the receiver
    DECLINE = "decline", gettext_lazy("Declined")  # by the receiver
    WITHDRAW = "withdraw", gettext_lazy("Withdrawn")  # by the sender


class LeadTransferState(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")  # the lead asked; the receiver decides
    ACCEPTED = "accepted", gettext_lazy("Accepted")  # final: the receiver is the lead
    DECLINED = "declined", gettext_lazy("Declined")  # final: the lead stays
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")  # final: the lead took it back


class LeadTransferAction(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("Accept")  # the receiver takes the lead
    DECLINE = "decline", gettext_lazy("Decline")  # the receiver says no, with a note
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")  # the proposing lead takes it back


class AccessRequestState(models.TextChoices):
    OPEN = "open", gettext_lazy("Waiting for the case lead")  # the lead's task is open
    GRANTED = "granted", gettext_lazy("Granted by consent")  # final: the consent was recorded
    REFUSED = "refused", gettext_lazy("Refused")  # final: the lead said no, with a reason


class AccessRequestAction(models.TextChoices):
    GRANT = "grant", gettext_lazy("Granted")  # the lead recorded the consent that covers it
    REFUSE = "refuse", gettext_lazy("Refused")  # the lead refused, with a reason


R = ReferralState
T = LeadTransferState
Q = AccessRequestState

# Sending creates a referral in SENT; from there:
REFERRAL_TRANSITIONS: ActionTable[ReferralState, ReferralAction] = ActionTable(
    ReferralState,
    {
        R.SENT: {
            ReferralAction.REQUEST_INFO: R.INFO_REQUESTED,
            ReferralAction.ACCEPT: R.ACCEPTED,
            ReferralAction.DECLINE: R.DECLINED,
            ReferralAction.WITHDRAW: R.WITHDRAWN,
        },
        R.INFO_REQUESTED: {
            ReferralAction.PROVIDE_INFO: R.SENT,
            ReferralAction.DECLINE: R.DECLINED,
            ReferralAction.WITHDRAW: R.WITHDRAWN,
        },
        R.ACCEPTED: {},
        R.DECLINED: {},
        R.WITHDRAWN: {},
    },
)

# Proposing creates a transfer in PROPOSED; from there:
LEAD_TRANSFER_TRANSITIONS: ActionTable[LeadTransferState, LeadTransferAction] = ActionTable(
    LeadTransferState,
    {
        T.PROPOSED: {
            LeadTransferAction.ACCEPT: T.ACCEPTED,
            LeadTransferAction.DECLINE: T.DECLINED,
            LeadTransferAction.WITHDRAW: T.WITHDRAWN,
        },
        T.ACCEPTED: {},
        T.DECLINED: {},
        T.WITHDRAWN: {},
    },
)


# Asking creates a request in OPEN; from there:
ACCESS_REQUEST_TRANSITIONS: ActionTable[AccessRequestState, AccessRequestAction] = ActionTable(
    AccessRequestState,
    {
        Q.OPEN: {AccessRequestAction.GRANT: Q.GRANTED, AccessRequestAction.REFUSE: Q.REFUSED},
        Q.GRANTED: {},
        Q.REFUSED: {},
    },
)


def access_request_next(state: str, action: str) -> str:
    """The state a request for access in ``state`` reaches by ``action``, or a Conflict."""

    def refused() -> Conflict:
        return Conflict(
            _("This request was already answered (it is: %(state)s).")
            % {"state": AccessRequestState(state).label},
            code=ErrorCode.TRANSITION_NOT_ALLOWED,
        )

    return ACCESS_REQUEST_TRANSITIONS.require(state, action, refused)


def referral_next(state: str, action: str) -> str:
    """The state a referral in ``state`` reaches by ``action``, or a Conflict."""

    def refused() -> Conflict:
        return Conflict(
            _("This referral can no longer be answered this way (it is: %(state)s).")
            % {"state": ReferralState(state).label},
            code=ErrorCode.TRANSITION_NOT_ALLOWED,
        )

    return REFERRAL_TRANSITIONS.require(state, action, refused)


def lead_transfer_next(state: str, action: str) -> str:
    """The state a lead transfer in ``state`` reaches by ``action``, or a Conflict."""

    def refused() -> Conflict:
        return Conflict(
            _("This lead transfer can no longer be answered this way (it is: %(state)s).")
            % {"state": LeadTransferState(state).label},
            code=ErrorCode.TRANSITION_NOT_ALLOWED,
        )

    return LEAD_TRANSFER_TRANSITIONS.require(state, action, refused)


def referral_actions(state: str) -> list[str]:
    return list(REFERRAL_TRANSITIONS.actions(state))


def lead_transfer_actions(state: str) -> list[str]:
    return list(LEAD_TRANSFER_TRANSITIONS.actions(state))
