"""The placement's transition table: every allowed move and every refused one, and
no sequence of moves that skips the shelter's answer or leaves a final state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.lib.errors import Conflict
from haven.shelters import states
from haven.shelters.models import PlacementState

A = states.PlacementAction
P = PlacementState

ALLOWED = [
    (P.PROPOSED, A.ACCEPT, P.ACCEPTED),
    (P.PROPOSED, A.DECLINE, P.DECLINED),
    (P.PROPOSED, A.WITHDRAW, P.WITHDRAWN),
    (P.ACCEPTED, A.START, P.STARTED),
    (P.ACCEPTED, A.WITHDRAW, P.WITHDRAWN),
    (P.STARTED, A.END, P.ENDED),
]


@pytest.mark.parametrize(("state", "action", "following"), ALLOWED)
def test_the_placement_table_allows_this_move(state: str, action: str, following: str) -> None:
    assert states.placement_next(state, action) == following


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (state, action)
        for state in P.values
        for action in A.values
        if (state, action) not in {(s, a) for s, a, _ in ALLOWED}
    ],
)
def test_the_placement_table_refuses_every_other_move(state: str, action: str) -> None:
    with pytest.raises(Conflict) as refused:
        states.placement_next(state, action)
    assert refused.value.code == "transition_not_allowed"


@given(st.lists(st.sampled_from(A.values), max_size=8))
def test_no_sequence_of_moves_starts_a_stay_the_shelter_did_not_accept(
    actions: list[str],
) -> None:
    state: str = P.PROPOSED
    seen = [state]
    for action in actions:
        following = states.PLACEMENT_TRANSITIONS.following(state, action)
        if following is not None:
            state = following
            seen.append(state)
    if P.STARTED in seen:
        assert seen.index(P.ACCEPTED) < seen.index(P.STARTED)
    assert all(s not in states.PLACEMENT_TRANSITIONS.table.terminal for s in seen[:-1])


def test_declined_withdrawn_and_ended_are_final() -> None:
    assert states.PLACEMENT_TRANSITIONS.table.terminal == {P.DECLINED, P.WITHDRAWN, P.ENDED}
