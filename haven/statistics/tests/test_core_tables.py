"""Every number is right (issue 15, R-44): each Eurostat table is counted a second,
naive way, a loop over the generated cases asking of each published cell "does this
victim belong here?", and both must agree, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.tests.factories import make_user
from haven.statistics import cube, tables
from haven.statistics.suppression import recoverable
from haven.statistics.tables import Coord
from haven.statistics.tests.register import Spec, generate, write

BANDS = (0, 12, 18, 25, 35, 50)
EU = {"EE", "SE", "DE", "RO", "FI"}
CHILD_STATUSES = {"verified_child", "uncertain_presumed_child"}
GROUPS = {
    "sexual": {"sexual_exploitation"},
    "labour": {"forced_labour", "slavery", "servitude"},
}


# --- the naive count ---------------------------------------------------------------------------


class Victim:
    """One registered victim of the year, categorised by hand from its case."""

    def __init__(self, spec: Spec, year: int) -> None:
        self.legal_status = (
            spec.status
            if spec.status in ("identified", "declined_formal_identification")
            else "presumed"
        )
        self.sex = {"female": "female", "male": "male", "intersex": "other"}.get(
            spec.sex, "unknown"
        )
        if spec.birth_year is not None:
            age: int | None = year - spec.birth_year
        elif spec.estimated_age_min is not None:
            age = spec.estimated_age_min
        else:
            age = None
        self.band = "age_unknown"
        if age is not None:
            low = max(b for b in BANDS if b <= age) if age >= 0 else 0
            i = BANDS.index(low)
            self.band = f"{low}+" if i == len(BANDS) - 1 else f"{low}-{BANDS[i + 1] - 1}"
        if spec.age_status in CHILD_STATUSES:
            self.age_group = "child"
        elif spec.age_status == "verified_adult":
            self.age_group = "adult"
        else:
            self.age_group = "unknown" if age is None else ("child" if age < 18 else "adult")
        codes = sorted(spec.citizenships)
        eu = [c for c in codes if c in EU and c != "FI"]
        if "FI" in codes:
            self.citizenship, self.country = "reporting_country", "FI"
        elif eu:
            self.citizenship, self.country = "other_eu", eu[0]
        elif codes:
            self.citizenship, self.country = "non_eu", codes[0]
        else:
            self.citizenship, self.country = "unknown", ""
        self.forms = set(spec.forms)

    def group_of(self, form: str) -> str:
        return next((g for g, forms in GROUPS.items() if form in forms), "other")

    def in_cell(self, coord: Coord, small_countries: set[str]) -> bool:
        status, sex, age, citizenship, exploitation = coord
        if status != "total" and status != self.legal_status:
            return False
        if sex != "total" and sex != self.sex:
            return False
        if age in ("child", "adult", "unknown") and age != self.age_group:
            return False
        if age not in ("child", "adult", "unknown", "total") and age != self.band:
            return False
        if citizenship != "total":
            group, _, country = citizenship.partition(":")
            if group != self.citizenship:
                return False
            if country == "other" and self.country not in small_countries:
                return False
            if country not in ("", "other") and country != self.country:
                return False
        if exploitation != "total":
            group, _, form = exploitation.partition(":")
            if group == "unknown":
                return not self.forms
            if form:
                return form in self.forms
            return any(self.group_of(f) == group for f in self.forms)
        return True


def naive_victims(specs: Sequence[Spec], year: int) -> list[Victim]:
    return [
        Victim(s, year)
        for s in specs
        if s.country == "FI"
        and s.registered_on is not None
        and s.registered_on.year == year
        and s.status != "not_identified"
    ]


def _eurostat(year: int, threshold: int = 5) -> tables.EurostatSet:
    cells = cube.registered_cube(country="FI", years=[year], bands=BANDS)
    return tables.eurostat_set(cells, year=year, country="FI", threshold=threshold, bands=BANDS)


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_r44_every_cell_of_every_table_equals_the_naive_count(seed: int) -> None:
    # given: a generated register of 600 cases over three years, in two countries
    specs = generate(random.Random(seed), 600)
    write(specs, opener=make_user())
    year = 2024

    # when
    with CaptureQueriesContext(connection) as queries:
        cells = cube.registered_cube(country="FI", years=[year], bands=BANDS)
    published = tables.eurostat_set(cells, year=year, country="FI", threshold=5, bands=BANDS)

    # then: the cube is one query, and every cell (suppressed or not) is the naive count
    assert len(queries) == 1
    victims = naive_victims(specs, year)
    per_country = Counter(v.country for v in victims)
    small = {c for c, n in per_country.items() if n < 5}
    assert len(victims) > 50
    checked = 0
    for table in published.tables:
        for coord in table.cells():
            expected = sum(1 for v in victims if v.in_cell(coord, small))
            assert table.values[coord] == expected, (table.name, coord)
            checked += 1
    assert checked > 200


@pytest.mark.django_db
def test_r44_a_victim_of_two_forms_counts_in_both_and_once_in_the_total() -> None:
    # given: three victims of sexual exploitation and forced labour both, two of forced labour
    specs = [
        s.__class__(**{**vars(s), "forms": forms, "status": "identified", "country": "FI"})
        for s, forms in zip(
            generate(random.Random(3), 5, years=(2024,)),
            [("forced_labour", "sexual_exploitation")] * 3 + [("forced_labour",)] * 2,
            strict=True,
        )
    ]
    specs = [s.__class__(**{**vars(s), "registered_on": s.opened_at.date()}) for s in specs]
    write(specs, opener=make_user())

    # when
    table = _eurostat(2024, threshold=1).tables[2]
    total = Coord("total", "total", "total", "total", "total")

    # then: 3 + 5 counted per form, 5 victims in all; no published equation says 8 = 5
    assert table.values[total] == 5
    assert table.values[total._replace(exploitation="sexual:sexual_exploitation")] == 3
    assert table.values[total._replace(exploitation="labour:forced_labour")] == 5
    assert table.values[total._replace(exploitation="labour")] == 5
    assert table.values[total._replace(exploitation="other:forced_marriage")] == 0
    assert all(e.holds(table.values) for e in table.equations)
    assert not any(
        e.total == total and all(p.sex == "total" for p in e.parts) for e in table.equations
    )


@pytest.mark.django_db
def test_r46_the_published_set_hides_small_cells_and_recovers_none_of_them() -> None:
    # given
    specs = generate(random.Random(4), 500)
    write(specs, opener=make_user())

    # when
    published = _eurostat(2024)

    # then: small cells are empty, nothing empty can be worked out, sums hold where published
    values = {c: v for t in published.tables for c, v in t.values.items()}
    hidden = {c for t in published.tables for c in t.suppressed}
    equations = [e for t in published.tables for e in t.equations]
    assert {c for c, v in values.items() if 0 < v < 5} <= hidden
    assert hidden
    assert recoverable(hidden, equations) == set()
    for e in equations:
        assert e.holds(values)
        assert sum(1 for c in e.cells() if c in hidden) != 1
    rows = list(published.csv_rows())
    assert len(rows) == sum(len(t.values) for t in published.tables)
    assert all((r[-1] == "") == (Coord(*r[1:6]) in hidden) for r in rows)


@pytest.mark.django_db
def test_r44_the_cube_reads_only_the_years_asked_and_the_countrys_own_cases() -> None:
    # given
    specs = generate(random.Random(5), 300)
    write(specs, opener=make_user())

    # when
    cells = cube.registered_cube(country="FI", years=[2023, 2025], bands=BANDS)
    nothing = cube.registered_cube(country="FI", years=[])

    # then
    assert {c.year for c in cells} == {2023, 2025}
    for year in (2023, 2025):
        assert sum(c.count for c in cells if c.year == year) == len(naive_victims(specs, year))
    assert nothing == []
