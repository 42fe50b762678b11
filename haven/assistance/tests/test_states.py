"""The assistance service table (R-20), checked without a database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from haven.assistance.states import SERVICE_TRANSITIONS
from haven.assistance.states import ServiceStatus as St

OPEN = {St.PLANNED, St.ACTIVE}


def test_it_has_a_row_for_every_status() -> None:
    assert SERVICE_TRANSITIONS.states == set(St)


def test_a_service_that_ended_never_changes_again() -> None:
    assert SERVICE_TRANSITIONS.terminal == {St.COMPLETED, St.REFUSED, St.STOPPED}


def test_the_person_can_refuse_a_service_at_any_time_before_it_ends() -> None:
    # consent can be withdrawn whenever; a refusal is never blocked.
    assert all(SERVICE_TRANSITIONS.allowed(status, St.REFUSED) for status in OPEN)


@given(st.lists(st.sampled_from(list(St)), max_size=20))
def test_no_sequence_of_allowed_changes_reopens_a_service_or_completes_an_unstarted_one(
    wanted: list[St],
) -> None:
    current = St.PLANNED
    for target in wanted:
        if SERVICE_TRANSITIONS.allowed(current, target):
            assert current in OPEN
            assert target != St.PLANNED
            assert not (current == St.PLANNED and target == St.COMPLETED)
            current = target
