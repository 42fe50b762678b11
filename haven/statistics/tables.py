"""The Eurostat tables of a reporting year (R-42, R-43), derived in Python from the
registered-victim cube, with their disclosure control (R-46).

Every published cell has five coordinates, the columns of the long CSV
(``legal_status, sex, age_group, citizenship, exploitation``), "total" where a table
does not break a dimension down. A cell with the same coordinates in two tables is the
same number (every table's total of victims by sex, for one), and is suppressed in both
or in neither. The tables, each by sex (female, male, other, unknown, total):

- ``victims_status_age``: legal status x age group (child, adult, unknown), all margins;
- ``victims_citizenship``: reporting country, other EU, non-EU, unknown, with each
  country of the two middle groups apart;
- ``victims_exploitation``: sexual, labour, other, unknown, with each form apart;
- ``victims_age_band``: the finer age bands at registration.

Each victim is counted once in every table except ``victims_exploitation``, which counts
victims per form as Eurostat does: a victim of sexual exploitation and forced labour is
in both rows, so its forms, and its groups, add up to more than its total, which still
counts that victim once. Its totals are therefore not published as sums of their parts;
where a group does equal the sum of its forms (nobody in it was exploited in two of
them), the equation is known to anyone and is protected like the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.statistics import categories as cat
from haven.statistics.cube import CubeCell
from haven.statistics.suppression import Equation, suppress

T = cat.TOTAL
K = TypeVar("K", bound=Hashable)
COLUMNS = (*cat.SEXES, T)
CSV_HEADER = ("table", "legal_status", "sex", "age_group", "citizenship", "exploitation", "value")


class Coord(NamedTuple):
    legal_status: str
    sex: str
    age_group: str
    citizenship: str
    exploitation: str


@dataclass
class Table:
    """One table: rows (each a coordinate whose sex is the column), counted by sex."""

    name: str
    title: str | Promise
    rows: list[Coord]
    values: dict[Coord, int] = field(default_factory=dict)
    equations: list[Equation[Coord]] = field(default_factory=list)
    suppressed: frozenset[Coord] = frozenset()

    def cell(self, row: Coord, column: str) -> Coord:
        return row._replace(sex=column)

    def value(self, row: Coord, column: str) -> int | None:
        """The published value (None: suppressed)."""
        coord = self.cell(row, column)
        return None if coord in self.suppressed else self.values[coord]

    def cells(self) -> Iterable[Coord]:
        for row in self.rows:
            for column in COLUMNS:
                yield self.cell(row, column)


@dataclass
class EurostatSet:
    year: int
    country: str
    threshold: int
    tables: list[Table]

    def csv_rows(self) -> Iterable[tuple[str, ...]]:
        """One row per published cell; a suppressed cell has an empty value."""
        for table in self.tables:
            for coord in table.cells():
                value = "" if coord in table.suppressed else str(table.values[coord])
                yield (table.name, *coord, value)


def _by_sex(counts: Counter[Coord]) -> Counter[Coord]:
    """Add the total over sexes of every coordinate counted."""
    out: Counter[Coord] = Counter()
    for coord, n in counts.items():
        out[coord] += n
        out[coord._replace(sex=T)] += n
    return out


def _sex_equations(rows: Sequence[Coord]) -> list[Equation[Coord]]:
    return [
        Equation(row._replace(sex=T), tuple(row._replace(sex=s) for s in cat.SEXES)) for row in rows
    ]


def _split_equations(total: Coord, parts: Sequence[Coord]) -> list[Equation[Coord]]:
    """``total`` = the sum of ``parts`` in every column."""
    return [
        Equation(total._replace(sex=s), tuple(p._replace(sex=s) for p in parts)) for s in COLUMNS
    ]


def _collapse(cells: Sequence[CubeCell], key: Callable[[CubeCell], K]) -> Counter[K]:
    """The victims of ``cells`` counted by ``key``: a table reads a few of the cube's
    dimensions, so it walks these few sums rather than every group of the cube."""
    counts: Counter[K] = Counter()
    for c in cells:
        counts[key(c)] += c.count
    return counts


def _status_age(cells: Sequence[CubeCell]) -> Table:
    counts: Counter[Coord] = Counter()
    by = _collapse(cells, lambda c: (c.legal_status, c.sex, c.age_group))
    for (legal_status, sex, age_group), n in by.items():
        for status in (legal_status, T):
            for age in (age_group, T):
                counts[Coord(status, sex, age, T, T)] += n
    statuses, ages = (*cat.LEGAL_STATUSES, T), (*cat.AGE_GROUPS, T)
    rows = [Coord(s, T, a, T, T) for s in statuses for a in ages]
    equations = _sex_equations(rows)
    for s in statuses:
        equations += _split_equations(
            Coord(s, T, T, T, T), [Coord(s, T, a, T, T) for a in cat.AGE_GROUPS]
        )
    for a in ages:
        equations += _split_equations(
            Coord(T, T, a, T, T), [Coord(s, T, a, T, T) for s in cat.LEGAL_STATUSES]
        )
    return _table(
        "victims_status_age",
        _("Registered victims by legal status, age group and sex"),
        rows,
        _by_sex(counts),
        equations,
    )


def _citizenship(cells: Sequence[CubeCell], threshold: int) -> Table:
    counts: Counter[Coord] = Counter()
    countries: dict[str, set[str]] = defaultdict(set)
    per_country = _collapse(cells, lambda c: c.country)
    by = _collapse(cells, lambda c: (c.sex, c.citizenship, c.country))
    for (sex, citizenship, country), n in by.items():
        counts[Coord(T, sex, T, T, T)] += n
        counts[Coord(T, sex, T, citizenship, T)] += n
        if citizenship in (cat.OTHER_EU, cat.NON_EU):
            # A country with fewer victims than the threshold is not named: it joins
            # the group's "other countries", so no row says that someone came from it.
            named = per_country[country] >= threshold
            code = cat.detail(citizenship, country if named else cat.OTHER)
            countries[citizenship].add(code)
            counts[Coord(T, sex, T, code, T)] += n
    rows = [Coord(T, T, T, T, T)]
    equations: list[Equation[Coord]] = []
    for group in cat.CITIZENSHIP_GROUPS:
        rows.append(Coord(T, T, T, group, T))
        other = cat.detail(group, cat.OTHER)
        codes = sorted(countries[group], key=lambda code: (code == other, code))
        details = [Coord(T, T, T, code, T) for code in codes]
        rows += details
        if details:
            equations += _split_equations(Coord(T, T, T, group, T), details)
    equations += _split_equations(
        Coord(T, T, T, T, T), [Coord(T, T, T, g, T) for g in cat.CITIZENSHIP_GROUPS]
    )
    equations += _sex_equations(rows)
    return _table(
        "victims_citizenship",
        _("Registered victims by citizenship and sex"),
        rows,
        _by_sex(counts),
        equations,
    )


def _exploitation(cells: Sequence[CubeCell]) -> Table:
    counts: Counter[Coord] = Counter()
    forms_seen: dict[str, set[str]] = defaultdict(set)
    for (sex, recorded), n in _collapse(cells, lambda c: (c.sex, c.forms)).items():
        counts[Coord(T, sex, T, T, T)] += n
        for group in cat.exploitation_groups(sorted(recorded)):
            counts[Coord(T, sex, T, T, group)] += n
        for form in recorded:
            group = cat.GROUP_OF_FORM[form]
            forms_seen[group].add(form)
            counts[Coord(T, sex, T, T, cat.detail(group, form))] += n
    rows = [Coord(T, T, T, T, T)]
    candidates: list[Equation[Coord]] = []
    for group in cat.EXPLOITATION_GROUPS:
        rows.append(Coord(T, T, T, T, group))
        # every form of the group is a row, counted or not: the 2024 forms show from the start
        forms = cat.FORMS_BY_GROUP.get(group, ())
        details = [Coord(T, T, T, T, cat.detail(group, f)) for f in forms]
        rows += details
        if details:
            candidates += _split_equations(Coord(T, T, T, T, group), details)
    candidates += _split_equations(
        Coord(T, T, T, T, T), [Coord(T, T, T, T, g) for g in cat.EXPLOITATION_GROUPS]
    )
    values = _by_sex(counts)
    # Per-form counts overlap: only the sums that do hold are equations a reader knows.
    equations = _sex_equations(rows) + [
        e for e in candidates if values[e.total] == sum(values[p] for p in e.parts)
    ]
    return _table(
        "victims_exploitation",
        _("Registered victims by form of exploitation and sex (a victim counted in each form)"),
        rows,
        values,
        equations,
    )


def _age_band(cells: Sequence[CubeCell], bands: Sequence[int]) -> Table:
    counts: Counter[Coord] = Counter()
    for (sex, age_band), n in _collapse(cells, lambda c: (c.sex, c.age_band)).items():
        counts[Coord(T, sex, T, T, T)] += n
        counts[Coord(T, sex, age_band, T, T)] += n
    labels = cat.band_labels(bands)
    parts = [Coord(T, T, label, T, T) for label in labels]
    rows = [Coord(T, T, T, T, T), *parts]
    equations = _sex_equations(rows) + _split_equations(Coord(T, T, T, T, T), parts)
    return _table(
        "victims_age_band",
        _("Registered victims by age at registration and sex"),
        rows,
        _by_sex(counts),
        equations,
    )


def _table(
    name: str,
    title: str | Promise,
    rows: list[Coord],
    counts: Counter[Coord],
    equations: list[Equation[Coord]],
) -> Table:
    values = {
        row._replace(sex=column): counts[row._replace(sex=column)]
        for row in rows
        for column in COLUMNS
    }
    return Table(name=name, title=title, rows=rows, values=values, equations=equations)


def eurostat_set(
    cells: Sequence[CubeCell], *, year: int, country: str, threshold: int, bands: Sequence[int]
) -> EurostatSet:
    """The year's tables from the cube, suppressed together (shared margins are one cell)."""
    cells = [c for c in cells if c.year == year]
    tables = [
        _status_age(cells),
        _citizenship(cells, threshold),
        _exploitation(cells),
        _age_band(cells, bands),
    ]
    values: dict[Coord, int] = {}
    equations: list[Equation[Coord]] = []
    for table in tables:
        values.update(table.values)
        equations += table.equations
    hidden = suppress(values, equations, threshold)
    for table in tables:
        table.suppressed = frozenset(c for c in table.values if c in hidden)
    return EurostatSet(year=year, country=country, threshold=threshold, tables=tables)
