"""The two transition tables (R-47): every allowed move and every refused one."""

from __future__ import annotations

import pytest

from haven.lib.errors import Conflict
from haven.referrals import states
from haven.referrals.models import LeadTransferState, ReferralState

A = states.ReferralAction
L = states.LeadTransferAction

REFERRAL_ALLOWED = [
    (ReferralState.SENT, A.REQUEST_INFO, ReferralState.INFO_REQUESTED),
    (ReferralState.SENT, A.ACCEPT, ReferralState.ACCEPTED),
    (ReferralState.SENT, A.DECLINE, ReferralState.DECLINED),
    (ReferralState.SENT, A.WITHDRAW, ReferralState.WITHDRAWN),
    (ReferralState.INFO_REQUESTED, A.PROVIDE_INFO, ReferralState.SENT),
    (ReferralState.INFO_REQUESTED, A.DECLINE, ReferralState.DECLINED),
    (ReferralState.INFO_REQUESTED, A.WITHDRAW, ReferralState.WITHDRAWN),
]
TRANSFER_ALLOWED = [
    (LeadTransferState.PROPOSED, L.ACCEPT, LeadTransferState.ACCEPTED),
    (LeadTransferState.PROPOSED, L.DECLINE, LeadTransferState.DECLINED),
    (LeadTransferState.PROPOSED, L.WITHDRAW, LeadTransferState.WITHDRAWN),
]
ANSWERS = [a for a in A.values if a != A.SEND]


@pytest.mark.parametrize(("state", "action", "following"), REFERRAL_ALLOWED)
def test_r47_the_referral_table_allows_this_move(state: str, action: str, following: str) -> None:
    assert states.referral_next(state, action) == following


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (state, action)
        for state in ReferralState.values
        for action in ANSWERS
        if (state, action) not in {(s, a) for s, a, _ in REFERRAL_ALLOWED}
    ],
)
def test_r47_the_referral_table_refuses_every_other_move(state: str, action: str) -> None:
    with pytest.raises(Conflict) as refused:
        states.referral_next(state, action)
    assert refused.value.code == "transition_not_allowed"


@pytest.mark.parametrize(("state", "action", "following"), TRANSFER_ALLOWED)
def test_r47_the_lead_transfer_table_allows_this_move(
    state: str, action: str, following: str
) -> None:
    assert states.lead_transfer_next(state, action) == following


@pytest.mark.parametrize(
    ("state", "action"),
    [(state, action) for state in LeadTransferState.values[1:] for action in L.values],
)
def test_r47_the_lead_transfer_table_refuses_every_answer_once_answered(
    state: str, action: str
) -> None:
    with pytest.raises(Conflict) as refused:
        states.lead_transfer_next(state, action)
    assert refused.value.code == "transition_not_allowed"


def test_every_state_has_a_row_in_its_table() -> None:
    assert set(states.REFERRAL_TRANSITIONS) == set(ReferralState.values)
    assert set(states.LEAD_TRANSFER_TRANSITIONS) == set(LeadTransferState.values)
