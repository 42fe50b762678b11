"""Disclosure control of published counts (R-46): primary small-cell suppression and
secondary suppression, so that no suppressed count can be worked out from the others.

Primary: a count from 1 to the threshold minus one is suppressed (the threshold is
``HAVEN_STATISTICS_SMALL_CELL_THRESHOLD``, 5 by default). A zero is published: it
points to nobody, and hiding every zero would hide most of a sparse table (and then a
zero hidden beside a small count would tell an attentive reader nothing the published
totals do not already tell).

Secondary: the published cells are bound by linear equations, total = sum of its
parts, for every margin of every table, shared margins included (a cell with the same
coordinates in two tables is one unknown). A suppressed cell is recoverable exactly
when its unit vector lies in the row space of those equations restricted to the
suppressed cells (the published cells move to the constant side). While one is, the
smallest non-zero published cell of an equation holding it is suppressed too (a zero
only when nothing else is left), and the system is checked again. The cheap case, an
equation with a single suppressed cell, is handled first; the exact check (Gaussian
elimination over the rationals) then catches what only several equations together
reveal, such as a suppressed cell bridging two suppressed cycles of a table.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Equation(Generic[K]):
    """``total`` = the sum of ``parts``, as published."""

    total: K
    parts: tuple[K, ...]

    def cells(self) -> tuple[K, ...]:
        return (self.total, *self.parts)

    def holds(self, values: Mapping[K, int]) -> bool:
        return values[self.total] == sum(values[p] for p in self.parts)


def primary(values: Mapping[K, int], threshold: int) -> set[K]:
    """The small cells: counted, but fewer than ``threshold``."""
    return {k for k, v in values.items() if 0 < v < threshold}


def recoverable(suppressed: set[K], equations: Sequence[Equation[K]]) -> set[K]:
    """The suppressed cells whose value the equations and the published cells determine."""
    index = {k: i for i, k in enumerate(sorted(suppressed, key=repr))}
    rows: list[dict[int, Fraction]] = []
    for equation in equations:
        row: dict[int, Fraction] = {}
        for k, sign in ((equation.total, 1), *((p, -1) for p in equation.parts)):
            if k in index:
                row[index[k]] = row.get(index[k], Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}  # reduced rows by their pivot column
    for row in rows:
        for col, pivot_row in pivots.items():
            if col in row:
                factor = row[col]
                for c, v in pivot_row.items():
                    row[c] = row.get(c, Fraction(0)) - factor * v
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        scale = row[col]
        row = {c: v / scale for c, v in row.items()}
        for other_col, other in pivots.items():
            if col in other:
                factor = other[col]
                for c, v in row.items():
                    other[c] = other.get(c, Fraction(0)) - factor * v
                pivots[other_col] = {c: v for c, v in other.items() if v}
        pivots[col] = row
    keys = {i: k for k, i in index.items()}
    return {keys[col] for col, row in pivots.items() if len(row) == 1}


def _single_unknowns(suppressed: set[K], equations: Sequence[Equation[K]]) -> list[Equation[K]]:
    return [e for e in equations if sum(1 for k in e.cells() if k in suppressed) == 1]


def _complement(
    exposed: set[K], suppressed: set[K], values: Mapping[K, int], equations: Sequence[Equation[K]]
) -> K | None:
    """The cell to suppress beside the ``exposed`` ones: the smallest non-zero published
    count of an equation holding one of them (a zero only if nothing else is left)."""
    candidates = {
        k
        for e in equations
        if any(c in exposed for c in e.cells())
        for k in e.cells()
        if k not in suppressed
    }
    if not candidates:
        return None
    return min(candidates, key=lambda k: _cost(k, values))


def suppress(
    values: Mapping[K, int], equations: Sequence[Equation[K]], threshold: int
) -> frozenset[K]:
    """Every cell to leave empty: the small cells and their protection."""
    suppressed = primary(values, threshold)
    while True:
        single = _single_unknowns(suppressed, equations)
        if single:
            others = [k for k in single[0].cells() if k not in suppressed]
            suppressed.add(min(others, key=lambda k: _cost(k, values)))
            continue
        exposed = recoverable(suppressed, equations)
        if not exposed:
            return frozenset(suppressed)
        extra = _complement(exposed, suppressed, values, equations)
        if extra is None:
            # Every equation holding an exposed cell is hidden whole: the table's own
            # shape forces its value, and hiding more would not change that.
            return frozenset(suppressed)
        suppressed.add(extra)


def _cost(k: K, values: Mapping[K, int]) -> tuple[bool, int, str]:
    """What suppressing ``k`` costs readers: a zero hides nothing worth hiding, so it
    comes last; then the smallest count."""
    return (values[k] == 0, values[k], repr(k))
