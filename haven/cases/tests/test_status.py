"""The identification status table (R-01), checked against the table written out here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.cases import status
from haven.cases.status import IdentificationStatus as S

# The specification, by hand. A negative decision can be reconsidered; a person
# who withdrew can come back as a potential victim; identified is final except withdrawal.
SPEC: dict[str, set[str]] = {
    S.POTENTIAL: {S.PRESUMED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
    S.PRESUMED: {S.IDENTIFIED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
    S.IDENTIFIED: {S.WITHDRAWN},
    S.NOT_IDENTIFIED: {S.POTENTIAL, S.PRESUMED, S.IDENTIFIED},
    S.DECLINED_FORMAL_IDENTIFICATION: {S.POTENTIAL, S.PRESUMED, S.WITHDRAWN},
    S.WITHDRAWN: {S.POTENTIAL},
}


def test_it_has_a_row_for_every_status() -> None:
    assert status.TRANSITIONS.states == set(S)
    assert set(SPEC) == set(S)


@pytest.mark.parametrize("target", list(S))
@pytest.mark.parametrize("current", list(S))
def test_it_allows_exactly_the_transitions_of_the_table(current: S, target: S) -> None:
    assert status.transition_allowed(current, target) is (target in SPEC[current])


@pytest.mark.parametrize("current", list(S))
def test_it_never_allows_staying_in_the_same_status(current: S) -> None:
    # A status "change" to the same status would be a decision without a change.
    assert not status.transition_allowed(current, current)


def test_it_counts_registered_victims_as_eurostat_does() -> None:
    # T-6: identified, presumed, and those who declined formal identification.
    assert {S.PRESUMED, S.IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION} == status.REGISTERED
    assert {S.NOT_IDENTIFIED} == status.NEGATIVE


def test_it_refuses_an_unknown_status() -> None:
    with pytest.raises(ValueError):
        status.transition_allowed(S.POTENTIAL, "deported")


@given(st.sampled_from(list(S)), st.lists(st.sampled_from(list(S)), max_size=30))
def test_no_sequence_of_allowed_changes_makes_a_change_the_specification_forbids(
    start: S, wanted: list[S]
) -> None:
    # Every state of the walk is one the specification reaches from the start, and
    # every step is in the specification: no path around a forbidden change exists.
    current = start
    for target in wanted:
        if status.transition_allowed(current, target):
            assert target in SPEC[current]
            current = target
            assert current in status.TRANSITIONS.reachable(start)


def test_it_has_no_terminal_status_every_status_can_be_left() -> None:
    # Even an identified victim can withdraw, and a withdrawn person can come back.
    assert status.TRANSITIONS.terminal == frozenset()
