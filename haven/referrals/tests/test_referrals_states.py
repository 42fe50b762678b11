"""The two transition tables (R-47): every allowed move and every refused one."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    assert states.REFERRAL_TRANSITIONS.table.states == set(ReferralState.values)
    assert states.LEAD_TRANSFER_TRANSITIONS.table.states == set(LeadTransferState.values)


def test_answered_referrals_and_transfers_are_final() -> None:
    final = {ReferralState.ACCEPTED, ReferralState.DECLINED, ReferralState.WITHDRAWN}
    assert states.REFERRAL_TRANSITIONS.table.terminal == final
    assert states.LEAD_TRANSFER_TRANSITIONS.table.terminal == set(LeadTransferState.values[1:])


def _walk(following: Callable[[str, str], str], start: str, actions: list[str]) -> list[str]:
    seen = [start]
    for action in actions:
        with contextlib.suppress(Conflict):
            seen.append(following(seen[-1], action))
    return seen


@given(st.lists(st.sampled_from(ANSWERS), max_size=30))
def test_no_sequence_of_actions_changes_an_answered_referral(actions: list[str]) -> None:
    # A sent referral moves only along the table; once answered, it never moves again,
    # and it never goes back to SENT from an answer.
    seen = _walk(states.referral_next, ReferralState.SENT, actions)
    terminal = states.REFERRAL_TRANSITIONS.table.terminal
    for before, after in itertools.pairwise(seen):
        assert before not in terminal
        assert states.REFERRAL_TRANSITIONS.table.allowed(before, after)


@given(st.lists(st.sampled_from(L.values), max_size=10))
def test_no_sequence_of_actions_answers_a_lead_transfer_twice(actions: list[str]) -> None:
    seen = _walk(states.lead_transfer_next, LeadTransferState.PROPOSED, actions)
    assert len(seen) <= 2
