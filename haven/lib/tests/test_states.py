"""The state-machine helper, on a small machine of its own (no database)."""

from __future__ import annotations

import enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.lib.states import ActionTable, TransitionTable


class Light(enum.StrEnum):
    OFF = "off"  # nothing happens
    ON = "on"  # lit
    BROKEN = "broken"  # final: nothing leaves it


class Press(enum.StrEnum):
    SWITCH = "switch"  # turn on or off
    SMASH = "smash"  # break it


TABLE = TransitionTable(
    Light,
    {Light.OFF: {Light.ON, Light.BROKEN}, Light.ON: {Light.OFF, Light.BROKEN}, Light.BROKEN: ()},
)
ACTIONS = ActionTable(
    Light,
    {
        Light.OFF: {Press.SWITCH: Light.ON, Press.SMASH: Light.BROKEN},
        Light.ON: {Press.SWITCH: Light.OFF, Press.SMASH: Light.BROKEN},
        Light.BROKEN: {},
    },
)


class Refused(Exception):
    pass


def test_it_allows_only_the_moves_of_the_table() -> None:
    assert TABLE.allowed(Light.OFF, Light.ON)
    assert TABLE.allowed("on", "off")
    assert not TABLE.allowed(Light.BROKEN, Light.ON)
    assert not TABLE.allowed(Light.ON, Light.ON)


def test_it_allows_nothing_from_an_unknown_state() -> None:
    assert TABLE.targets("melted") == frozenset()
    assert not TABLE.allowed("melted", Light.ON)


def test_it_raises_the_given_error_when_a_move_is_refused() -> None:
    TABLE.require(Light.OFF, Light.ON, Refused)
    with pytest.raises(Refused):
        TABLE.require(Light.BROKEN, Light.OFF, Refused)


def test_it_names_the_terminal_states() -> None:
    assert TABLE.terminal == {Light.BROKEN}


def test_it_finds_the_states_reachable_from_a_state() -> None:
    assert TABLE.reachable(Light.OFF) == set(Light)
    assert TABLE.reachable(Light.BROKEN) == frozenset()


def test_it_refuses_a_table_without_a_row_for_every_state() -> None:
    with pytest.raises(ValueError, match="one row"):
        TransitionTable(Light, {Light.OFF: {Light.ON}, Light.ON: {Light.OFF}})


def test_it_refuses_a_table_moving_to_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        TransitionTable(["a", "b"], {"a": {"b"}, "b": {"c"}})


def test_it_follows_an_action_to_its_state() -> None:
    assert ACTIONS.following(Light.OFF, Press.SWITCH) == Light.ON
    assert ACTIONS.require("on", "switch", Refused) == Light.OFF
    assert ACTIONS.actions(Light.ON) == [Press.SWITCH, Press.SMASH]


def test_it_refuses_an_action_the_state_does_not_allow() -> None:
    assert ACTIONS.following(Light.BROKEN, Press.SWITCH) is None
    assert ACTIONS.following("melted", Press.SWITCH) is None
    assert ACTIONS.actions("melted") == []
    with pytest.raises(Refused):
        ACTIONS.require(Light.BROKEN, Press.SMASH, Refused)


def test_an_action_table_knows_its_moves_without_the_names() -> None:
    assert ACTIONS.table.terminal == {Light.BROKEN}
    assert ACTIONS.table.allowed(Light.ON, Light.BROKEN)


@given(st.sampled_from(list(Light)), st.lists(st.sampled_from(list(Light))))
def test_no_sequence_of_allowed_moves_leaves_the_reachable_states(
    start: Light, wanted: list[Light]
) -> None:
    state = start
    for target in wanted:
        if TABLE.allowed(state, target):
            state = target
            assert state in TABLE.reachable(start)
