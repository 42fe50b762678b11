"""Disclosure control from the rule (R-46): over random tables with all their margins,
no suppressed count can be worked out from the published ones, no published equation
has exactly one unknown, and totals equal the sums of their parts where all is shown."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.statistics.categories import BandsInvalid, check_bands
from haven.statistics.suppression import Equation, primary, recoverable, suppress

Cell = tuple[object, ...]
T = "T"
Table = tuple[dict[Cell, int], list[Equation[Cell]]]


def margins(shape: tuple[int, ...], counts: list[int]) -> Table:
    """A table of ``shape`` with every margin (each axis summed, T for total)."""
    inner: list[Cell] = list(itertools.product(*(range(n) for n in shape)))
    values: dict[Cell, int] = dict.fromkeys(inner, 0)
    values.update(zip(inner, counts, strict=False))
    axes: list[tuple[object, ...]] = [(*range(n), T) for n in shape]
    cells: list[Cell] = list(itertools.product(*axes))
    for cell in cells:
        if T in cell:
            values[cell] = sum(
                values[c] for c in inner if all(a in (T, b) for a, b in zip(cell, c, strict=True))
            )
    equations: list[Equation[Cell]] = []
    for cell in cells:
        for axis, a in enumerate(cell):
            if a == T:
                parts = tuple((*cell[:axis], i, *cell[axis + 1 :]) for i in range(shape[axis]))
                equations.append(Equation(cell, parts))
    return values, equations


tables = st.tuples(
    st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple),
    st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]), min_size=64, max_size=64),
)


def _determined_by_numpy(hidden: set[Cell], equations: list[Equation[Cell]]) -> set[Cell]:
    """A second way to find recoverable cells: x_i is determined iff removing column i
    lowers the rank of the system's matrix over the hidden cells."""
    order = sorted(hidden, key=repr)
    if not order:
        return set()
    rows = []
    for e in equations:
        row = [0.0] * len(order)
        for k, sign in ((e.total, 1.0), *((p, -1.0) for p in e.parts)):
            if k in hidden:
                row[order.index(k)] += sign
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for i, k in enumerate(order):
        if np.linalg.matrix_rank(np.delete(a, i, axis=1)) < rank:
            out.add(k)
    return out


@settings(max_examples=60, deadline=None)
@given(tables, st.integers(2, 6))
def test_r46_no_suppressed_cell_of_a_random_table_can_be_recovered(
    table: tuple[tuple[int, ...], list[int]], threshold: int
) -> None:
    # given
    shape, counts = table
    values, equations = margins(shape, counts)

    # when
    hidden = set(suppress(values, equations, threshold))

    # then: small cells hidden; no equation with one unknown; none recoverable, two ways
    assert primary(values, threshold) <= hidden
    for e in equations:
        assert sum(1 for c in e.cells() if c in hidden) != 1
        if not any(c in hidden for c in e.cells()):
            assert values[e.total] == sum(values[p] for p in e.parts)
    assert recoverable(hidden, equations) == set()
    assert _determined_by_numpy(hidden, equations) == set()


def test_r46_a_cell_bridging_two_hidden_cycles_is_caught_without_a_lone_unknown() -> None:
    # given: two 2x2 cycles of hidden cells in a 4x4 table, joined by one hidden cell
    values = {(r, c): 10 for r in range(5) for c in range(5)}
    equations = [Equation((r, 4), tuple((r, c) for c in range(4))) for r in range(4)]
    equations += [Equation((4, c), tuple((r, c) for r in range(4))) for c in range(4)]
    cycles = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    hidden = cycles | {(1, 2)}

    # when
    found = recoverable(hidden, equations)
    protected = suppress({**values, (1, 2): 3}, equations, 5)

    # then: rows 0-1 minus columns 0-1 give the bridge; the cycles alone give nothing
    assert all(sum(1 for c in e.cells() if c in hidden) != 1 for e in equations)
    assert found == {(1, 2)}
    assert recoverable(cycles, equations) == set()
    assert recoverable(set(protected), equations) == set()


def test_r46_zero_is_published_and_counts_from_one_to_the_threshold_are_not() -> None:
    # then
    assert primary({"a": 0, "b": 1, "c": 4, "d": 5}, 5) == {"b", "c"}


def test_r46_a_cell_exposed_only_by_several_equations_gets_a_complement() -> None:
    # given: the two cycles and their bridge are all small; nothing else is
    values = {(r, c): 10 for r in range(5) for c in range(5)}
    cycles = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    values.update(dict.fromkeys(cycles | {(1, 2)}, 3))
    equations = [Equation((r, 4), tuple((r, c) for c in range(4))) for r in range(4)]
    equations += [Equation((4, c), tuple((r, c) for r in range(4))) for c in range(4)]

    # when
    hidden = suppress(values, equations, 5)

    # then: one more cell, beside the bridge, and nothing recoverable
    assert len(hidden) > len(cycles) + 1
    assert recoverable(set(hidden), equations) == set()


def test_r46_a_value_the_tables_shape_forces_is_left_as_it_is() -> None:
    # given: an equation whose every cell is hidden, yet forces one of them
    values = {"t": 3, "z": 2}
    equations = [Equation("t", ("t", "z"))]

    # when
    hidden = suppress(values, equations, 5)

    # then: nothing else to hide
    assert hidden == {"t", "z"}


def test_r44_age_bands_must_start_at_0_rise_and_split_at_18() -> None:
    # then
    assert check_bands([0, 18, 65]) == (0, 18, 65)
    for bad in ([], [1, 18], [0, 12, 25], [0, 18, 18, 30], [0, 30, 18]):
        with pytest.raises(BandsInvalid):
            check_bands(bad)
